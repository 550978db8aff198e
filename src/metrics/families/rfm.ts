/** RFM segments as a metric: the share of buying customers in the best segments, every segment in parts. */
import { dateOfDay, dayNumber } from '../../models/queries.js';
import { getSettings } from '../../warehouse/schema/settings.js';
import { RFM_SEGMENTS } from '../../models/rfm.js';
import { rfmSegments } from '../../models/segments.js';
import type { MetricDef } from '../types.js';

/** The segments the value counts: customers who buy recently, often and for much. */
const BEST = ['champions', 'loyal'];

export const rfm: MetricDef = {
  id: 'rfm',
  noBenchmark: 'Customers are scored against the workspace’s own quintiles, so the segment shares are relative by construction.',
  name: 'RFM segments (champions + loyal)',
  description: 'Buying customers scored by recency, frequency and monetary quintiles and named by segment; the value is the share in the best two (champions and loyal).',
  formula: `R, F, M = quintile (1–5, 5 best) of days since the last purchase, purchase days and revenue; segment = first rule that matches: ${RFM_SEGMENTS.map((s) => `${s.name} (${s.when.replaceAll('AND', 'and')})`).join('; ')}; value = (champions + loyal) / buying customers · 100`,
  unit: 'percent',
  direction: 'higher',
  tables: ['orders'],
  teams: ['data', 'marketing'],
  noSeries: true,
  noSegments: true,
  convention:
    'Scored on completed orders up to the day before the period ends, tied customers sharing a score; --where selects whose segments are counted. parts: each segment’s share of the buying customers (by id) and of their revenue (id_revenue). `retain customers --segment <id>` lists them.',
  sql: () => '',
  finish: () => ({ value: null, n: 0 }),
  fromModel: async (wh, s, tables) => {
    const asOf = dateOfDay(dayNumber(s.period.to) - 1);
    const { timezone } = await getSettings(wh);
    const summaryTable = await tables?.summary(s, { calibrationEnd: asOf, timezone, timeUnit: 'day' });
    const r = await rfmSegments(wh, { asOf, q: s, ...(summaryTable ? { summaryTable } : {}) });
    if (!r.customers) return { value: null, n: 0, note: 'No customer had bought by the end of the period.' };
    const best = r.segments.filter((g) => BEST.includes(g.id)).reduce((a, g) => a + g.customers, 0);
    return {
      value: (100 * best) / r.customers,
      n: r.customers,
      parts: Object.fromEntries(r.segments.flatMap((g) => [[g.id, g.share] as const, [`${g.id}_revenue`, g.revenueShare] as const])),
    };
  },
};
