/** Product engagement: feature adoption and the customer engagement score. */
import { rate, sumByKey } from '../stats.js';
import type { MetricDef } from '../types.js';
import { activeAt, customersAtEnds, MODEL_TABLES } from './retention.js';

const TRAILING_DAYS = 30;

/** Features reported one by one in the adoption parts. */
const TOP_FEATURES = 10;

export const productAdoptionRate: MetricDef = {
  id: 'product_adoption_rate',
  noBenchmark: 'Depends on the product and on which activity counts as use; no public benchmark with this definition exists.',
  name: 'Feature adoption',
  description: 'Share of active customers who used the product in the period; per feature (activity event name) in parts.',
  formula: 'customers active at the end who used the feature in the period / customers active at the end · 100',
  unit: 'percent',
  direction: 'higher',
  tables: ['activity_events'],
  modelTables: { subscription: ['activity_events', ...MODEL_TABLES.subscription], transactional: ['activity_events', ...MODEL_TABLES.transactional] },
  teams: ['product'],
  convention: `Active by the workspace model at the end of the period. The value counts any activity event as use; parts holds the adoption of the ${TOP_FEATURES} most used features.`,
  // Active customers at each bucket end (boundary i) meet the features they used in the bucket
  // (i − 1), found by bucketing the period's events: no join of events with boundaries. The
  // active set is computed and joined once: to each customer's features (kind 1) and, from the
  // distinct (customer, bucket) pairs, one mark of any use (kind 2); no match (kind NULL) is no use.
  sql: (s) => {
    const d = s.d;
    const active = `SELECT a.customer_id AS customer_id, CAST(a.i AS BIGINT) AS i, ${s.segment('a.customer_id')} AS segment FROM (${activeAt(s)}) a WHERE a.i >= 1`;
    const events = (cols: string) => `SELECT DISTINCT ae.customer_id AS customer_id, CAST(${s.bucket('ae.occurred_at')} + 1 AS BIGINT) AS i${cols}
      FROM ${d.table('activity_events')} ae WHERE ${s.inPeriod('ae.occurred_at')} AND ${s.keep('ae.customer_id')}`;
    const uses = `${events(`, coalesce(ae.name, '') AS feature, 1 AS kind`)}
      UNION ALL ${events(`, '' AS feature, 2 AS kind`)}`;
    // Key '' (every active customer): n counts each active customer once (its any-use mark or its
    // miss), k those with a use; a feature's key: k its users, n 0 (the base is the '' row's n).
    return `SELECT CAST(a.i - 1 AS BIGINT) AS bucket, a.segment AS segment, CASE WHEN u.kind = 1 THEN u.feature ELSE '' END AS key,
        CAST(${d.countIf('u.kind IS NULL OR u.kind = 2')} AS BIGINT) AS n, CAST(count(u.kind) AS BIGINT) AS k
      FROM (${active}) a ${d.join('left')} (${uses}) u USING (customer_id, i) GROUP BY bucket, segment, key`;
  },
  finish: () => ({ value: null, n: 0 }),
  finishRows: (rows) => {
    const tally = sumByKey(rows, ['k', 'n']);
    const all = tally.get('') ?? { k: 0, n: 0 };
    const v = rate(all.k, all.n, 'No active customers at the end of the period.');
    const top = [...tally].filter(([key]) => key !== '').sort((a, b) => b[1].k - a[1].k || a[0].localeCompare(b[0])).slice(0, TOP_FEATURES);
    return v.value === null ? v : { ...v, parts: Object.fromEntries(top.map(([name, t]) => [name, all.n ? (100 * t.k) / all.n : null])) };
  },
};

const DECILES = Array.from({ length: 10 }, (_, i) => i);

/** The mean, median (interpolated, as quantile_cont) and decile shares of a histogram of integer scores. */
export function histogramSummary(counts: ReadonlyMap<number, number>): { n: number; mean: number; median: number; deciles: number[] } {
  const scores = [...counts.keys()].sort((a, b) => a - b);
  const n = scores.reduce((a, v) => a + counts.get(v)!, 0);
  const nth = (k: number) => {
    let seen = 0;
    for (const v of scores) if ((seen += counts.get(v)!) > k) return v;
    return scores.at(-1) ?? 0;
  };
  const pos = (n - 1) / 2;
  const median = nth(Math.floor(pos)) + (pos - Math.floor(pos)) * (nth(Math.ceil(pos)) - nth(Math.floor(pos)));
  const deciles = DECILES.map((k) => scores.filter((v) => (k === 9 ? v >= 90 : v >= k * 10 && v < k * 10 + 10)).reduce((a, v) => a + counts.get(v)!, 0));
  return { n, mean: scores.reduce((a, v) => a + v * counts.get(v)!, 0) / n, median, deciles };
}

/** The q-quantile of a histogram (value → count), interpolated between neighbours as quantile_cont; null when empty. */
export function quantileOf(counts: ReadonlyMap<number, number>, q: number): number | null {
  const values = [...counts.keys()].sort((a, b) => a - b);
  const n = values.reduce((a, v) => a + counts.get(v)!, 0);
  if (n === 0) return null;
  const nth = (k: number) => {
    let seen = 0;
    for (const v of values) if ((seen += counts.get(v)!) > k) return v;
    return values.at(-1)!;
  };
  const pos = (n - 1) * q;
  const lo = nth(Math.floor(pos));
  return lo + (pos - Math.floor(pos)) * (nth(Math.ceil(pos)) - lo);
}

export const engagementScore: MetricDef = {
  id: 'engagement_score',
  noBenchmark: 'Scaled against the workspace’s own 99th percentile with its own weights, so it is relative by construction.',
  name: 'Customer engagement score',
  description: 'Per customer, weighted product activity over the trailing 30 days, scaled 0–100 against the 99th percentile; the mean over customers.',
  formula: 'raw = Σ weight(event) × count over the 30 days before the end; score = min(100, round(100 · raw / p99(raw > 0)))',
  unit: 'score',
  direction: 'higher',
  tables: ['activity_events', 'customers'],
  teams: ['product', 'data'],
  convention: 'Scored at the end of the period (each bucket end in a series) over customers created before it; weights from the engagement_weights setting (default 1). parts: median and the share of customers per decile (d1 = 0–9, …, d10 = 90–100).',
  // Rows: per bucket end and segment, how many customers have each weighted activity (key), and
  // how many customers there are (key 'n'); those without activity score 0. The 99th percentile
  // and the scores come from that histogram here: the engine aggregates once, no self-join. An
  // event counts at the bucket ends in the 30 days after it: a range of boundary indices.
  sql: (s) => {
    const d = s.d;
    const weights = Object.entries(s.settings.engagementWeights);
    const weight = weights.length ? `CASE ae.name ${weights.map(([n, w]) => `WHEN ${d.str(n)} THEN ${Number(w)}`).join(' ')} ELSE 1 END` : '1';
    const events = `SELECT ae.customer_id AS customer_id, ${weight} AS w, ${s.boundaryIndex('ae.occurred_at')} AS lo, ${s.boundaryIndex('ae.occurred_at', TRAILING_DAYS)} AS hi
      FROM ${d.table('activity_events')} ae WHERE ae.occurred_at >= ${d.addDays(s.from, -TRAILING_DAYS)} AND ae.occurred_at < ${s.to} AND ${s.keep('ae.customer_id')}`;
    // Each customer's weighted activity at each end, once created: summed before the join, and the
    // creation's boundary computed once per customer, not once per event.
    const raw = `SELECT e.i AS i, e.customer_id AS customer_id, e.activity AS activity
      FROM (SELECT CAST(e0.i AS BIGINT) AS i, e0.customer_id AS customer_id, sum(e0.w) AS activity FROM (${s.spread(events)}) e0 WHERE e0.i >= 1 GROUP BY i, customer_id) e
      ${d.join('inner')} (SELECT customer_id, ${s.boundaryIndex('c0.created_at')} AS created_i FROM ${d.table('customers')} c0) c USING (customer_id)
      WHERE c.created_i <= e.i`;
    return `SELECT CAST(r.i - 1 AS BIGINT) AS bucket, ${s.segment('r.customer_id')} AS segment, CAST(CAST(r.activity AS DOUBLE) AS VARCHAR) AS key, CAST(count(*) AS BIGINT) AS k
      FROM (${raw}) r GROUP BY bucket, segment, key
    UNION ALL
    SELECT bucket, segment, 'n' AS key, n AS k FROM (${customersAtEnds(s)}) c`;
  },
  finish: () => ({ value: null, n: 0 }),
  finishRows: (rows) => {
    const byKey = sumByKey(rows, ['k']);
    const n = byKey.get('n')?.k ?? 0;
    byKey.delete('n');
    if (n === 0) return { value: null, n, note: 'No customers before the end of the period.' };
    const activity = new Map([...byKey].map(([value, t]) => [Number(value), t.k]));
    const p99 = quantileOf(new Map([...activity].filter(([v]) => v > 0)), 0.99);
    // Scores round half up: min(100, floor(100 · activity / p99 + 0.5)); 0 without a percentile.
    const counts = new Map<number, number>();
    for (const [v, c] of activity) {
      const score = p99 !== null && p99 > 0 ? Math.min(100, Math.floor((100 * v) / p99 + 0.5)) : 0;
      counts.set(score, (counts.get(score) ?? 0) + c);
    }
    const active = [...counts.values()].reduce((a, b) => a + b, 0);
    counts.set(0, (counts.get(0) ?? 0) + n - active);
    const h = histogramSummary(counts);
    const parts: Record<string, number> = { median: h.median };
    h.deciles.forEach((c, k) => (parts[`d${k + 1}`] = (100 * c) / n));
    return { value: h.mean, n, parts };
  },
};

export const PRODUCT_METRICS: readonly MetricDef[] = [productAdoptionRate, engagementScore];
