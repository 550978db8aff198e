/** The per-customer purchase summary the models read, computed by the engine; expected values by hand. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { binder, fitInputSql, trackingSql, type SummaryRequest } from '../src/models/queries.js';
import type { Row, Warehouse } from '../src/warehouse/warehouse.js';
import { load } from './helpers/metrics.js';
import { memoryWorkspace } from './helpers/workspace.js';

let wh: Warehouse;

beforeAll(async () => {
  wh = await memoryWorkspace();
  await load(wh, {
    customers: `customer_id,created_at\nc1,2023-12-01\nc2,2023-12-01\nc3,2023-12-01\nc4,2023-12-01\nc5,2023-12-01`,
    fx_rates: `currency,date,rate\nEUR,2023-12-01,1.25`,
    // c1: two orders on Jan 1 (one purchase day of 30), Jan 15 (40), Feb 1 (60); after the
    //     calibration end Apr 10 and twice on May 1 (two holdout days).
    // c2: one order, 80 EUR = 100 USD; its cancelled order does not count.
    // c3: first buys after the calibration end: not in the summary.
    // c4: Mar 10 and Mar 31 22:30 UTC, which is already Apr 1 00:30 in Berlin (CEST).
    // c5: like c2, one purchase on Mar 1.
    orders: `order_id,customer_id,ordered_at,amount,currency,status
a1,c1,2024-01-01T10:00:00Z,10,USD,completed
a2,c1,2024-01-01T15:00:00Z,20,USD,completed
a3,c1,2024-01-15T09:00:00Z,40,USD,completed
a4,c1,2024-02-01T09:00:00Z,60,USD,completed
a5,c1,2024-04-10T09:00:00Z,5,USD,completed
a6,c1,2024-05-01T09:00:00Z,5,USD,completed
a7,c1,2024-05-01T11:00:00Z,7,USD,completed
b1,c2,2024-03-01T09:00:00Z,80,EUR,completed
b2,c2,2024-03-05T09:00:00Z,50,EUR,cancelled
c1,c3,2024-04-02T09:00:00Z,10,USD,completed
d1,c4,2024-03-10T12:00:00Z,20,USD,completed
d2,c4,2024-03-31T22:30:00Z,10,USD,completed
e1,c5,2024-03-01T18:00:00Z,30,USD,completed`,
  });
});
afterAll(async () => wh.close());

const REQ: SummaryRequest = { calibrationEnd: '2024-03-31', holdoutEnd: '2024-06-30', timezone: 'UTC', timeUnit: 'day' };

async function fitRows(r: SummaryRequest) {
  const query = (kind: 'bg' | 'gg') => {
    const q = binder();
    return wh.query(fitInputSql(wh.dialect, q, r, kind), q.params);
  };
  const pick = (x: Row) => ({ frequency: x.frequency, recency: x.recency, t: x.t, weight: x.weight, holdout: x.holdout_sum });
  return {
    bg: (await query('bg')).map(pick).sort((a, b) => Number(b.frequency) - Number(a.frequency) || Number(a.t) - Number(b.t)),
    gg: (await query('gg')).map((x) => ({ frequency: x.frequency, monetary: x.monetary, weight: x.weight })),
  };
}

describe('purchase summary (frequency, recency, T, monetary)', () => {
  it('counts purchase days, not orders; measures recency and T in days; groups identical customers; excludes later first-timers', async () => {
    const { bg, gg } = await fitRows(REQ);
    expect(bg).toEqual([
      // c1: days Jan 1, Jan 15, Feb 1 → frequency 2, recency 31, T = Mar 31 − Jan 1 = 90; holdout days Apr 10, May 1.
      { frequency: 2, recency: 31, t: 90, weight: 1, holdout: 2 },
      // c4: Mar 10 and Mar 31 → 1, 21, 21.
      { frequency: 1, recency: 21, t: 21, weight: 1, holdout: 0 },
      // c2 and c5: Mar 1 only — one row of weight 2.
      { frequency: 0, recency: 0, t: 30, weight: 2, holdout: 0 },
    ]);
    // Spend of the repeat days only, in the reporting currency: c1 (40 + 60) / 2, c4 10.
    expect(gg.sort((a, b) => Number(b.frequency) - Number(a.frequency))).toEqual([
      { frequency: 2, monetary: 50, weight: 1 },
      { frequency: 1, monetary: 10, weight: 1 },
    ]);
  });

  it('days are local calendar days of the workspace time zone', async () => {
    const { bg } = await fitRows({ ...REQ, timezone: 'Europe/Berlin' });
    // c4's second order falls on Apr 1 in Berlin: a holdout day, no longer a repeat purchase.
    expect(bg.find((x) => x.t === 21)).toEqual({ frequency: 0, recency: 0, t: 21, weight: 1, holdout: 1 });
  });

  it('weeks only change the unit of recency and T', async () => {
    const { bg } = await fitRows({ ...REQ, timeUnit: 'week' });
    expect(bg[0]).toMatchObject({ frequency: 2, recency: 31 / 7, t: 90 / 7 });
  });

  it('without a holdout end nothing after the calibration end is read', async () => {
    const { bg } = await fitRows({ ...REQ, holdoutEnd: undefined, calibrationEnd: '2024-01-01' });
    expect(bg).toEqual([{ frequency: 0, recency: 0, t: 0, weight: 1, holdout: 0 }]);
  });

  it('tracking: first-purchase cohorts and repeat purchase days by day', async () => {
    const q = binder();
    const rows = await wh.query(trackingSql(wh.dialect, q, REQ), q.params);
    const day = (d: string) => Date.parse(`${d}T00:00:00Z`) / 86_400_000;
    const of = (kind: string) => Object.fromEntries(rows.filter((r) => r.kind === kind).map((r) => [Number(r.day), Number(r.n)]));
    expect(of('first')).toEqual({ [day('2024-01-01')]: 1, [day('2024-03-01')]: 2, [day('2024-03-10')]: 1 });
    expect(of('repeat')).toEqual({ [day('2024-01-15')]: 1, [day('2024-02-01')]: 1, [day('2024-03-31')]: 1, [day('2024-04-10')]: 1, [day('2024-05-01')]: 1 });
  });
});
