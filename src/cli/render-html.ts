/**
 * The HTML report: one self-contained file (inline CSS and SVG, no script, no network) that reads
 * on a phone: a card per metric with its value, band, n, interval, change and trend, grouped by
 * team, and the charts people would rather look at than read.
 */
import type { MetricResult } from '../metrics/compute.js';
import { metricById } from '../metrics/registry.js';
import type { Report } from '../metrics/report.js';
import { TEAMS } from '../metrics/types.js';
import { RFM_SEGMENTS } from '../models/rfm.js';
import { esc } from '../warehouse/html-text.js';
import { extraChartOf, trendBands } from '../charts/options.js';
import { svg, trendChart } from './charts.js';
import { changeText, formatValue, periodLines, readWithCare, SMALL_LEGEND, SMALL_MARK, toneOf } from './render-report.js';


function card(m: MetricResult, grain: string, currency: string, warnings: readonly string[], extra = ''): string {
  const hasTrend = m.series.some((s) => s.value !== null);
  const trend = trendBands(m, grain);
  const ci = m.ci95 ? `95 % CI ${formatValue(m.unit, m.ci95[0], currency)} – ${formatValue(m.unit, m.ci95[1], currency)}` : '';
  // Coloured by the verdict alone: a fall in churn is green, a rise in complaints red.
  const change = m.compare && m.compare.change !== null ? `<span class="change ${toneOf(m.compare)}">${esc(changeText(m, '✱', currency))}</span>` : '';
  return `<section class="card" id="${esc(m.id)}">
  <h3>${esc(m.name)}</h3>
  <div class="value">${esc(formatValue(m.unit, m.value, currency))}${m.small_n ? `<sup class="small" title="${esc(SMALL_LEGEND)}">${SMALL_MARK}</sup>` : ''} ${change}</div>
  <div class="meta">${m.benchmark?.band ? `<span class="band">${esc(m.benchmark.band)}${m.benchmark.basis ? ` (${m.benchmark.basis === 'month' ? 'monthly' : 'annual'} rate)` : ''}</span>` : ''}<span>n = ${m.n.toLocaleString('en-US')}</span>${ci ? `<span>${esc(ci)}</span>` : ''}</div>
  ${hasTrend ? `<figure>${trendChart(m, trend.bands)}<figcaption>${esc(trend.caption)}</figcaption></figure>` : ''}
  ${extra}
  ${warnings.map((w) => `<p class="warn">${esc(w)}</p>`).join('\n  ')}
  ${valueNote(m) ? `<p class="note">${esc(valueNote(m)!)}</p>` : ''}
</section>`;
}

/**
 * The note about this value (why it is missing, a warning of the fit), not the metric's standing
 * convention: conventions name JSON parts and settings, and live in the docs.
 */
const valueNote = (m: MetricResult) => (m.note && m.note !== metricById(m.id)?.convention ? m.note : null);

/** The chart that belongs under a metric beside its trend, if any. */
function extraChart(m: MetricResult, all: ReadonlyMap<string, MetricResult>): string {
  const spec = extraChartOf(m, all, RFM_SEGMENTS);
  return spec ? `<figure>${svg(spec)}</figure>` : '';
}

/** The "Definition variants" section: each variant's value beside Retain's, with its reason (empty without variants). */
function variantsSection(r: Report): string {
  const rows = r.metrics.flatMap((m) =>
    (m.variants ?? []).map(
      (v) => `<tr><td>${esc(m.name)}</td><td>${esc(v.name)}</td><td class="num">${esc(formatValue(v.unit, v.value))}</td><td class="num">${esc(formatValue(m.unit, m.value))}</td><td>${esc(v.reason)}</td></tr>`,
    ),
  );
  if (!rows.length) return '';
  return `<h2 id="variants">Definition variants</h2>
<p class="note">Other tools define these metrics differently; each value stands beside Retain’s, never instead of it.</p>
<div class="scroll"><table class="variants"><thead><tr><th>metric</th><th>variant</th><th>value</th><th>Retain’s value</th><th>reason</th></tr></thead>
<tbody>${rows.join('\n')}</tbody></table></div>`;
}

export function renderReportHtml(r: Report): string {
  const byId = new Map(r.metrics.map((m) => [m.id, m]));
  const care = readWithCare(r);
  const sections = TEAMS.map((team) => {
    const ms = r.metrics.filter((m) => metricById(m.id)?.teams[0] === team);
    if (!ms.length) return '';
    return `<h2>${esc(team[0]!.toUpperCase() + team.slice(1))}</h2>\n<div class="grid">${ms.map((m) => card(m, r.grain, r.currency, care.single.get(m.id) ?? [], extraChart(m, byId))).join('\n')}</div>`;
  }).join('\n');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Retain report ${esc(r.from)} – ${esc(r.to)}</title>
<style>
  :root { color-scheme: light; --ink: #0f172a; --muted: #64748b; --line: #e2e8f0; }
  * { box-sizing: border-box; }
  body { margin: 0; font: 15px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; color: var(--ink); background: #f8fafc; }
  header { padding: 20px 16px 8px; max-width: 1200px; margin: auto; }
  header h1 { margin: 0 0 4px; font-size: 22px; }
  header p { margin: 0; color: var(--muted); }
  main { padding: 0 16px 32px; max-width: 1200px; margin: auto; }
  h2 { font-size: 17px; margin: 24px 0 8px; text-transform: none; }
  .grid { display: grid; grid-template-columns: repeat(auto-fill, minmax(300px, 1fr)); gap: 12px; }
  .card { background: #fff; border: 1px solid var(--line); border-radius: 10px; padding: 12px 14px; min-width: 0; }
  .card h3 { margin: 0; font-size: 14px; font-weight: 600; }
  .value { font-size: 26px; font-weight: 700; margin: 4px 0; }
  .change { font-size: 14px; font-weight: 600; margin-left: 6px; }
  .change.good { color: #15803d; } .change.bad { color: #b91c1c; } .change.muted { color: #6b7280; }
  .meta { display: flex; flex-wrap: wrap; gap: 6px 12px; font-size: 12px; color: var(--muted); }
  .band { background: #eef2ff; color: #3730a3; border-radius: 999px; padding: 0 8px; }
  figure { margin: 8px 0 0; }
  figure svg { width: 100%; height: auto; display: block; }
  figcaption { font-size: 11px; color: var(--muted); }
  .note { font-size: 12px; color: var(--muted); margin: 8px 0 0; }
  .warn { font-size: 12px; color: #92400e; background: #fffbeb; border-left: 3px solid #f59e0b; padding: 4px 8px; margin: 8px 0 0; }
  .care { margin-top: 12px; } .care h2 { margin: 0 0 4px; font-size: 15px; }
  .small { font-size: 14px; color: #92400e; margin-left: 2px; }
  .scroll { overflow-x: auto; }
  table.variants { border-collapse: collapse; width: 100%; background: #fff; font-size: 13px; }
  table.variants th, table.variants td { border-bottom: 1px solid var(--line); padding: 6px 8px; text-align: left; vertical-align: top; }
  table.variants td.num { text-align: right; white-space: nowrap; }
  footer { color: var(--muted); font-size: 12px; text-align: center; padding: 16px; }
</style>
</head>
<body>
<header>
  <h1>Retain report</h1>
  ${periodLines(r).map((l) => `<p>${esc(l)}</p>`).join('\n  ')}
  <p>Shaded bands are benchmark bands. Changes are better (green) or worse (red) by each metric’s direction, grey when unchanged or not significant; ✱ marks a change significant at the 5 % level; ${esc(SMALL_LEGEND)}.</p>
  ${care.grouped.length ? `<section class="care"><h2>Read with care</h2>${care.grouped.map((w) => `<p class="warn">${esc(w)}</p>`).join('')}</section>` : ''}
</header>
<main>
${sections}
${variantsSection(r)}
</main>
<footer>Generated by Retain. Definitions: docs/metrics.md.</footer>
</body>
</html>
`;
}
