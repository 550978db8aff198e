/**
 * Definition variants (METRICS.md): each variant's value beside Retain's on a small fixture, every
 * value worked out by hand here. Variants are computed only when the request asks for them.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { MetricResult } from '../src/metrics/compute.js';
import type { Warehouse } from '../src/warehouse/warehouse.js';
import { load, metric } from './helpers/metrics.js';
import { memoryWorkspace } from './helpers/workspace.js';

let wh: Warehouse;
beforeEach(async () => (wh = await memoryWorkspace()));
afterEach(async () => wh.close());

const JAN = { from: '2024-01-01', to: '2024-02-01', variants: true };

/** A variant's value and n by id. */
const variant = (r: MetricResult, id: string) => {
  const v = r.variants?.find((x) => x.id === id);
  if (!v) throw new Error(`${r.id} has no variant ${id}`);
  return { value: v.value, n: v.n };
};

describe('csat', () => {
  it('top-two-box, top-box and the mean answer on the same ten answers', async () => {
    const scores = [5, 5, 4, 4, 4, 4, 3, 3, 2, 3];
    await load(wh, {
      survey_responses: `response_id,customer_id,survey,score,scale_max,responded_at\n${scores.map((x, i) => `r${i},c${i},csat,${x},5,2024-01-${String(i + 10)}`).join('\n')}`,
    });
    const r = await metric(wh, 'csat', JAN);
    // Top two points (4–5): 5, 5, 4, 4, 4, 4 → 6 of 10. Top box (5): 2 of 10.
    // Mean: (5 + 5 + 4·4 + 3 + 3 + 2 + 3) / 10 = 37 / 10 = 3.7.
    expect(r.value).toBe(60);
    expect(variant(r, 'csat_top_box')).toEqual({ value: 20, n: 10 });
    expect(variant(r, 'csat_mean_answer').value).toBeCloseTo(3.7, 12);
    expect(r.variants!.every((v) => v.reason.length > 0)).toBe(true);
  });

  it('is absent unless the request asks for variants', async () => {
    await load(wh, { survey_responses: 'response_id,customer_id,survey,score,scale_max,responded_at\nr1,c1,csat,5,5,2024-01-10' });
    const r = await metric(wh, 'csat', { from: '2024-01-01', to: '2024-02-01' });
    expect(r.value).toBe(100);
    expect('variants' in r).toBe(false);
  });
});

describe('email_open_rate', () => {
  it('unique openers of delivered, every open of delivered, unique openers of sent', async () => {
    // Campaign m1, all in January: c1 opens four times; c2 once; c3 only clicks (a click counts as
    // a unique open, but it is no open event); c4 is delivered and does nothing; c5 bounces.
    const events: Record<string, string[]> = {
      c1: ['sent', 'delivered', 'open', 'open', 'open', 'open'],
      c2: ['sent', 'delivered', 'open'],
      c3: ['sent', 'delivered', 'click'],
      c4: ['sent', 'delivered'],
      c5: ['sent', 'bounce'],
    };
    // Each recipient's events an hour apart from 08:00 on 10 January.
    const rows = Object.entries(events).flatMap(([c, types]) => types.map((t, h) => `${c}-${h},m1,${c},2024-01-10T${String(8 + h).padStart(2, '0')}:00:00Z,${t}`));
    await load(wh, { email_events: `event_id,campaign_id,customer_id,occurred_at,type\n${rows.join('\n')}` });
    const r = await metric(wh, 'email_open_rate', JAN);
    // Delivered c1–c4; unique openers c1, c2, c3 → 3 / 4 = 75 %.
    expect(r).toMatchObject({ value: 75, n: 4 });
    // Open events 4 + 1 + 0 + 0 = 5 over 4 delivered = 125 % (not a share: it passes 100 %).
    expect(variant(r, 'email_total_opens')).toEqual({ value: 125, n: 4 });
    // Sent c1–c5 (c5 bounced); openers 3 → 3 / 5 = 60 %.
    expect(variant(r, 'email_opens_of_sent')).toEqual({ value: 60, n: 5 });
  });
});

describe('repeat_purchase_rate', () => {
  it('within the period, and over each ordering customer’s whole history up to its end', async () => {
    // Each customer's orders, completed unless marked cancelled.
    const orders: Record<string, string[]> = {
      c1: ['2023-06-01', '2024-01-10'],
      c2: ['2024-01-05', '2024-01-20'],
      c3: ['2024-01-15'],
      c4: ['2023-03-01'],
      c5: ['2023-11-01 cancelled', '2024-01-08'],
      c6: ['2024-01-09', '2024-02-10'],
    };
    const rows = Object.entries(orders).flatMap(([c, list]) =>
      list.map((o, i) => {
        const [day, status = 'completed'] = o.split(' ');
        return `${c}-${i},${c},${day},10,${status}`;
      }),
    );
    await load(wh, { orders: `order_id,customer_id,ordered_at,amount,status\n${rows.join('\n')}` });
    const r = await metric(wh, 'repeat_purchase_rate', JAN);
    // Ordering in January: c1, c2, c3, c5, c6 (c4 only ordered in 2023) → n = 5.
    // Twice in January: c2 → 1 / 5 = 20 %.
    expect(r).toMatchObject({ value: 20, n: 5 });
    // Whole history before 1 February: c1 (June + January) and c2 → 2 / 5 = 40 %; c5's earlier
    // order was cancelled, c6's second comes after the period.
    expect(variant(r, 'repeat_purchase_lifetime')).toEqual({ value: 40, n: 5 });
  });
});
