/**
 * One metric: the trend with its benchmark bands shaded (the HTML report's chart definition),
 * the chart that belongs beside it (NPS split, MRR movements, cohort matrix, survival, funnel),
 * the series as a table, and its definition from the catalogue (description, formula, tables).
 */
import { useEffect, useState } from 'preact/hooks';
import { extraChartOf, trendBands, trendChart } from '../../../src/charts/options.js';
import type { CatalogueEntry } from '../../../src/metrics/catalogue.js';
import type { Report } from '../../../src/metrics/report.js';
import type { Unit } from '../../../src/metrics/types.js';
import { TableHead } from '../table-head.js';
import { api, ApiError } from '../api.js';
import { Chart } from '../chart.js';
import { formatChange, formatValue } from '../format.js';
import { withParams } from '../route.js';

export function MetricPage(p: { workspace: string; id: string; url: URL }) {
  const [report, setReport] = useState<Report | null>(null);
  const [entry, setEntry] = useState<CatalogueEntry | null>(null);
  const [error, setError] = useState<string | null>(null);
  const base = `/v1/workspaces/${encodeURIComponent(p.workspace)}`;
  useEffect(() => {
    const q = new URLSearchParams(p.url.search);
    q.delete('team');
    q.set('metric', p.id);
    if (!q.has('compare')) q.set('compare', 'previous');
    setReport(null);
    api<Report>(`${base}/report?${q}`).then(setReport, (e) => setError(e instanceof ApiError ? e.problem.detail : String(e)));
    api<CatalogueEntry[]>(`${base}/metrics`).then((c) => setEntry(c.find((m) => m.id === p.id) ?? null));
  }, [p.workspace, p.id, p.url.search]);

  const m = report?.metrics[0];
  const unit = (m?.unit ?? 'count') as Unit;
  const fmt = (v: number | null) => formatValue(v, unit, report?.currency ?? 'USD');
  const extra = m ? extraChartOf(m, new Map(report!.metrics.map((x) => [x.id, x])), []) : null;
  const bands = m ? trendBands(m, report!.grain) : null;
  return (
    <article class="metric-page" aria-busy={!report && !error}>
      <p>
        <a href={withParams(new URL(`/w/${encodeURIComponent(p.workspace)}${p.url.search}`, location.href), {})}>← Overview</a>
      </p>
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      {m && report && (
        <>
          <h1>{m.name}</h1>
          <p class="value" data-metric={m.id} data-value={m.value ?? ''}>
            {fmt(m.value)}{' '}
            {m.compare && (
              <span class={`change ${m.compare.verdict ?? ''}`} data-verdict={m.compare.verdict ?? 'none'}>
                {formatChange(m.compare.change, unit, report.currency)}
              </span>
            )}
          </p>
          <p class="muted">
            {report.from} to {report.to} (exclusive) · n = {m.n.toLocaleString('en')}
            {m.ci95 && ` · 95 % CI ${fmt(m.ci95[0])} to ${fmt(m.ci95[1])}`}
            {m.benchmark?.band && ` · ${m.benchmark.band}`}
          </p>
          {m.series.some((s) => s.value !== null) && (
            <>
              <Chart spec={trendChart(m, bands!.bands)} label={`${m.name} by ${report.grain}`} headers={[report.grain, m.name]} rows={m.series.map((s) => [s.start, s.value === null ? '' : String(s.value)])} />
              <p class="muted small">{bands!.caption}</p>
            </>
          )}
          {extra && <Chart spec={extra} label={`${m.name}: breakdown`} headers={['part', 'value']} rows={Object.entries(m.parts ?? {}).map(([k, v]) => [k, v === null ? '' : String(v)])} />}
          <h2>By {report.grain}</h2>
          <table class="series">
            <TableHead cols={['Starting', 'Value', 'n']} />
            <tbody>
              {m.series.map((s) => (
                <tr>
                  <td>{s.start}</td>
                  <td class="num">{fmt(s.value)}</td>
                  <td class="num">{s.n.toLocaleString('en')}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {m.warnings.map((w) => (
            <p class="warn">{w.message}</p>
          ))}
        </>
      )}
      {entry && (
        <section class="definition">
          <h2>Definition</h2>
          <p>{entry.description}</p>
          <p>
            <strong>Formula:</strong> {entry.formula}
          </p>
          <p class="muted small">Reads {entry.tables.join(', ')}.</p>
        </section>
      )}
    </article>
  );
}
