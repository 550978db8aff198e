/** A report for people (terminal table, Markdown) and for spreadsheets (CSV). */
import type { Comparison, MetricResult } from '../metrics/compute.js';
import { metricById } from '../metrics/registry.js';
import type { Report } from '../metrics/report.js';
import { TEAMS } from '../metrics/types.js';
import { renderTable, toCsv } from './output.js';

const SPARKS = '▁▂▃▄▅▆▇█';

export function sparkline(values: readonly (number | null)[]): string {
  const nums = values.filter((v): v is number => v !== null);
  if (!nums.length) return '';
  const [lo, hi] = [Math.min(...nums), Math.max(...nums)];
  return values.map((v) => (v === null ? ' ' : SPARKS[hi === lo ? 3 : Math.round(((v - lo) / (hi - lo)) * 7)])).join('');
}

export function formatValue(unit: string, v: number | null): string {
  if (v === null) return '–';
  switch (unit) {
    case 'percent':
      return `${v.toFixed(1)} %`;
    case 'money':
      return v.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
    case 'count':
      return Math.round(v).toLocaleString('en-US');
    case 'seconds':
      return v >= 3600 ? `${(v / 3600).toFixed(1)} h` : v >= 60 ? `${(v / 60).toFixed(1)} min` : `${v.toFixed(0)} s`;
    case 'days':
      return `${v.toFixed(1)} d`;
    default:
      // Scores and ratios: at most two decimals, without trailing zeros (NPS 4.8, CLI 2.24).
      return Math.abs(v) >= 100 ? v.toFixed(0) : String(Number(v.toFixed(2)));
  }
}

/**
 * How a change is shown, from its verdict alone: good (better), bad (worse), or muted when it is
 * unchanged or not significant. A change with no test (significant null) keeps its verdict's tone.
 */
export type Tone = 'good' | 'bad' | 'muted';

export function toneOf(c: Comparison): Tone {
  if (c.verdict === 'unchanged' || c.significant === false) return 'muted';
  return c.verdict === 'better' ? 'good' : 'bad';
}

/** "+2.1 pt worse *": the change, its verdict in words and `mark` when significant. */
export function changeText(m: MetricResult, mark = '*'): string {
  const c = m.compare;
  if (!c || c.change === null) return '';
  const sign = c.change > 0 ? '+' : '';
  const amount = m.unit === 'percent' ? `${c.change.toFixed(1)} pt` : formatValue(m.unit, c.change);
  const word = c.verdict === 'unchanged' ? 'unchanged' : `${c.verdict}${c.significant ? ` ${mark}` : ''}`;
  return `${sign}${amount} ${word}`;
}

const ANSI: Record<Tone, string> = { good: '\x1b[32m', bad: '\x1b[31m', muted: '\x1b[90m' };
const MARK: Record<Tone, string> = { good: '🟢', bad: '🔴', muted: '⚪' };

function change(m: MetricResult, colour: boolean): string {
  const text = changeText(m);
  return text && colour ? `${ANSI[toneOf(m.compare!)]}${text}\x1b[0m` : text;
}

const row = (m: MetricResult, colour = false) => ({
  metric: m.name,
  value: formatValue(m.unit, m.value),
  change: change(m, colour),
  band: m.benchmark?.band ?? '',
  n: m.n,
  trend: sparkline(m.series.map((s) => s.value)),
});

/** The metric's row, then a row per definition variant beneath it (when the report has them). */
const rowsOf = (m: MetricResult, colour = false) => [
  row(m, colour),
  ...(m.variants ?? []).map((v) => ({ metric: `  ↳ ${v.name}`, value: formatValue(v.unit, v.value), change: '', band: '', n: v.n, trend: '' })),
];

/** Each variant's reason, under the heading of its metric. */
const variantReasons = (r: Report) => r.metrics.flatMap((m) => (m.variants ?? []).map((v) => ({ metric: m.name, variant: v.name, reason: v.reason })));

/** Grouped by each metric's first owning team; changes coloured by verdict when `colour` (a terminal). */
export function renderReportTable(r: Report, o: { colour?: boolean } = {}): string {
  const out = [`Retain report ${r.from} … ${r.to} (exclusive), by ${r.grain}, time zone ${r.timezone}`];
  for (const team of TEAMS) {
    const ms = r.metrics.filter((m) => metricById(m.id)?.teams[0] === team);
    if (!ms.length) continue;
    out.push('', team.toUpperCase(), renderTable(['metric', 'value', 'change', 'band', 'n', 'trend'], ms.flatMap((m) => rowsOf(m, o.colour))));
  }
  const broken = r.metrics.filter((m) => m.segments?.length);
  if (broken.length) {
    const segments = [...new Set(broken.flatMap((m) => m.segments!.map((x) => x.segment ?? '(none)')))];
    out.push('', `BY ${(r.by ?? 'segment').toUpperCase()}`);
    const rows = broken.map((m) => ({
      metric: m.name,
      ...Object.fromEntries(segments.map((seg) => {
        const x = m.segments!.find((y) => (y.segment ?? '(none)') === seg);
        return [seg, x ? `${formatValue(m.unit, x.value)} (${x.n})` : ''];
      })),
    }));
    out.push(renderTable(['metric', ...segments], rows));
  }
  const notes = r.metrics.filter((m) => m.value === null && m.note).map((m) => `  ${m.name}: ${m.note}`);
  if (notes.length) out.push('', 'NO VALUE', ...notes);
  const reasons = variantReasons(r);
  if (reasons.length) out.push('', 'DEFINITION VARIANTS (beside Retain’s value, never instead of it)', ...reasons.map((x) => `  ${x.metric}, ${x.variant}: ${x.reason}`));
  if (r.metrics.some((m) => m.compare)) out.push('', 'better / worse: read through each metric’s direction; * significant at the 5 % level');
  return out.join('\n');
}

const CSV_COLUMNS = ['id', 'name', 'unit', 'value', 'n', 'ci95_low', 'ci95_high', 'band', 'change', 'verdict', 'p', 'significant', 'note'];

export function renderReportCsv(r: Report): string {
  return toCsv(
    CSV_COLUMNS,
    r.metrics.map((m) => ({
      id: m.id,
      name: m.name,
      unit: m.unit,
      value: m.value,
      n: m.n,
      ci95_low: m.ci95?.[0] ?? null,
      ci95_high: m.ci95?.[1] ?? null,
      band: m.benchmark?.band ?? null,
      change: m.compare?.change ?? null,
      verdict: m.compare?.verdict ?? null,
      p: m.compare?.p ?? null,
      significant: m.compare?.significant ?? null,
      note: m.note,
    })),
  );
}

export function renderReportMarkdown(r: Report): string {
  const lines = [`# Retain report`, '', `${r.from} to ${r.to} (exclusive), by ${r.grain}, time zone ${r.timezone}.`, ''];
  lines.push('| metric | value | change | band | n | trend |', '| --- | ---: | ---: | --- | ---: | --- |');
  for (const m of r.metrics) {
    for (const x of rowsOf(m)) {
      const mark = m.compare && x.change ? `${MARK[toneOf(m.compare)]} ` : '';
      lines.push(`| ${x.metric} | ${x.value} | ${mark}${x.change} | ${x.band} | ${x.n} | ${x.trend} |`);
    }
  }
  const notes = r.metrics.filter((m) => m.note).map((m) => `- **${m.name}**: ${m.note}`);
  if (notes.length) lines.push('', '## Notes', '', ...notes);
  const reasons = variantReasons(r);
  if (reasons.length) lines.push('', '## Definition variants', '', ...reasons.map((x) => `- **${x.metric}**, ${x.variant}: ${x.reason}`));
  return lines.join('\n') + '\n';
}
