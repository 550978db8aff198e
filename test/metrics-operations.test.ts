/** Support, finance, loyalty and email metrics on small fixtures, expected values worked out by hand here. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Warehouse } from '../src/warehouse/warehouse.js';
import { load, metric } from './helpers/metrics.js';
import { memoryWorkspace } from './helpers/workspace.js';

let wh: Warehouse;
const JAN = { from: '2024-01-01', to: '2024-02-01' };

beforeAll(async () => {
  wh = await memoryWorkspace();
  await load(wh, {
    customers: `customer_id,created_at,country\nc1,2023-06-01,DE\nc2,2023-07-01,FR\nc3,2024-01-15,FR\nc4,2024-03-01,FR\nc5,2023-01-01,FR\nc6,2023-01-01,FR`,
    tickets: `ticket_id,customer_id,opened_at,first_response_at,resolved_at,handle_seconds,contacts,is_complaint
t1,c1,2024-01-02T10:00:00Z,2024-01-02T10:30:00Z,2024-01-03,600,1,false
t2,c2,2024-01-05T09:00:00Z,2024-01-05T11:00:00Z,2024-01-06,1200,2,true
t3,c3,2024-01-20T00:00:00Z,2024-01-20T00:10:00Z,,,,true
t4,c1,2023-12-20T00:00:00Z,2023-12-20T00:01:00Z,2024-01-04,300,1,false
t5,c2,2023-12-01,,2023-12-05,100,1,false
t6,c2,2024-01-25,,2024-02-03,,,false`,
    orders: `order_id,customer_id,ordered_at,amount,status
o0,c1,2023-12-20,10,completed
o1,c1,2024-01-08,30,completed
o2,c2,2024-01-09,10,completed
o3,c2,2024-01-09,50,cancelled
o4,c1,2024-01-12,20,completed`,
    order_items: `order_id,line_id,product_id,quantity,unit_price\no0,1,p,2,5\no1,1,p,3,10\no2,1,p,1,10\no3,1,p,5,10\no4,1,p,1,20`,
    returns: `return_id,order_id,quantity,returned_at\nr1,o1,1,2024-01-10\nr2,o0,2,2024-01-05\nr3,o1,1,2024-02-10`,
    invoices: `invoice_id,customer_id,issued_at,due_at,amount,paid_at,paid_amount
i1,c1,2023-12-10,2023-12-24,100,2024-01-15,100
i2,c1,2024-01-05,2024-01-19,200,,
i3,c2,2024-01-20,2024-02-03,300,2024-02-10,300
i4,c2,2024-01-25,2024-02-08,100,2024-01-28,60`,
    loyalty_members: `customer_id,joined_at,left_at\nc1,2023-07-01,\nc2,2023-08-01,2024-01-20\nc3,2024-01-16,`,
    loyalty_ledger: `entry_id,customer_id,occurred_at,kind,points
l1,c1,2023-12-01,earn,100
l2,c1,2024-01-05,earn,200
l3,c1,2024-01-10,redeem,50
l4,c2,2024-01-12,earn,300
l5,c2,2024-01-25,expire,100
l6,c3,2024-01-20,adjust,10`,
    email_events: `event_id,campaign_id,customer_id,occurred_at,type
m1,k1,c1,2024-01-10T09:00:00Z,sent
m2,k1,c1,2024-01-10T09:01:00Z,delivered
m3,k1,c1,2024-01-10T11:00:00Z,open
m4,k1,c1,2024-01-10T12:00:00Z,click
m5,k1,c2,2024-01-10T09:01:00Z,delivered
m6,k1,c2,2024-01-10T13:00:00Z,open
m7,k1,c2,2024-01-11T13:00:00Z,open
m8,k1,c3,2024-01-10T09:01:00Z,delivered
m9,k1,c3,2024-01-10T15:00:00Z,unsubscribe
m10,k1,c4,2024-01-10T09:00:00Z,sent
m11,k1,c4,2024-01-10T09:01:00Z,bounce
m12,k1,c5,2024-01-31T23:00:00Z,delivered
m13,k1,c5,2024-02-02T08:00:00Z,open
m14,k1,c6,2024-01-10T09:01:00Z,delivered
m15,k1,c6,2024-01-10T10:00:00Z,click
m16,k1,c6,2024-01-10T10:30:00Z,conversion
m17,k2,c1,2023-12-30T09:00:00Z,delivered`,
  });
});
afterAll(async () => wh.close());

describe('support', () => {
  it('aht, fcr: tickets resolved in the period (t1, t2 and December’s t4)', async () => {
    expect(await metric(wh, 'aht', JAN)).toMatchObject({ value: (600 + 1200 + 300) / 3, n: 3 });
    const f = await metric(wh, 'fcr', JAN);
    expect(f.value).toBeCloseTo(200 / 3, 9);
    expect(f.n).toBe(3);
  });

  it('first_response_time is the median over tickets opened in the period', async () => {
    expect(await metric(wh, 'first_response_time', JAN)).toMatchObject({ value: 1800, n: 3 }); // 1800, 7200, 600
  });

  it('open_tickets at the end; complaints opened in the period', async () => {
    expect(await metric(wh, 'open_tickets', JAN)).toMatchObject({ value: 2 }); // t3 never resolved, t6 resolved in February
    expect(await metric(wh, 'complaints', JAN)).toMatchObject({ value: 2 });
    expect((await metric(wh, 'complaints', { from: '2023-12-01', to: '2024-02-01' })).series.map((x) => x.value)).toEqual([0, 2]);
  });
});

describe('finance', () => {
  it('return_rate: units returned by return date over units sold by order date', async () => {
    // Returned in January: r1 (1) and r2 (2, of a December order). Sold in January: o1 3, o2 1, o4 1; o3 was cancelled.
    expect(await metric(wh, 'return_rate', JAN)).toMatchObject({ value: (100 * 3) / 5, parts: { returned: 3, sold: 5 } });
    // February: r3 came back, nothing was sold: no rate, and the two months together count both.
    const both = await metric(wh, 'return_rate', { from: '2024-01-01', to: '2024-03-01' });
    expect(both.series.map((x) => x.value)).toEqual([(100 * 3) / 5, null]);
    expect(both).toMatchObject({ value: (100 * 4) / 5, parts: { returned: 4, sold: 5 } });
    // By country: c1 (DE) returned 3 of the 4 units it bought in January, c2 (FR) none of 1; in
    // February DE had a return and no sale: listed, without a rate.
    const jan = await metric(wh, 'return_rate', { ...JAN, slice: { where: [], by: 'country' } });
    expect(jan.segments!.map((g) => [g.segment, g.value])).toEqual([['DE', 75], ['FR', 0]]);
    const feb = await metric(wh, 'return_rate', { from: '2024-02-01', to: '2024-03-01', slice: { where: [], by: 'country' } });
    expect(feb.value).toBeNull();
    expect(feb.segments!.map((g) => [g.segment, g.value])).toEqual([['DE', null]]);
  });

  it('dso: receivables at the end over credit sales, times the days in the period', async () => {
    // Receivables at 1 February: i2 200, i3 300 (paid later), i4 100 − 60 = 40; i1 was paid in January.
    const r = await metric(wh, 'dso', JAN);
    expect(r.value).toBeCloseTo((540 / 600) * 31, 9);
    expect(r.parts).toEqual({ receivables: 540, credit_sales: 600, days: 31 });
  });
});

describe('loyalty programme', () => {
  it('redemption rate: redeemed over earned in the period', async () => {
    expect(await metric(wh, 'redemption_rate', JAN)).toMatchObject({ value: (100 * 50) / 500 });
  });

  it('active engagement and participation over the customers known at the end', async () => {
    // Customers by 1 February: c1, c2, c3, c5, c6 (c4 arrives in March).
    const a = await metric(wh, 'active_engagement_rate', JAN); // c1 and c2 earned or redeemed
    expect(a).toMatchObject({ value: 40, n: 5 });
    const p = await metric(wh, 'participation_rate', JAN); // members c1 and c3; c2 left on 20 January
    expect(p).toMatchObject({ value: 40, n: 5 });
  });

  it('points liability: earned and adjusted less redeemed and expired', async () => {
    expect(await metric(wh, 'points_liability', JAN)).toMatchObject({ value: 100 + 200 + 300 + 10 - 50 - 100, n: 3 });
  });
});

describe('email', () => {
  // Delivered in January: c1, c2, c3, c5, c6 (c4 bounced; k2 went out in December).
  it('open, click-through and click-to-open rates count each recipient once; a click counts as an open', async () => {
    expect(await metric(wh, 'email_open_rate', JAN)).toMatchObject({ value: 80, n: 5 }); // c1, c2, c5 (opened in February), c6 (clicked)
    expect(await metric(wh, 'email_ctr', JAN)).toMatchObject({ value: 40, n: 5 });
    expect(await metric(wh, 'email_click_to_open', JAN)).toMatchObject({ value: 50, n: 4 });
  });

  it('conversions: a conversion event, or a completed order within 7 days of the click', async () => {
    expect(await metric(wh, 'email_conversion_rate', JAN)).toMatchObject({ value: 40, n: 5 }); // c1 ordered on the 12th, c6 converted
    expect(await metric(wh, 'email_unsubscribe_rate', JAN)).toMatchObject({ value: 20, n: 5 });
  });
});
