/** Product engagement: feature adoption and the customer engagement score. */
import { rate, stat as num } from '../stats.js';
import type { MetricDef } from '../types.js';
import { activeAt, MODEL_TABLES } from './retention.js';

const TRAILING_DAYS = 30;

/** Features reported one by one in the adoption parts. */
const TOP_FEATURES = 10;

export const productAdoptionRate: MetricDef = {
  id: 'product_adoption_rate',
  name: 'Feature adoption',
  description: 'Share of active customers who used the product in the period; per feature (activity event name) in parts.',
  formula: 'customers active at the end who used the feature in the period / customers active at the end · 100',
  unit: 'percent',
  direction: 'higher',
  tables: ['activity_events'],
  modelTables: { subscription: ['activity_events', ...MODEL_TABLES.subscription], transactional: ['activity_events', ...MODEL_TABLES.transactional] },
  teams: ['product'],
  convention: `Active by the workspace model at the end of the period. The value counts any activity event as use; parts holds the adoption of the ${TOP_FEATURES} most used features.`,
  sql: (s) => `WITH bounds AS (SELECT * FROM ${s.boundaries}), active AS (${activeAt(s)}),
      used AS (SELECT DISTINCT a.customer_id, a.i, ae.name FROM active a JOIN bounds hb ON hb.i = a.i JOIN bounds lb ON lb.i = a.i - 1
        JOIN activity_events ae ON ae.customer_id = a.customer_id AND ae.occurred_at >= lb.instant AND ae.occurred_at < hb.instant),
      counts AS (SELECT i, count(*) AS n FROM active GROUP BY i)
    SELECT lb.i AS bucket, CAST(NULL AS VARCHAR) AS segment, '' AS key, c.n AS n,
        (SELECT count(DISTINCT u.customer_id) FROM used u WHERE u.i = c.i) AS k
      FROM counts c JOIN bounds lb ON lb.i = c.i - 1
    UNION ALL
    SELECT lb.i, CAST(NULL AS VARCHAR), u.name, max(c.n), count(DISTINCT u.customer_id)
      FROM used u JOIN counts c ON c.i = u.i JOIN bounds lb ON lb.i = u.i - 1 GROUP BY lb.i, u.name`,
  finish: () => ({ value: null, n: 0 }),
  finishRows: (rows) => {
    const tally = new Map<string, { k: number; n: number }>();
    for (const r of rows) {
      const t = tally.get(r.key ?? '') ?? { k: 0, n: 0 };
      t.k += num(r.stats, 'k');
      t.n += num(r.stats, 'n');
      tally.set(r.key ?? '', t);
    }
    const all = tally.get('') ?? { k: 0, n: 0 };
    const v = rate(all.k, all.n, 'No active customers at the end of the period.');
    const top = [...tally].filter(([key]) => key !== '').sort((a, b) => b[1].k - a[1].k || a[0].localeCompare(b[0])).slice(0, TOP_FEATURES);
    return v.value === null ? v : { ...v, parts: Object.fromEntries(top.map(([name, t]) => [name, t.n ? (100 * t.k) / t.n : null])) };
  },
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
    SELECT lb.i AS bucket, ${s.segment('x.customer_id')} AS segment, count(*) AS n, avg(x.score) AS mean, ${d.median('x.score')} AS median,
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
