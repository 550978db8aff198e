/**
 * The scope a metric's SQL is built in: the period [from, to) in the workspace time zone, the
 * bucket of a timestamp (the whole period, or a grain), the customer filters (--where) and the
 * breakdown (--by). User values are bound as parameters; field names are checked against the
 * schema before they reach SQL.
 */
import { randomBytes } from 'node:crypto';
import type { Dialect } from '../warehouse/dialect.js';
import { UsageError } from '../warehouse/errors.js';
import { tableDef } from '../warehouse/schema/tables.js';
import type { Param, Warehouse } from '../warehouse/warehouse.js';

export const GRAINS = ['day', 'week', 'month', 'quarter', 'year'] as const;
export type Grain = (typeof GRAINS)[number];

export interface Slice {
  /** `field=value` filters on customers (a customer field, or a key of `attributes`). */
  readonly where: readonly { field: string; value: string }[];
  /** Break down by this customer field or attribute key. */
  readonly by?: string;
}

export interface Scope {
  readonly d: Dialect;
  /** The period as local dates, [from, to). */
  readonly period: { readonly from: string; readonly to: string };
  /** The period's start and end instants (SQL). */
  readonly from: string;
  readonly to: string;
  /** Condition: the timestamp lies in [from, to). */
  inPeriod(ts: string): string;
  /**
   * The bucket of a timestamp, as an integer index (-1 before the period, the bucket count after
   * it); a metric may also name buckets by their boundary index `i` or by label.
   */
  bucket(ts: string): string;
  /** The label of a bucket index: its first local day, 'period', 'before' or 'after'. */
  labelOf(i: number): string;
  /**
   * How many boundaries lie at or before a timestamp (plus `days`): the first boundary strictly
   * after it. A state set at ts holds at boundaries boundaryIndex(ts) and later; something that
   * counts for `days` after ts counts up to boundary boundaryIndex(ts, days) (exclusive). The days
   * shift the boundaries, computed once, never the timestamps: date arithmetic per row is dear.
   */
  boundaryIndex(ts: string, days?: number): string;
  /** How many boundaries there are (the period's start and end, and the bucket starts between). */
  readonly boundaryCount: number;
  /** Each row of a query with columns `lo` and `hi` once per boundary index i in [lo, hi), as column `i`. */
  spread(rows: string): string;
  /**
   * SELECT bucket, keys, aggregates FROM `from` (which has a bucket column), grouped by bucket and
   * keys and — with a grain — also by the keys alone over the whole period (a NULL bucket), in
   * one pass. Without a grain the bucket is the period already: grouped once, not twice.
   */
  groupWithPeriod(keys: readonly string[], aggregates: string, from: string): string;
  /** The bucket label of an instant (for metrics measured at bucket ends). */
  readonly grain: Grain | null;
  /** The segment of a customer (NULL without --by). Pass a qualified column (`o.customer_id`). */
  segment(customerId: string): string;
  /** Condition: the customer passes the filters (TRUE without --where). */
  keep(customerId: string): string;
  /** Bind a value, returning its placeholder. */
  param(v: Param): string;
  readonly params: readonly Param[];
  /**
   * The instants that bound the buckets, as a SQL table (i, label, instant): the period's start,
   * each later bucket start inside it, and its end (label 'end'). Bucket i runs from boundary i
   * to boundary i + 1. Without a grain: the period's start (label 'period') and end.
   */
  readonly boundaries: string;
  /** Rows (i, days): each bucket's length in days (between boundaries i and i + 1). */
  readonly bucketDays: string;
  /** Rows (i, lo_at, hi_at): each bucket's start and end instants. */
  readonly bucketEdges: string;
  /** Which workspace model decides who is active. */
  readonly model: 'subscription' | 'transactional';
  /** Workspace settings the metric may need. */
  readonly settings: { readonly activityWindowDays: number; readonly grossMargin: number; readonly engagementWeights: Readonly<Record<string, number>> };
}

export interface ScopeInput {
  /** Local dates, YYYY-MM-DD, in the workspace time zone. */
  from: string;
  to: string;
  timezone: string;
  grain: Grain | null;
  slice: Slice;
  settings: Scope['settings'];
  /** Bucket start labels (local dates) of the series; the first may precede `from`. */
  bucketStarts: readonly string[];
  model: Scope['model'];
  /** With a breakdown: the lookup table of each customer's segment (see withSegments). */
  segments?: string;
}

// An instant is no segment (and engines print it differently): cohorts group by acquisition time.
export const CUSTOMER_FIELDS = tableDef('customers')
  .fields.filter((f) => f.kind !== 'timestamp')
  .map((f) => f.name)
  .filter((n) => n !== 'attributes' && n !== 'customer_id');

/** The customers alias inside the filter and breakdown subqueries: a name no metric uses for its own tables. */
export const SLICE_ALIAS = 'slice_c';

/** The SQL for a customer field or attribute key, by name; a usage error for anything else. */
export function customerField(d: Dialect, name: string): string {
  if (CUSTOMER_FIELDS.includes(name)) return `${SLICE_ALIAS}.${d.ident(name)}`;
  const key = name.startsWith('attributes.') ? name.slice('attributes.'.length) : name;
  if (/^[A-Za-z][A-Za-z0-9_]*$/.test(key)) return d.jsonText(`${SLICE_ALIAS}.attributes`, key);
  throw new UsageError(
    'unknown-field',
    `Cannot filter or group by "${name}".`,
    `Use a customer field (${CUSTOMER_FIELDS.join(', ')}) or an attributes key (letters, digits, _).`,
  );
}

/**
 * Run fn with a lookup table of every customer's segment by the field `by` (a key of the slice),
 * dropped afterwards: built once per report, looked up by each metric's rows (Scope.segment).
 */
export async function withSegments<T>(wh: Warehouse, by: string, fn: (table: string) => Promise<T>): Promise<T> {
  const d = wh.dialect;
  const field = customerField(d, by);
  const table = `_segments_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;
  const select = `SELECT ${SLICE_ALIAS}.customer_id AS key, ${field} AS value FROM ${d.table('customers')} ${SLICE_ALIAS}`;
  try {
    for (const statement of d.lookupTable(table, select)) await wh.exec(statement);
    return await fn(table);
  } finally {
    // A failed drop must not hide the error that got here; a server drops what is left a day later.
    await wh.exec(`DROP TABLE IF EXISTS ${d.ident(table)}`).catch(() => undefined);
  }
}

export function makeScope(d: Dialect, input: ScopeInput): Scope {
  const params: Param[] = [];
  const param = (v: Param) => {
    params.push(v);
    return `$${params.length}`;
  };
  // Values are bound on first use: the engine refuses parameters a statement does not use.
  const lazy = <T>(make: () => T) => {
    let v: T | undefined;
    return () => (v ??= make());
  };
  const tzP = lazy(() => param(input.timezone));
  const fromP = lazy(() => d.localToInstant(param(`${input.from} 00:00:00`), tzP()));
  const toP = lazy(() => d.localToInstant(param(`${input.to} 00:00:00`), tzP()));
  const whereP = lazy(() => input.slice.where.map((w) => `${customerField(d, w.field)} = ${param(w.value)}`).join(' AND '));
  // Field names are checked now, before any SQL is built.
  for (const w of input.slice.where) customerField(d, w.field);
  const by = input.slice.by === undefined ? null : customerField(d, input.slice.by);
  const grain = input.grain;
  // Boundaries: from, the bucket starts after it, to; labelled by the bucket each one starts.
  const inner = grain ? input.bucketStarts.filter((b) => b > input.from && b < input.to) : [];
  const labels = grain ? [input.bucketStarts[0] ?? input.from, ...inner, 'end'] : ['period', 'end'];
  const edgesP = lazy(() => [fromP(), ...inner.map((b) => d.localToInstant(param(`${b} 00:00:00`), tzP())), toP()]);
  const boundariesP = lazy(() => {
    const instants = edgesP();
    return `(${instants.map((t, i) => `SELECT ${i} AS i, ${d.str(labels[i]!)} AS label, ${t} AS instant`).join(' UNION ALL ')})`;
  });
  // Where a timestamp falls among instants, by a binary search written as nested CASEs (the
  // instants computed once): how many instants lie at or before it, plus `base`. Several times
  // cheaper than converting every timestamp to local time, and an integer groups faster than text.
  const search = (ts: string, instants: readonly string[], base: number) => {
    const step = (lo: number, hi: number): string => {
      if (lo === hi) return String(lo + base);
      const m = Math.floor((lo + hi) / 2) + 1;
      return `(CASE WHEN ${ts} < ${instants[m - 1]} THEN ${step(lo, m - 1)} ELSE ${step(m, hi)} END)`;
    };
    return step(0, instants.length);
  };
  // A timestamp's bucket index: -1 before the first edge, n after the last.
  const bucketOf = (ts: string) => search(ts, edgesP(), -1);
  const boundaryIndex = (ts: string, days = 0) => search(ts, edgesP().map((t) => (days ? d.addDays(t, -days) : t)), 0);
  // Bucket labels by index: the first local day of each bucket ('period' without a grain).
  const labelOf = (i: number) => (i < 0 ? 'before' : i < labels.length - 1 ? labels[i]! : 'after');
  return {
    get boundaries() {
      return boundariesP();
    },
    get bucketEdges() {
      const edges = edgesP();
      return `(${edges.slice(0, -1).map((t, i) => `SELECT CAST(${i} AS BIGINT) AS i, ${t} AS lo_at, ${edges[i + 1]!} AS hi_at`).join(' UNION ALL ')})`;
    },
    get bucketDays() {
      const edges = edgesP();
      return `(${edges.slice(0, -1).map((t, i) => `SELECT CAST(${i} AS BIGINT) AS i, ${d.secondsBetween(t, edges[i + 1]!)} / 86400.0 AS days`).join(' UNION ALL ')})`;
    },
    get from() {
      return fromP();
    },
    get to() {
      return toP();
    },
    model: input.model,
    period: { from: input.from, to: input.to },
    d,
    grain,
    params,
    param,
    settings: input.settings,
    inPeriod: (ts) => `(${ts} >= ${fromP()} AND ${ts} < ${toP()})`,
    bucket: (ts) => (grain ? bucketOf(ts) : '0'),
    labelOf,
    boundaryIndex,
    boundaryCount: labels.length,
    spread: (rows) => d.spreadRange(rows, labels.length),
    groupWithPeriod: (keys, aggregates, from) =>
      grain ? d.groupWithPeriod('bucket', keys, aggregates, from) : `SELECT bucket, ${keys.join(', ')}, ${aggregates} FROM ${from} GROUP BY bucket, ${keys.join(', ')}`,
    segment: (id) => {
      if (!by) return d.nullText;
      if (!input.segments) throw new Error('A breakdown needs its segments lookup table (withSegments).');
      return d.lookup(input.segments, id);
    },
    keep: (id) => (input.slice.where.length ? `${id} IN (SELECT ${SLICE_ALIAS}.customer_id FROM ${d.table('customers')} ${SLICE_ALIAS} WHERE ${whereP()})` : d.alwaysTrue),
  };
}
