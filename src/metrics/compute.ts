/**
 * Computing metrics: for each, the period value, the series by grain, the breakdown by segment
 * and the comparison with an earlier period, each one query whose statistics `finish` turns into
 * values. A metric whose tables are empty is unavailable, with the reason; never 0.
 */
import { yieldToLoop } from '../warehouse/event-loop.js';
import type { Row, Warehouse } from '../warehouse/warehouse.js';
import { readSettings } from '../warehouse/schema/settings.js';
import { dataRange, type DataRange } from './data-range.js';
import { isSmallN, warningsFor, type ValueWarning, type WarningContext } from './warnings.js';
import { makeScope, withSegments, type Grain, type Slice } from './scope.js';
import { npsChangeP, twoProportionP } from './stats.js';
import { NOT_YET_ON } from './engines.js';
import type { ReportTables } from './report-tables.js';
import type { Band, Benchmark, MetricDef, Stats, Value, VariantDef } from './types.js';
import { bucketStarts, previousPeriod, shiftYears } from './calendar.js';

export { bucketStarts, lastFullMonths, previousPeriod, shiftYears } from './calendar.js';

export interface ReportRequest {
  /** Local dates YYYY-MM-DD; the period is [from, to). */
  from: string;
  to: string;
  grain: Grain;
  timezone: string;
  slice: Slice;
  compare?: 'previous' | 'year';
  activityWindowDays?: number;
  /** Benchmarks that replace the registry's, by metric id. */
  benchmarks?: Readonly<Record<string, Benchmark>>;
  /**
   * Results by query text and parameters, shared by the metrics of one report: metrics of a family
   * built on the same statistics (the MRR movements, the session statistics, …) run it once.
   */
  cache?: Map<string, Promise<Row[]>>;
  /** With a breakdown: the segments lookup table the report built (else each metric builds its own). */
  segments?: string;
  /** Tables the report computes once for several metrics (the purchase summary); dropped by its maker. */
  tables?: ReportTables;
  /** The days each table's data covers (the report reads it once; else each metric does). */
  dataRange?: DataRange;
  /** Compute the metric's definition variants beside its value (period only). */
  variants?: boolean;
  /** L2 penalty of the model fits behind predictive metrics (default 0). */
  penalizer?: number;
  /** Fit models on a worker thread (the server: its event loop stays free); the same numbers. */
  offThread?: boolean;
}

/**
 * A change against an earlier period. The verdict reads the change through the metric's direction
 * (a rise in complaints is worse); `significant` is null where the metric has no test.
 */
export interface Comparison {
  from: string;
  to: string;
  value: number | null;
  change: number | null;
  p: number | null;
  significant: boolean | null;
  verdict: Verdict | null;
}

export type Verdict = 'better' | 'worse' | 'unchanged';

export function comparison(m: Pick<MetricDef, 'direction'>, period: [string, string], now: number | null, before: number | null, p: number | null): Comparison {
  const change = now !== null && before !== null ? now - before : null;
  // Differences of equal values computed two ways may differ in the last bits: that is no change.
  const verdict = change === null ? null : Math.abs(change) <= 1e-9 * (1 + Math.abs(before ?? 0)) ? 'unchanged' : (change > 0) === (m.direction === 'higher') ? 'better' : 'worse';
  return { from: period[0], to: period[1], value: before, change, p, significant: p === null ? null : p < 0.05, verdict };
}

/** The earlier period a change is measured against: the one just before, or a year earlier. */
function comparedPeriod(from: string, to: string, compare: 'previous' | 'year'): [string, string] {
  return compare === 'year' ? [shiftYears(from, -1), shiftYears(to, -1)] : previousPeriod(from, to);
}

export interface MetricResult {
  id: string;
  name: string;
  unit: string;
  value: number | null;
  n: number;
  ci95: [number, number] | null;
  parts: Record<string, number | null> | null;
  /** The band the value falls in, and the bands with their basis (the period length they rate). */
  benchmark: { band: string | null; source: string; basis: 'month' | 'year' | null; bands: readonly Band[] } | null;
  series: { start: string; value: number | null; n: number }[];
  compare: Comparison | null;
  segments?: { segment: string | null; value: number | null; n: number; ci95: [number, number] | null; small_n: boolean }[];
  note: string | null;
  /** Tables with no rows the metric needs (it is unavailable until they are imported); else empty. */
  needs: string[];
  /** Fewer than SMALL_N answers or customers behind a rate. */
  small_n: boolean;
  /** Where the value is right but misleading, in plain language. */
  warnings: ValueWarning[];
  /** Other tools' definitions of the metric, when the request asked for them (absent otherwise). */
  variants?: VariantResult[];
}

export interface VariantResult {
  id: string;
  name: string;
  unit: string;
  value: number | null;
  n: number;
  reason: string;
}

export async function computeMetric(wh: Warehouse, m: MetricDef, req: ReportRequest, emptyTables: ReadonlySet<string>): Promise<MetricResult> {
  const base = { id: m.id, name: m.name, unit: m.unit };
  const notYet = NOT_YET_ON[wh.dialect.name]?.[m.id];
  if (notYet) {
    return { ...base, value: null, n: 0, ci95: null, parts: null, benchmark: null, series: [], compare: null, note: `Not yet available on ${wh.dialect.name}: ${notYet}. The embedded engine computes it.`, needs: [], small_n: false, warnings: [] };
  }
  const { values: settings, set } = await readSettings(wh);
  const model = workspaceModel(settings.model, emptyTables);
  const missing = (m.modelTables?.[model] ?? m.tables).filter((t) => emptyTables.has(t));
  if (missing.length) {
    return {
      ...base,
      value: null,
      n: 0,
      ci95: null,
      parts: null,
      benchmark: null,
      series: [],
      compare: null,
      // In words for any reader (the HTML report too); \`needs\` names the tables for a command.
      note: `Unavailable: no ${inWords(missing)} have been imported.`,
      needs: missing,
      small_n: false,
      warnings: [],
    };
  }
  const scopeSettings = {
    activityWindowDays: req.activityWindowDays ?? Number(settings.activity_window.replace('d', '')),
    grossMargin: Number(settings.gross_margin),
    engagementWeights: JSON.parse(settings.engagement_weights) as Record<string, number>,
  };
  type Queries = Pick<MetricDef, 'sql' | 'alsoSql' | 'alsoJoin'>;
  const run = async (from: string, to: string, grain: Grain | null, slice: Slice, segments?: string, q: Queries = m) => {
    const starts = grain ? bucketStarts(from, to, grain) : [];
    // Each query on its own scope, so its text and parameters are exactly those of another metric
    // that runs it too, and the report's cache runs it once.
    const results = await Promise.all(
      [q.sql, ...(q.alsoSql ?? [])].map(async (build) => {
        const s = makeScope(wh.dialect, { from, to, timezone: req.timezone, grain, slice, settings: scopeSettings, bucketStarts: starts, model, ...(segments ? { segments } : {}) });
        const sql = build(s);
        const key = `${sql}\u0000${JSON.stringify(s.params, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v))}`;
        let pending = req.cache?.get(key);
        if (!pending) {
          pending = wh.query(sql, s.params);
          req.cache?.set(key, pending);
        }
        const out = [];
        for (const r of await pending) {
          // Many rows (a curve's points, pages by bucket): let a server's event loop run between.
          if (out.length % 16_384 === 16_383) await yieldToLoop();
          out.push({
            bucket: r.bucket === null ? 'period' : typeof r.bucket === 'string' ? r.bucket : s.labelOf(Number(r.bucket)),
            segment: r.segment === null ? null : String(r.segment),
            ...(r.key === undefined ? {} : { key: String(r.key) }),
            stats: toStats(r),
          });
        }
        return out;
      }),
    );
    return results.length === 1 ? results[0]! : joinStats(m.id, results, q.alsoJoin === 'full');
  };
  const unsliced = { where: req.slice.where };
  const compared = req.compare ? comparedPeriod(req.from, req.to, req.compare) : null;
  const context: WarningContext = {
    from: req.from,
    compared,
    model,
    tables: m.modelTables?.[model] ?? m.tables,
    activityWindowDays: scopeSettings.activityWindowDays,
    defaultMargin: !set.has('gross_margin'),
    range: req.dataRange ?? (await dataRange(wh, req.timezone, req.cache)),
  };
  const checked = (v: Value) => ({ note: v.note ?? m.convention ?? null, needs: [], small_n: isSmallN(m, v.value, v.n), warnings: warningsFor(m, v.value, v.n, context) });
  if (m.fromModel) {
    const modelScope = (from: string, to: string) =>
      makeScope(wh.dialect, { from, to, timezone: req.timezone, grain: null, slice: unsliced, settings: scopeSettings, bucketStarts: [], model });
    const fit = { penalizer: req.penalizer ?? 0, offThread: req.offThread ?? false };
    const v = await m.fromModel(wh, modelScope(req.from, req.to), req.tables, fit);
    let compare: MetricResult['compare'] = null;
    if (compared) {
      const before = await m.fromModel(wh, modelScope(...compared), req.tables, fit);
      compare = comparison(m, compared, v.value, before.value, null);
    }
    return { ...base, value: v.value, n: v.n, ci95: v.ci95 ?? null, parts: v.parts ?? null, benchmark: benchmarkOf(m, v, req.benchmarks?.[m.id] ?? m.benchmark, [req.from, req.to]), series: [], compare, ...checked(v) };
  }
  const seriesRows = await run(req.from, req.to, req.grain, unsliced);
  // Rows for the period: the series' own when the metric is defined over buckets (a cohort
  // matrix) or its statistics add up; else a query over the whole period.
  const periodRows = m.periodFromSeries
    ? seriesRows
    : m.periodInSeries
      ? seriesRows.filter((r) => r.bucket === 'period')
      : m.statsAdditive
        ? [{ bucket: 'period', segment: null, stats: sumStats(seriesRows) }]
        : await run(req.from, req.to, null, unsliced);
  const [period] = periodRows;
  const value = m.finishRows ? m.finishRows(periodRows) : m.finish(period?.stats ?? {});
  const series = m.noSeries ? [] : bucketStarts(req.from, req.to, req.grain).map((start) => {
    const rows = seriesRows.filter((r) => r.bucket === start);
    const v = m.finishRows ? m.finishRows(rows) : m.finish(rows[0]?.stats ?? {});
    return { start, value: v.value, n: v.n };
  });
  let segments: MetricResult['segments'];
  if (req.slice.by && !m.noSegments) {
    // A metric finished from many rows (cells, curve points, pages) is finished once per segment.
    const grain = m.periodFromSeries ? req.grain : null;
    const rows = req.segments ? await run(req.from, req.to, grain, req.slice, req.segments) : await withSegments(wh, req.slice.by, (t) => run(req.from, req.to, grain, req.slice, t));
    const bySegment = new Map<string | null, typeof rows>();
    for (const r of rows) {
      const group = bySegment.get(r.segment);
      if (group) group.push(r);
      else bySegment.set(r.segment, [r]);
    }
    segments = [...bySegment]
      .map(([segment, group]) => ({ segment, ...pick(m, m.finishRows ? m.finishRows(group) : m.finish(group[0]!.stats)) }))
      .sort((a, b) => String(a.segment).localeCompare(String(b.segment)));
  }
  let compare: MetricResult['compare'] = null;
  if (compared) {
    const [cf, ct] = compared;
    const priorRows = await run(cf, ct, m.periodFromSeries ? req.grain : null, unsliced);
    const [prior] = priorRows;
    const before = m.finishRows ? m.finishRows(priorRows) : m.finish(prior?.stats ?? {});
    compare = comparison(m, [cf, ct], value.value, before.value, significance(m, period?.stats ?? {}, prior?.stats ?? {}));
  }
  // A variant reads the period's statistics, or runs its own queries (by month when it compounds).
  const variantOf = async (v: VariantDef): Promise<VariantResult> => {
    const rows = v.sql ? await run(req.from, req.to, v.grain ?? null, unsliced, undefined, { sql: v.sql, alsoSql: v.alsoSql }) : periodRows;
    const out = v.finishRows ? v.finishRows(rows.filter((r) => r.bucket !== 'period')) : v.finish!(rows[0]?.stats ?? {});
    return { id: v.id, name: v.name, unit: v.unit ?? m.unit, value: out.value, n: out.n, reason: v.reason };
  };
  const variants = req.variants && m.variants ? await Promise.all(m.variants.map(variantOf)) : undefined;
  return {
    ...base,
    value: value.value,
    n: value.n,
    ci95: value.ci95 ?? null,
    parts: value.parts ?? null,
    benchmark: benchmarkOf(m, value, req.benchmarks?.[m.id] ?? m.benchmark, [req.from, req.to]),
    series,
    compare,
    ...(segments ? { segments } : {}),
    ...checked(value),
    ...(variants ? { variants } : {}),
  };
}

/** Table names as words, joined: "subscription events or orders". */
const inWords = (tables: readonly string[]) => tables.map((t) => t.replaceAll('_', ' ')).join(' or ');

/** The active-customer model: subscription when subscription data exists (or when set), else transactional. */
export function workspaceModel(setting: string, empty: ReadonlySet<string>): 'subscription' | 'transactional' {
  if (setting === 'subscription' || setting === 'transactional') return setting;
  return empty.has('subscription_events') ? 'transactional' : 'subscription';
}

/** Tables with no rows: their metrics are unavailable. */
export async function emptyTables(wh: Warehouse, tables: readonly string[]): Promise<Set<string>> {
  const union = tables.map((t) => `SELECT ${wh.dialect.str(t)} AS t, count(*) AS n FROM ${wh.dialect.ident(t)}`).join(' UNION ALL ');
  const rows = await wh.query(union);
  return new Set(rows.filter((r) => Number(r.n) === 0).map((r) => String(r.t)));
}

function significance(m: MetricDef, a: Stats, b: Stats): number | null {
  const n = (s: Stats, k: string) => Number(s[k] ?? 0);
  if (typeof m.test === 'function') {
    const [[k1, n1], [k2, n2]] = [m.test(a), m.test(b)];
    return twoProportionP(k1, n1, k2, n2);
  }
  if (m.test === 'nps') {
    return npsChangeP(
      { promoters: n(a, 'promoters'), detractors: n(a, 'detractors'), n: n(a, 'n') },
      { promoters: n(b, 'promoters'), detractors: n(b, 'detractors'), n: n(b, 'n') },
    );
  }
  return null;
}

/**
 * The band of a value. Bands with a basis rate values over that length of period: the metric's
 * equivalent for it (bandValue), or, without one, the value only when the period is that long
 * (annual NRR bands say nothing of a quarter's NRR). Bands from a file have the registry's basis.
 */
function benchmarkOf(m: MetricDef, v: Value, b: Benchmark | undefined, period: readonly [string, string]): MetricResult['benchmark'] {
  if (!b) return null;
  const basis = b.basis ?? m.benchmark?.basis ?? null;
  const x = m.bandValue ? m.bandValue(v) : basis && !lasts(period, basis) ? null : v.value;
  return { band: x === null ? null : bandOf(b.bands, x), source: b.source, basis, bands: b.bands };
}

/** Whether [from, to) is a calendar month or year long (28–31 or 365–366 days). */
function lasts([from, to]: readonly [string, string], basis: 'month' | 'year'): boolean {
  const days = (Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000;
  return basis === 'month' ? days >= 28 && days <= 31 : days >= 365 && days <= 366;
}

export function bandOf(bands: readonly Band[], v: number): string | null {
  return bands.find((b) => (b.min === undefined || v >= b.min) && (b.max === undefined || v < b.max))?.label ?? null;
}

/** The period's statistics as the sum of its buckets' (for metrics whose statistics add up). */
export function sumStats(rows: readonly { bucket: string; stats: Stats }[]): Stats {
  const out: Record<string, number> = {};
  for (const r of rows) {
    if (r.bucket === 'before' || r.bucket === 'after') continue;
    for (const [k, v] of Object.entries(r.stats)) out[k] = (out[k] ?? 0) + (v ?? 0);
  }
  return out;
}

const pick = (m: MetricDef, v: Value) => ({ value: v.value, n: v.n, ci95: v.ci95 ?? null, small_n: isSmallN(m, v.value, v.n) });

type StatRow = { bucket: string; segment: string | null; key?: string; stats: Stats };

/**
 * The rows of the first query with the statistics of the others beside them, matched on bucket,
 * segment and key: a left join (a row only the others have is dropped), or with `full` a full one
 * (such a row is kept, with its own statistics alone).
 */
function joinStats(id: string, [first, ...others]: readonly (readonly StatRow[])[], full: boolean): StatRow[] {
  const at = (r: StatRow) => JSON.stringify([r.bucket, r.segment, r.key ?? null]);
  const joined = new Map((first ?? []).map((r) => [at(r), { ...r, stats: { ...r.stats } }]));
  for (const rows of others) {
    for (const r of rows) {
      const row = joined.get(at(r));
      if (row)
        for (const [name, v] of Object.entries(r.stats)) {
          if (name in row.stats) throw new Error(`${id}: the statistic ${name} comes from two of its queries.`);
          (row.stats as Record<string, number | null>)[name] = v;
        }
      else if (full) joined.set(at(r), { ...r, stats: { ...r.stats } });
    }
  }
  return [...joined.values()];
}

function toStats(r: Record<string, unknown>): Stats {
  const out: Record<string, number | null> = {};
  for (const [k, v] of Object.entries(r)) if (k !== 'bucket' && k !== 'segment' && k !== 'key') out[k] = v === null || v === undefined ? null : Number(v);
  return out;
}
