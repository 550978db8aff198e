/** Product engagement: feature adoption and the customer engagement score. */
import { kOfN, rate, stat as num } from '../stats.js';
import type { MetricDef } from '../types.js';
import { activeAt, MODEL_TABLES } from './retention.js';

const TRAILING_DAYS = 30;

export const productAdoptionRate: MetricDef = {
  id: 'product_adoption_rate',
  name: 'Feature adoption',
  description: 'Share of active customers who used the product (any activity event) in the period.',
  formula: 'customers active at the end with an activity event in the period / customers active at the end · 100',
  unit: 'percent',
  direction: 'higher',
  tables: ['activity_events'],
  modelTables: { subscription: ['activity_events', ...MODEL_TABLES.subscription], transactional: ['activity_events', ...MODEL_TABLES.transactional] },
  teams: ['product'],
  test: (st) => [num(st, 'k'), num(st, 'n')],
  convention: 'Active by the workspace model at the end of the period; any activity event counts as use (a per-feature breakdown is not reported yet).',
  sql: (s) => `WITH bounds AS (SELECT * FROM ${s.boundaries}), active AS (${activeAt(s)})
    SELECT lb.label AS bucket, ${s.segment('a.customer_id')} AS segment, count(*) AS n,
      ${s.d.countIf(`EXISTS (SELECT 1 FROM activity_events ae WHERE ae.customer_id = a.customer_id AND ae.occurred_at >= lb.instant AND ae.occurred_at < hb.instant)`)} AS k
    FROM active a JOIN bounds hb ON hb.i = a.i JOIN bounds lb ON lb.i = a.i - 1
    GROUP BY 1, 2`,
  finish: (st) => rate(...kOfN(st), 'No active customers at the end of the period.'),
};

const DECILES = Array.from({ length: 10 }, (_, i) => i);

export const engagementScore: MetricDef = {
  id: 'engagement_score',
  name: 'Customer engagement score',
  description: 'Per customer, weighted product activity over the trailing 30 days, scaled 0–100 against the 99th percentile; the mean over customers.',
  formula: 'raw = Σ weight(event) × count over the 30 days before the end; score = min(100, round(100 · raw / p99(raw > 0)))',
  unit: 'score',
  direction: 'higher',
  tables: ['activity_events', 'customers'],
  teams: ['product', 'data'],
  convention: 'Scored at the end of the period (each bucket end in a series) over customers created before it; weights from the engagement_weights setting (default 1). parts: median and the share of customers per decile (d1 = 0–9, …, d10 = 90–100).',
  sql: (s) => {
    const d = s.d;
    const weights = Object.entries(s.settings.engagementWeights);
    const weight = weights.length ? `CASE ae.name ${weights.map(([n, w]) => `WHEN ${d.str(n)} THEN ${Number(w)}`).join(' ')} ELSE 1 END` : '1';
    return `WITH bounds AS (SELECT * FROM ${s.boundaries}),
      raw AS (SELECT hb.i, c.customer_id, coalesce(sum(CASE WHEN ae.event_id IS NULL THEN 0 ELSE ${weight} END), 0) AS raw
        FROM bounds hb JOIN customers c ON c.created_at < hb.instant
          LEFT JOIN activity_events ae ON ae.customer_id = c.customer_id AND ae.occurred_at >= ${d.addDays('hb.instant', -TRAILING_DAYS)} AND ae.occurred_at < hb.instant
        WHERE hb.i >= 1 AND ${s.keep('c.customer_id')} GROUP BY hb.i, c.customer_id),
      p AS (SELECT i, ${d.quantile('CASE WHEN raw > 0 THEN raw END', 0.99)} AS p99 FROM raw GROUP BY i),
      scored AS (SELECT r.i, r.customer_id, CASE WHEN p.p99 > 0 THEN least(100, round(100.0 * r.raw / p.p99)) ELSE 0 END AS score
        FROM raw r JOIN p ON p.i = r.i)
    SELECT lb.label AS bucket, ${s.segment('x.customer_id')} AS segment, count(*) AS n, avg(x.score) AS mean, ${d.median('x.score')} AS median,
      ${DECILES.map((k) => `${d.countIf(k === 9 ? 'x.score >= 90' : `x.score >= ${k * 10} AND x.score < ${k * 10 + 10}`)} AS d${k + 1}`).join(', ')}
    FROM scored x JOIN bounds lb ON lb.i = x.i - 1 GROUP BY 1, 2`;
  },
  finish: (st) => {
    const n = num(st, 'n');
    if (n === 0) return { value: null, n, note: 'No customers before the end of the period.' };
    const parts: Record<string, number> = { median: num(st, 'median') };
    for (const k of DECILES) parts[`d${k + 1}`] = (100 * num(st, `d${k + 1}`)) / n;
    return { value: num(st, 'mean'), n, parts };
  },
};

export const PRODUCT_METRICS: readonly MetricDef[] = [productAdoptionRate, engagementScore];
