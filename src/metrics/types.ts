/**
 * What a metric is. Each metric is declared once (registry.ts) with its meaning, its benchmark
 * bands and its computation: SQL that aggregates to sufficient statistics per bucket and segment,
 * built through the dialect, and a small function that turns those statistics into the value,
 * its n, its 95 % interval and its parts.
 */
import type { ReportTables } from './report-tables.js';
import type { TableName } from '../warehouse/schema/tables.js';
import type { Warehouse } from '../warehouse/warehouse.js';
import type { Scope } from './scope.js';

export type Unit = 'percent' | 'score' | 'money' | 'seconds' | 'days' | 'months' | 'count' | 'ratio';
export type Direction = 'higher' | 'lower';
export const TEAMS = ['marketing', 'support', 'sales', 'product', 'data', 'leadership'] as const;
export type Team = (typeof TEAMS)[number];

/** A band rates values in [min, max) (open ends when absent). */
export interface Band {
  readonly label: string;
  readonly min?: number;
  readonly max?: number;
}

export interface Benchmark {
  readonly bands: readonly Band[];
  readonly source: string;
  /**
   * The length of period the bands rate, for a value that grows with it (churn over a year is
   * more than over a month): the report rates its monthly or annual equivalent (bandValue), and a
   * chart shades the bands only behind a series of that grain. Absent: any period (NPS, AOV).
   */
  readonly basis?: 'month' | 'year';
  /** Context from the source that is not a band. */
  readonly facts?: readonly string[];
}

/** Statistics one row of a metric's SQL returns (beside `bucket` and `segment`). */
export type Stats = Readonly<Record<string, number | null>>;

export interface Value {
  value: number | null;
  n: number;
  ci95?: [number, number] | null;
  parts?: Record<string, number | null>;
  /** Why the value is null, or a convention the reader should know. */
  note?: string;
}

/**
 * Another tool's definition of the same metric, shown beside Retain's value (never instead of
 * it). It reuses the metric's statistics (its own `finish`) or, when it needs other data, has
 * queries of its own built like a metric's; computed for the period only.
 */
export interface VariantDef {
  readonly id: string;
  readonly name: string;
  /** One line: how it differs from Retain's definition and why the values differ. */
  readonly reason: string;
  /** Tools whose own documentation defines the metric this way (omitted when none is known). */
  readonly usedBy?: readonly string[];
  /** When not the metric's (the CSAT mean answer is a score beside a percentage). */
  readonly unit?: Unit;
  /** Queries of its own (else the metric's), joined as the metric's `sql` and `alsoSql` are. */
  readonly sql?: (s: Scope) => string;
  readonly alsoSql?: readonly ((s: Scope) => string)[];
  /** Its queries run by this grain over the period (a rate compounded month by month); `finishRows` then reads the buckets. */
  readonly grain?: 'month';
  finish?(stats: Stats): Value;
  finishRows?(rows: readonly { bucket: string; stats: Stats }[]): Value;
}

export interface MetricDef {
  readonly id: string;
  readonly name: string;
  readonly description: string;
  readonly formula: string;
  readonly unit: Unit;
  readonly direction: Direction;
  readonly tables: readonly TableName[];
  /** Tables needed under each workspace model, when that differs (retention and churn). */
  readonly modelTables?: Readonly<Record<'subscription' | 'transactional', readonly TableName[]>>;
  /** The number the benchmark bands rate, when not the value itself (e.g. a monthly equivalent). */
  bandValue?(v: Value): number | null;
  readonly teams: readonly Team[];
  readonly benchmark?: Benchmark;
  /**
   * Workspace settings the value depends on, so the report can warn when one misleads: the
   * activity window (transactional workspaces) reaching before the data began, or a gross margin
   * left at its default of 100 %.
   */
  readonly reads?: readonly ('activity_window' | 'gross_margin')[];
  /**
   * Why no band is meaningful, for a metric without `benchmark` (a count, a money total whose level
   * is the business's scale, a matrix, a rate no public study defines as this one does).
   */
  readonly noBenchmark?: string;
  /** A convention stated with every value (e.g. which date a rate counts by). */
  readonly convention?: string;
  /** Whether the period value is the sum of its series (counts); used by the consistency checks. */
  readonly additive?: boolean;
  /**
   * The statistics are sums over disjoint buckets (counts and totals), so the period's are the
   * sum of the series' and one query serves both. Not so for medians, per-customer distinct
   * counts or states at instants.
   */
  readonly statsAdditive?: boolean;
  /**
   * SQL returning `bucket`, `segment` and the statistics, one row per bucket and segment (and,
   * for finishRows metrics, an optional text `key` such as a page or a feature).
   */
  sql(s: Scope): string;
  /**
   * Further queries whose statistics join this one's rows (a left join) on bucket, segment and key — each built
   * on a scope of its own, so one another metric runs too (the retention movements) is the same
   * text with the same parameters and the report runs it once.
   */
  readonly alsoSql?: readonly ((s: Scope) => string)[];
  /** 'full': rows of alsoSql that meet none of this query's are kept too, with their statistics alone. */
  readonly alsoJoin?: 'full';
  /**
   * For a metric a model computes (predictive CLV): the period's value from the workspace, the
   * scope giving the period end and the customer filter. Its `sql` and `finish` are then unused;
   * it has no series and no breakdown. `tables`: the report's shared tables, when in a report;
   * `fit`: how to fit the model (the L2 penalty --penalizer gives; on a worker thread or here).
   */
  fromModel?(wh: Warehouse, s: Scope, tables?: ReportTables, fit?: { readonly penalizer?: number; readonly offThread?: boolean }): Promise<Value>;
  /** Statistics → value. Never NaN: an empty denominator gives a null value with a note. */
  finish(stats: Stats): Value;
  /**
   * For metrics of many rows per bucket (a cohort matrix, a survival curve): the value from all
   * the rows of the series run (and, per bucket, from that bucket's rows).
   */
  finishRows?(rows: readonly { bucket: string; key?: string; stats: Stats }[]): Value;
  /** The period value comes from the rows of the series run (a cohort matrix is made of buckets). */
  readonly periodFromSeries?: boolean;
  /** The series query also returns the whole period's statistics, as rows with a NULL bucket. */
  readonly periodInSeries?: boolean;
  /** The series does not apply (a survival curve is over customer age, not calendar time). */
  readonly noSeries?: boolean;
  /** No breakdown by customer: its rows have no customer (social posts). */
  readonly noSegments?: boolean;
  /**
   * How a change between periods is tested: 'nps' (the NPS variance), or a function giving the
   * rate's k of n for a two-proportion test.
   */
  readonly test?: 'nps' | ((st: Stats) => readonly [k: number, n: number]);
  /** Other tools' definitions, computed beside the value when a report asks for them (METRICS.md, "Definition variants"). */
  readonly variants?: readonly VariantDef[];
}
