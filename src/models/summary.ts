/**
 * The models' input: the per-customer RFM summary of Fader, Hardie & Lee, in the convention of the
 * Python `lifetimes` package, and the checks every purchase-model fit runs on it.
 *
 * - frequency: repeat purchase days (purchase days − 1; same-day purchases are one);
 * - recency: last − first purchase day, in the time unit (0 for one-time buyers);
 * - T: calibration end − first purchase day, in the same unit;
 * - monetary: mean spend of the repeat days (the first excluded); absent or 0 for frequency 0;
 * - weight: how many customers share this exact (frequency, recency, T) — the engine hands rows
 *   grouped, and the likelihood of a group is its weight times one customer's.
 */
import { ModelError } from './errors.js';

export interface CustomerSummary {
  readonly frequency: number;
  readonly recency: number;
  readonly T: number;
  readonly monetary?: number | null;
  /** Customers with this summary (default 1). */
  readonly weight?: number;
}

/** What the purchase models (BG/NBD, Pareto/NBD) read. */
export interface PurchaseRow {
  readonly frequency: number;
  readonly recency: number;
  readonly T: number;
  readonly weight?: number;
}

/** What the spend model (Gamma-Gamma) reads: repeat customers' frequency and mean repeat spend. */
export interface SpendRow {
  readonly frequency: number;
  readonly monetary: number;
  readonly weight?: number;
}

/**
 * Rows of numbers column by column: how the engine hands a million customers over (no object
 * per customer to build and collect), and what the fits' loops read.
 */
export type Columns<K extends string> = { readonly length: number } & { readonly [k in K]: Float64Array };

/**
 * Object rows copied into columns once (`defaults` for absent fields, e.g. weight 1); columns are
 * returned as they are. So each model's data preparation reads one shape.
 */
export function toColumns<K extends string>(rows: readonly Partial<Record<K, number | null>>[] | Columns<K>, names: readonly K[], defaults: Partial<Record<K, number>> = {}): Columns<K> {
  if (!Array.isArray(rows)) return rows as Columns<K>;
  const objects = rows as readonly Partial<Record<K, number | null>>[];
  const columns: Record<string, Float64Array> = {};
  for (const name of names) {
    const column = new Float64Array(objects.length);
    const fallback = defaults[name] ?? NaN;
    for (let i = 0; i < objects.length; i++) column[i] = objects[i]![name] ?? fallback;
    columns[name] = column;
  }
  return { length: objects.length, ...columns } as Columns<K>;
}

/** The same, column by column (a million repeat customers without an object each). */
export type SpendColumns = Columns<'frequency' | 'monetary' | 'weight'>;
/** Spend rows as objects or as columns. */
export type SpendInput = readonly SpendRow[] | SpendColumns;

/** Purchase rows column by column. */
export type PurchaseColumns = Columns<'frequency' | 'recency' | 'T' | 'weight'>;
/** Purchase rows as objects or as columns. */
export type PurchaseInput = readonly PurchaseRow[] | PurchaseColumns;

/** Group summaries into distinct (frequency, recency, T) rows with summed weights. */
export function groupSummaries(rows: readonly CustomerSummary[]): Required<PurchaseRow>[] {
  const groups = new Map<string, { frequency: number; recency: number; T: number; weight: number }>();
  for (const r of rows) {
    const key = `${r.frequency}|${r.recency}|${r.T}`;
    const g = groups.get(key);
    if (g) g.weight += r.weight ?? 1;
    else groups.set(key, { frequency: r.frequency, recency: r.recency, T: r.T, weight: r.weight ?? 1 });
  }
  return [...groups.values()];
}

/** Repeat customers with positive spend, grouped by (frequency, monetary), for Gamma-Gamma. */
export function groupSpend(rows: readonly CustomerSummary[]): Required<SpendRow>[] {
  const groups = new Map<string, { frequency: number; monetary: number; weight: number }>();
  for (const r of rows) {
    if (!(r.frequency > 0) || !(r.monetary != null && r.monetary > 0)) continue;
    const key = `${r.frequency}|${r.monetary}`;
    const g = groups.get(key);
    if (g) g.weight += r.weight ?? 1;
    else groups.set(key, { frequency: r.frequency, monetary: r.monetary, weight: r.weight ?? 1 });
  }
  return [...groups.values()];
}

/**
 * Validated purchase rows in flat arrays, time rescaled so the longest T is 10 (as `lifetimes`
 * does: it keeps α and β near 1 whatever the time unit, which helps the optimiser and fixes the
 * scale on which a penalizer acts), and rows indexed by distinct frequency so that the Gamma
 * functions of a likelihood are computed once per frequency, not once per row.
 */
export interface PurchaseData {
  readonly x: Float64Array;
  readonly tx: Float64Array;
  readonly T: Float64Array;
  readonly w: Float64Array;
  /** Distinct frequencies, each row's index into them, and the weight per distinct frequency. */
  readonly freqs: Float64Array;
  readonly freqIndex: Int32Array;
  readonly freqWeight: Float64Array;
  /**
   * Distinct times among recencies and ages (internal), and each row's index of its t_x and T:
   * a likelihood takes log(α + t) once per distinct time (at most a few hundred days), not twice
   * per row.
   */
  readonly times: Float64Array;
  readonly txIndex: Int32Array;
  readonly TIndex: Int32Array;
  /** Internal time = time unit × scale. */
  readonly scale: number;
  readonly customers: number;
  /** Repeat purchases per unit of internal time over all customers (for starting points). */
  readonly rate: number;
}

/**
 * Rows into flat arrays (time × scale), each row checked; rows of weight 0 are dropped. One loop
 * into preallocated arrays: it runs on every distinct history (half a million) more than once a fit.
 */
export function purchaseArrays(input: PurchaseInput, model: string, scale = 1): PurchaseData {
  const rows = toColumns(input, ['frequency', 'recency', 'T', 'weight'], { weight: 1 });
  const x = new Float64Array(rows.length);
  const tx = new Float64Array(rows.length);
  const T = new Float64Array(rows.length);
  const w = new Float64Array(rows.length);
  const freqIndex = new Int32Array(rows.length);
  const txIndex = new Int32Array(rows.length);
  const TIndex = new Int32Array(rows.length);
  const index = new Map<number, number>();
  const freqWeights: number[] = [];
  const timeIndex = new Map<number, number>();
  const timeOf = (t: number) => {
    let k = timeIndex.get(t);
    if (k === undefined) timeIndex.set(t, (k = timeIndex.size));
    return k;
  };
  let customers = 0;
  let repeats = 0;
  let totalT = 0;
  let n = 0;
  for (let i = 0; i < rows.length; i++) {
    const frequency = rows.frequency[i]!;
    const recency = rows.recency[i]!;
    const Ti = rows.T[i]!;
    const wi = rows.weight[i]!;
    if (!(wi >= 0) || !Number.isFinite(wi)) throw new ModelError(`${model}: row ${i} has weight ${wi}; a weight counts customers and must be a finite number ≥ 0.`);
    if (!Number.isInteger(frequency) || frequency < 0) throw new ModelError(`${model}: row ${i} has frequency ${frequency}; frequency counts repeat purchase days and must be a whole number ≥ 0.`);
    if (!(Ti >= 0) || !Number.isFinite(Ti)) throw new ModelError(`${model}: row ${i} has T = ${Ti}; T is the time from the first purchase to the calibration end and must be finite and ≥ 0.`);
    if (!(recency >= 0 && recency <= Ti)) throw new ModelError(`${model}: row ${i} has recency ${recency} outside [0, T = ${Ti}]; recency is the time from the first to the last purchase.`);
    if (frequency === 0 && recency !== 0) throw new ModelError(`${model}: row ${i} has frequency 0 but recency ${recency}; a customer without repeat purchases has recency 0.`);
    if (wi === 0) continue;
    x[n] = frequency;
    tx[n] = recency * scale;
    T[n] = Ti * scale;
    w[n] = wi;
    let k = index.get(frequency);
    if (k === undefined) {
      k = index.size;
      index.set(frequency, k);
      freqWeights.push(0);
    }
    freqIndex[n] = k;
    freqWeights[k] = freqWeights[k]! + wi;
    txIndex[n] = timeOf(tx[n]!);
    TIndex[n] = timeOf(T[n]!);
    customers += wi;
    repeats += frequency * wi;
    totalT += Ti * scale * wi;
    n++;
  }
  return {
    x: x.subarray(0, n),
    tx: tx.subarray(0, n),
    T: T.subarray(0, n),
    w: w.subarray(0, n),
    freqs: Float64Array.from(index.keys()),
    freqIndex: freqIndex.subarray(0, n),
    freqWeight: Float64Array.from(freqWeights),
    times: Float64Array.from(timeIndex.keys()),
    txIndex: txIndex.subarray(0, n),
    TIndex: TIndex.subarray(0, n),
    scale,
    customers,
    rate: totalT > 0 ? repeats / totalT : 0,
  };
}

/**
 * The rows for a fit: checked, rescaled, and refused — saying why and what to do — when the
 * purchase models cannot be identified from them. `model` names the model in messages.
 */
export function preparePurchaseData(rows: PurchaseInput, model: string): PurchaseData {
  const raw = purchaseArrays(rows, model);
  if (raw.customers === 0) throw new ModelError(`${model}: there are no customers to fit. Import orders (or widen the filters) so that some customers have a first purchase before the calibration end.`);
  if (raw.customers < 2) throw new ModelError(`${model}: a single customer cannot identify the model's four parameters. Fit on a customer base (hundreds of customers or more).`);
  const maxT = raw.T.reduce((m, t) => Math.max(m, t), 0);
  if (maxT === 0) throw new ModelError(`${model}: every customer made the first purchase at the calibration end (T = 0), so there is no time in which to observe repeat purchases. Move the calibration end later.`);
  if (raw.rate === 0) {
    throw new ModelError(
      `${model}: every customer is a one-time buyer (frequency 0 everywhere), so the purchase rate and the dropout process cannot be told apart${model === 'BG/NBD' ? ' (the dropout parameters a and b are not identified)' : ' (s and β are not identified)'}. Use a longer calibration period so that repeat purchases are observed.`,
    );
  }
  return rescaled(raw, 10 / maxT);
}

/** The same data with every time multiplied by `scale` (on top of any scale it already has). */
function rescaled(d: PurchaseData, scale: number): PurchaseData {
  const times = (a: Float64Array) => a.map((t) => t * scale);
  return { ...d, tx: times(d.tx), T: times(d.T), times: times(d.times), scale: d.scale * scale, rate: d.rate / scale };
}

/**
 * Every k-th row with k times its weight: a systematic sample for exploring a likelihood cheaply
 * (the engine hands rows sorted by frequency, recency and T, so a stride sample is stratified).
 * Times, frequencies and scale are the original's, so parameters carry over unchanged.
 */
export function thinned(d: PurchaseData, k: number): PurchaseData {
  const picked: number[] = [];
  for (let i = 0; i < d.x.length; i += k) picked.push(i);
  const pick = (a: Float64Array) => Float64Array.from(picked, (i) => a[i]!);
  const pickIndex = (a: Int32Array) => Int32Array.from(picked, (i) => a[i]!);
  const w = Float64Array.from(picked, (i) => d.w[i]! * k);
  const freqWeight = new Float64Array(d.freqs.length);
  let customers = 0;
  picked.forEach((i, j) => {
    freqWeight[d.freqIndex[i]!]! += w[j]!;
    customers += w[j]!;
  });
  return { ...d, x: pick(d.x), tx: pick(d.tx), T: pick(d.T), w, freqIndex: pickIndex(d.freqIndex), txIndex: pickIndex(d.txIndex), TIndex: pickIndex(d.TIndex), freqWeight, customers };
}
