/** Customer lists in a subscription workspace: risk inputs, score, CLV and lists, worked out by hand. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { customerList } from '../src/metrics/customers.js';
import type { Warehouse } from '../src/warehouse/warehouse.js';
import { load } from './helpers/metrics.js';
import { memoryWorkspace } from './helpers/workspace.js';

let wh: Warehouse;
const AS_OF = '2024-06-30';

beforeAll(async () => {
  wh = await memoryWorkspace();
  // As of Jun 30: s1 contracted from 100 to 60 on May 15 (MRR 90 days earlier, Apr 1: 100);
  // s2 churned on Jun 1; s3 filed 3 tickets (one a complaint), answered NPS 3, paid one of two
  // invoices due since Jan 2 late; s4 used the product 10 times in the 30 days before May 31 and 4
  // times since, and answered NPS 10. All subscribed on 2023-01-01.
  const ids = ['s1', 's2', 's3', 's4'];
  await load(wh, {
    customers: `customer_id,created_at,country\n${ids.map((c, i) => `${c},2023-01-01,${i % 2 ? 'DE' : 'US'}`).join('\n')}`,
    subscription_events: `event_id,customer_id,subscription_id,occurred_at,mrr
e1,s1,p1,2023-01-01,100
e2,s1,p1,2024-05-15,60
e3,s2,p2,2023-01-01,50
e4,s2,p2,2024-06-01,0
e5,s3,p3,2023-01-01,80
e6,s4,p4,2023-01-01,30`,
    tickets: `ticket_id,customer_id,opened_at,is_complaint
t1,s3,2024-04-10,false
t2,s3,2024-05-10,true
t3,s3,2024-06-10,false
t4,s3,2024-01-10,true`,
    survey_responses: `response_id,customer_id,survey,score,responded_at
r1,s3,nps,9,2024-01-05
r2,s3,nps,3,2024-06-01
r3,s4,nps,10,2024-06-02`,
    invoices: `invoice_id,customer_id,issued_at,due_at,amount,paid_at
i1,s3,2024-04-01,2024-04-15,80,2024-04-20
i2,s3,2024-05-01,2024-05-15,80,2024-05-10
i3,s3,2023-10-01,2023-10-15,80,`,
    activity_events: [
      'event_id,customer_id,occurred_at,name',
      ...Array.from({ length: 10 }, (_, k) => `a${k},s4,2024-05-${String(10 + k).padStart(2, '0')}T12:00:00Z,login`),
      ...Array.from({ length: 4 }, (_, k) => `b${k},s4,2024-06-${String(10 + k).padStart(2, '0')}T12:00:00Z,login`),
    ].join('\n'),
  });
});
afterAll(async () => wh.close());

describe('customer lists, subscription workspace', () => {
  it('scores churn risk from its inputs and values paying subscribers by MRR over the retained months', async () => {
    const r = await customerList(wh, { asOf: AS_OF, limit: 10, sort: 'risk' });
    expect(r.model).toBe('subscription');
    const by = Object.fromEntries(r.customers.map((c) => [c.customer_id, c]));
    // s3: detractor 20 + 3 tickets 15 + a complaint 15 + one of two invoices late 0.5 · 10 = 55.
    expect(by.s3!.risk_inputs).toEqual({ engagement_decline: 0, detractor: 1, contraction: 0, tickets: 1, complaints: 1, late_invoices: 0.5 });
    expect(by.s3!.risk).toBeCloseTo(55, 9);
    // s1: contraction (100 − 60) / 100 · 15 = 6.
    expect(by.s1!.risk).toBeCloseTo(6, 9);
    // s4: activity fell from 10 to 4: 0.6 · 25 = 15; its engagement score: 4 events, the only active customer (p99 = 4) → 100.
    expect(by.s4!.risk).toBeCloseTo(15, 9);
    expect(by.s4).toMatchObject({ nps: 10, nps_class: 'promoter', engagement: 100 });
    // s2 pays nothing now: no risk, no value ahead.
    expect(by.s2).toMatchObject({ risk: null, clv: 0, mrr: 0 });
    expect(r.customers.map((c) => c.customer_id)).toEqual(['s3', 's4', 's1', 's2']);
    // Retention over Jul 2023 – Jun 2024: 3 of 4 kept → monthly 0.75^(1/12); 12 months at 1 % a month.
    const sm = 0.75 ** (1 / 12);
    let months = 0;
    for (let t = 0; t < 12; t++) months += sm ** t / 1.01 ** t;
    expect(by.s3!.clv).toBeCloseTo(80 * months, 6);
    expect(by.s1!.clv).toBeCloseTo(60 * months, 6);
  });

  it('lists: at-risk, promoters, detractors; filters by customer fields', async () => {
    const ids = async (o: Parameters<typeof customerList>[1]) => (await customerList(wh, { asOf: AS_OF, ...o })).customers.map((c) => c.customer_id);
    expect(await ids({ segment: 'at-risk' })).toEqual(['s3']);
    expect(await ids({ segment: 'promoters' })).toEqual(['s4']);
    expect(await ids({ segment: 'detractors' })).toEqual(['s3']);
    expect(await ids({ segment: 'all', where: ['country=DE'], sort: 'clv' })).toEqual(['s4', 's2']);
    await expect(customerList(wh, { segment: 'vips' })).rejects.toThrow(/Unknown list vips/);
  });

  it('an earlier as-of day sees only what was known then', async () => {
    const r = await customerList(wh, { asOf: '2024-04-30', sort: 'risk' });
    const s3 = r.customers.find((c) => c.customer_id === 's3')!;
    // By Apr 30: tickets t1 (and t4 in January: outside 90 days) → 1/3; the NPS answer of Jan 5 was 9; i1 paid late, the only one due.
    expect(s3.risk_inputs).toMatchObject({ detractor: 0, tickets: 1 / 3, complaints: 0, late_invoices: 1 });
    expect(s3.risk).toBeCloseTo(5 + 10, 9);
  });
});
