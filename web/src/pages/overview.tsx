/**
 * A team's overview: a card per metric with its value and unit, the change against the
 * comparison coloured by its verdict, the benchmark band, n and the 95 % interval; metrics that
 * lack data are grouped by the tables they need.
 */
import { useEffect, useState } from 'preact/hooks';
import type { MetricResult } from '../../../src/metrics/compute.js';
import type { Report } from '../../../src/metrics/report.js';
import type { Unit } from '../../../src/metrics/types.js';
import { api, ApiError } from '../api.js';
import { formatChange, formatValue } from '../format.js';
import { navigate, withParams } from '../route.js';

const COMPARISONS = [
  ['previous', 'the previous period'],
  ['year', 'a year before'],
  ['', 'nothing'],
] as const;

function Card(p: { m: MetricResult; currency: string; href: string }) {
  const { m } = p;
  const unit = m.unit as Unit;
  const verdict = m.compare?.verdict ?? 'none';
  return (
    <article class="card" data-metric={m.id} data-value={m.value ?? ''} aria-labelledby={`m-${m.id}`}>
      <h3 id={`m-${m.id}`}>
        <a href={p.href} onClick={(e) => (e.preventDefault(), navigate(p.href))}>
          {m.name}
        </a>
      </h3>
      <p class="value">{formatValue(m.value, unit, p.currency)}</p>
      {m.compare && (
        <p class={`change ${verdict}`} data-verdict={verdict}>
          {formatChange(m.compare.change, unit, p.currency)} <span class="muted">vs {formatValue(m.compare.value, unit, p.currency)}</span>
        </p>
      )}
      <p class="muted small">
        n = {m.n.toLocaleString('en')}
        {m.ci95 && ` · 95 % CI ${formatValue(m.ci95[0], unit, p.currency)} to ${formatValue(m.ci95[1], unit, p.currency)}`}
        {m.benchmark?.band && <span class="band"> · {m.benchmark.band}</span>}
      </p>
      {m.segments && (
        <table class="segments">
          <caption class="visually-hidden">{m.name} by segment</caption>
          <tbody>
            {m.segments.slice(0, 6).map((g) => (
              <tr data-segment={g.segment ?? ''} data-value={g.value ?? ''}>
                <th scope="row">{g.segment ?? '(none)'}</th>
                <td class="num">{formatValue(g.value, unit, p.currency)}</td>
                <td class="num muted small">n = {g.n}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </article>
  );
}

export function Overview(p: { workspace: string; url: URL }) {
  const team = p.url.searchParams.get('team') ?? '';
  const compare = p.url.searchParams.has('compare') ? p.url.searchParams.get('compare')! : 'previous';
  const from = p.url.searchParams.get('from') ?? '';
  const to = p.url.searchParams.get('to') ?? '';
  // Filters on customer fields or attributes (field=value, each repeatable) and a breakdown field.
  const where = p.url.searchParams.getAll('where');
  const by = p.url.searchParams.get('by') ?? '';
  const [filter, setFilter] = useState('');
  const [report, setReport] = useState<Report | null>(null);
  // The teams, in the catalogue's order: the server's definition, not a copy of it.
  const [teams, setTeams] = useState<string[]>([]);
  useEffect(() => {
    api<{ teams: string[] }[]>(`/v1/workspaces/${encodeURIComponent(p.workspace)}/metrics`).then((c) => setTeams([...new Set(c.flatMap((m) => m.teams))]));
  }, [p.workspace]);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    const q = new URLSearchParams();
    if (team) q.set('team', team);
    if (compare) q.set('compare', compare);
    if (from) q.set('from', from);
    if (to) q.set('to', to);
    for (const w of where) q.append('where', w);
    if (by) q.set('by', by);
    setReport(null);
    setError(null);
    api<Report>(`/v1/workspaces/${encodeURIComponent(p.workspace)}/report?${q}`).then(setReport, (e) => setError(e instanceof ApiError ? e.problem.detail : String(e)));
  }, [p.workspace, team, compare, from, to, where.join('&'), by]);

  const available = report?.metrics.filter((m) => m.needs.length === 0) ?? [];
  const missing = new Map<string, MetricResult[]>();
  for (const m of report?.metrics ?? []) if (m.needs.length) missing.set(m.needs.join(', '), [...(missing.get(m.needs.join(', ')) ?? []), m]);
  const set = (changes: Record<string, string | null>) => navigate(withParams(p.url, changes));
  /** The URL with its filters replaced (withParams sets one value a key; where repeats). */
  const withWhere = (next: string[]) => {
    const u = new URL(p.url);
    u.searchParams.delete('where');
    for (const w of next) u.searchParams.append('where', w);
    return u.pathname + u.search;
  };

  return (
    <section aria-busy={!report && !error}>
      <nav class="teams" aria-label="Teams">
        {['', ...teams].map((t) => (
          <a href={withParams(p.url, { team: t || null })} aria-current={t === team ? 'page' : undefined} onClick={(e) => (e.preventDefault(), set({ team: t || null }))}>
            {t || 'all'}
          </a>
        ))}
      </nav>
      <form class="period" onSubmit={(e) => e.preventDefault()}>
        <label>
          From <input type="date" value={from || report?.from || ''} onChange={(e) => set({ from: (e.target as HTMLInputElement).value })} />
        </label>
        <label>
          To (exclusive) <input type="date" value={to || report?.to || ''} onChange={(e) => set({ to: (e.target as HTMLInputElement).value })} />
        </label>
        <label>
          Compared with{' '}
          <select value={compare} onChange={(e) => set({ compare: (e.target as HTMLSelectElement).value || '' })}>
            {COMPARISONS.map(([v, label]) => (
              <option value={v}>{label}</option>
            ))}
          </select>
        </label>
      </form>
      <form
        class="period"
        onSubmit={(e) => {
          e.preventDefault();
          if (filter.includes('=')) navigate(withWhere([...where, filter.trim()]));
          setFilter('');
        }}
      >
        <label for="filter">Only customers with</label>
        <input id="filter" placeholder="country=DE" value={filter} onInput={(e) => setFilter(e.currentTarget.value)} />
        <button type="submit">Add filter</button>
        {where.map((w) => (
          <button type="button" class="chip" aria-label={`Remove filter ${w}`} onClick={() => navigate(withWhere(where.filter((x) => x !== w)))}>
            {w} ×
          </button>
        ))}
        <label for="by">Broken down by</label>
        <input id="by" placeholder="country" value={by} onChange={(e) => set({ by: e.currentTarget.value.trim() || null })} />
      </form>
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      {report && (
        <>
          {report.period_reason && <p class="muted">{report.period_reason}</p>}
          <div class="cards">
            {available.map((m) => (
              <Card m={m} currency={report.currency} href={`/w/${encodeURIComponent(p.workspace)}/metrics/${m.id}${withParams(p.url, { team: null }).slice(p.url.pathname.length)}`} />
            ))}
          </div>
          {missing.size > 0 && (
            <section class="missing">
              <h2>Waiting for data</h2>
              {[...missing].map(([needs, ms]) => (
                <p>
                  <strong>{needs}</strong>: {ms.map((m) => m.name).join(', ')}
                </p>
              ))}
            </section>
          )}
        </>
      )}
    </section>
  );
}
