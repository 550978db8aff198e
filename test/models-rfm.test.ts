/** RFM scores and segments by the engine; expected values by hand. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { binder, custSql, summaryKey } from '../src/models/queries.js';
import { RFM_SEGMENTS, rfmCustomersSql, rfmSegmentsSql, segmentCase } from '../src/models/rfm.js';
import { buildReport } from '../src/metrics/report.js';
import type { Param, Warehouse } from '../src/warehouse/warehouse.js';
import { load, metric } from './helpers/metrics.js';
import { memoryWorkspace } from './helpers/workspace.js';

let wh: Warehouse;
const AS_OF = { calibrationEnd: '2024-06-30', timezone: 'UTC', timeUnit: 'day' as const };

beforeAll(async () => {
  wh = await memoryWorkspace();
  // Five customers, each better than the last in every respect: c5 bought most recently, on the
  // most days, for the most money. c6 is c1's twin (ties share a score).
  const orders = ['order_id,customer_id,ordered_at,amount,currency,status'];
  const last = ['2024-01-10', '2024-02-10', '2024-03-10', '2024-04-10', '2024-06-10'];
  for (let c = 1; c <= 6; c++) {
    const k = c === 6 ? 1 : c;
    for (let j = 0; j < k; j++) orders.push(`o${c}_${j},c${c},${j === 0 ? last[k - 1] : `2023-0${j}-15`}T12:00:00Z,${10 * k},USD,completed`);
  }
  await load(wh, { customers: `customer_id,created_at,country\n${[1, 2, 3, 4, 5, 6].map((c) => `c${c},2023-01-01,${c <= 3 ? 'DE' : 'FR'}`).join('\n')}`, orders: orders.join('\n') });
});
afterAll(async () => wh.close());

describe('RFM', () => {
  it('scores by quintile of rank, ties sharing the lower score', async () => {
    const q = binder();
    const rows = await wh.query(`SELECT customer_id, recency_days, purchase_days AS frequency, revenue AS monetary, r, f, m FROM (${rfmCustomersSql(wh.dialect, q, AS_OF)}) x ORDER BY customer_id`, q.params);
    // Ranks of 6 customers (c1 and c6 tied first): 1, 3, 4, 5, 6 → 1 + ⌊5·(rank − 1)/6⌋ = 1, 2, 3, 4, 5.
    expect(rows.map((r) => [r.customer_id, r.r, r.f, r.m])).toEqual([
      ['c1', 1, 1, 1], ['c2', 2, 2, 2], ['c3', 3, 3, 3], ['c4', 4, 4, 4], ['c5', 5, 5, 5], ['c6', 1, 1, 1],
    ]);
    // c3: last purchase Mar 10 → 112 days before Jun 30; three purchase days of 30 each.
    expect(rows[2]).toMatchObject({ recency_days: 112, frequency: 3, monetary: 90 });
  });

  it('names segments, sizes and revenue', async () => {
    const q = binder();
    const rows = await wh.query(rfmSegmentsSql(wh.dialect, q, AS_OF), q.params);
    const by = Object.fromEntries(rows.map((r) => [r.segment, [Number(r.customers), Number(r.segment_revenue)]]));
    // c5 (5,5,5) champions; c4 (4,4,4) champions; c3 (3,3,3) potential loyalists; c2 (2,2,2) hibernating; c1, c6 (1,1,1) lost.
    expect(by).toEqual({ champions: [2, 5 * 50 + 4 * 40], 'potential-loyalists': [1, 90], hibernating: [1, 40], lost: [2, 20] });
  });

  it('every score combination has exactly the first matching segment, and every segment is reachable', async () => {
    const d = wh.dialect;
    const rows = await wh.query(`SELECT r, f, m, ${segmentCase(d)} AS segment FROM range(1, 6) a(r), range(1, 6) b(f), range(1, 6) c(m)`);
    expect(rows).toHaveLength(125);
    expect(rows.filter((r) => r.segment === null)).toEqual([]);
    expect(new Set(rows.map((r) => r.segment))).toEqual(new Set(RFM_SEGMENTS.map((s) => s.id)));
  });

  it('the rfm metric: the share of buying customers who are champions or loyal, each segment in parts', async () => {
    const r = await metric(wh, 'rfm', { from: '2024-06-01', to: '2024-07-01' });
    // Scored as of Jun 30 (the day before the period ends): 2 champions of 6 buyers.
    expect(r.n).toBe(6);
    expect(r.value).toBeCloseTo((100 * 2) / 6, 12);
    const revenue = 410 + 90 + 40 + 20;
    expect(r.parts).toMatchObject({ champions: (100 * 2) / 6, loyal: 0, 'potential-loyalists': 100 / 6, hibernating: 100 / 6, lost: (100 * 2) / 6 });
    expect(r.parts!.champions_revenue).toBeCloseTo((100 * 410) / revenue, 12);
    expect(r.parts!.lost_revenue).toBeCloseTo((100 * 20) / revenue, 12);
    // --where scores the kept customers among themselves: c1–c3 (DE) rank 1, 2, 3 of 3 in each
    // respect → 1 + ⌊5·(rank − 1)/3⌋ = 1, 2, 4: c3 (4,4,4) champion, c2 hibernating, c1 lost.
    const some = await metric(wh, 'rfm', { from: '2024-06-01', to: '2024-07-01', slice: { where: [{ field: 'country', value: 'DE' }] } });
    expect(some.n).toBe(3);
    expect(some.value).toBeCloseTo(100 / 3, 12);
    expect(some.parts!.champions_revenue).toBeCloseTo((100 * 90) / (10 + 40 + 90), 12);
    expect(some.parts).toMatchObject({ hibernating: 100 / 3, lost: 100 / 3 });
    // Before any purchase: no value, a note.
    const none = await metric(wh, 'rfm', { from: '2022-01-01', to: '2022-02-01' });
    expect(none.value).toBeNull();
    expect(none.note).toMatch(/No customer had bought/);
  });

  it('in a report, RFM and predictive CLV read one purchase summary, made once and dropped at the end', async () => {
    const statements: string[] = [];
    // The real workspace, its statements recorded on the way.
    const watched = new Proxy(wh, {
      get(target, key) {
        if (key === 'exec' || key === 'query' || key === 'queryNumbers') {
          return (sql: string, params?: readonly Param[]) => (statements.push(sql), target[key](sql, params));
        }
        const v: unknown = Reflect.get(target, key);
        return typeof v === 'function' ? v.bind(target) : v;
      },
    });
    const made = () => statements.filter((s) => s.startsWith('CREATE TEMP TABLE')).length;
    const period = { from: '2024-06-01', to: '2024-07-01' };
    const report = await buildReport(watched, { ...period, metrics: ['rfm', 'clv_predicted'] });
    expect(made()).toBe(1);
    const shared = /CREATE TEMP TABLE "?(_report_\w+)/.exec(statements.find((s) => s.startsWith('CREATE TEMP TABLE'))!)![1]!;
    // Read by both: RFM's segments and the fit's customer summaries.
    expect(statements.filter((s) => !/^(CREATE|DROP)/.test(s) && s.includes(shared))).toHaveLength(2);
    const inReport = report.metrics.find((m) => m.id === 'rfm')!;
    expect(inReport).toEqual(await metric(wh, 'rfm', period));
    expect(inReport.value).toBeCloseTo((100 * 2) / 6, 12);
    const left = await wh.query(`SELECT count(*) AS n FROM duckdb_tables() WHERE starts_with(table_name, '_report_')`);
    expect(Number(left[0]!.n)).toBe(0);
    // --where: RFM ranks the kept customers among themselves, so the summary of all is not shared.
    statements.length = 0;
    const filtered = await buildReport(watched, { ...period, metrics: ['rfm'], where: ['country=DE'] });
    expect(made()).toBe(0);
    expect(filtered.metrics[0]!.value).toBeCloseTo(100 / 3, 12);
    // A summary table serves only the request it was made for, unfiltered.
    const table = { name: '_report_x', key: summaryKey(AS_OF) };
    expect(custSql(wh.dialect, binder(), { ...AS_OF, table })).toBe('SELECT * FROM "_report_x"');
    expect(() => custSql(wh.dialect, binder(), { ...AS_OF, calibrationEnd: '2024-05-31', table })).toThrow(/not what this query asks/);
    expect(() => custSql(wh.dialect, { ...binder(), keep: (id) => `${id} = 'c1'` }, { ...AS_OF, table })).toThrow(/filtered: true/);
  });
});
