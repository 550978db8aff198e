/**
 * Definition variants (METRICS.md): each variant's value beside Retain's on a small fixture, every
 * value worked out by hand here. Variants are computed only when the request asks for them.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { MetricResult } from '../src/metrics/compute.js';
import type { Warehouse } from '../src/warehouse/warehouse.js';
import { load, metric } from './helpers/metrics.js';
import { memoryWorkspace, tmp, writeFixture } from './helpers/workspace.js';

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

/** Each customer's MRR changes (one subscription each), as subscription events. */
async function loadSubscriptions(changes: Record<string, [string, number][]>): Promise<void> {
  const rows = Object.entries(changes).flatMap(([c, list]) => list.map(([at, mrr], i) => `${c}-${i},${c},s-${c},${at},${mrr}`));
  await load(wh, { subscription_events: `event_id,customer_id,subscription_id,occurred_at,mrr\n${rows.join('\n')}` });
}

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

describe('churn_rate', () => {
  it('over the start, the average, start plus new, and monthly rates compounded', async () => {
    // Subscriptions, Q1 2024 (boundaries 1 Jan, 1 Feb, 1 Mar, 1 Apr); 0 MRR ends one.
    // c1, c4 pay throughout; c2 leaves on 15 Jan; c3 leaves on 10 Feb and is back on 5 Mar;
    // c5 starts on 10 Jan and leaves on 20 Feb; c7 starts on 5 Feb, c6 on 10 Mar.
    const changes: Record<string, [string, number][]> = {
      c1: [['2023-12-01', 10]],
      c2: [['2023-12-01', 10], ['2024-01-15', 0]],
      c3: [['2023-12-01', 10], ['2024-02-10', 0], ['2024-03-05', 10]],
      c4: [['2023-12-01', 10]],
      c5: [['2024-01-10', 10], ['2024-02-20', 0]],
      c6: [['2024-03-10', 10]],
      c7: [['2024-02-05', 10]],
    };
    await loadSubscriptions(changes);
    const r = await metric(wh, 'churn_rate', { from: '2024-01-01', to: '2024-04-01', variants: true });
    // S (1 Jan) = {c1, c2, c3, c4}; E (1 Apr) = {c1, c3, c4, c6, c7}; retained {c1, c3, c4};
    // churned {c2}; new c5, c6, c7. Retain: 1 / 4 = 25 %.
    expect(r).toMatchObject({ value: 25, n: 4, parts: { start: 4, end: 5, new: 3, retained: 3, churned: 1 } });
    // Average base: 1 / ((4 + 5) / 2) = 1 / 4.5.
    expect(variant(r, 'churn_average_base').value).toBeCloseTo(100 / 4.5, 12);
    // Start plus new: 1 / (4 + 3) = 1 / 7.
    expect(variant(r, 'churn_with_new').value).toBeCloseTo(100 / 7, 12);
    expect(variant(r, 'churn_with_new').n).toBe(7);
    // Months: January 1 of 4 leave (c2); February, of {c1, c3, c4, c5}, c3 and c5 → 2 of 4;
    // March, of {c1, c4, c7}, none. 1 − (3/4)·(2/4)·(3/3) = 1 − 3/8 = 62.5 %.
    expect(variant(r, 'churn_compounded_monthly')).toEqual({ value: 62.5, n: 4 });
  });
});

describe('bounce_rate', () => {
  it('agrees with the GA4 rule on events where a one-page session has no duration', async () => {
    // Session → its events (seconds after 10:00 on 10 January).
    const sessions: Record<string, [number, string][]> = {
      s1: [[0, 'pageview']], // a bounce by both rules
      s2: [[0, 'pageview'], [5, 'pageview']], // two page views within 10 s: engaged
      s3: [[0, 'pageview'], [3, 'click']], // an interaction within 10 s: engaged
      s4: [[0, 'pageview'], [40, 'scroll']], // 40 s and an interaction: engaged
      s5: [[0, 'pageview']], // a bounce by both rules
    };
    const rows = Object.entries(sessions).flatMap(([id, events]) =>
      events.map(([sec, type], i) => `${id}-${i},v-${id},,${id},2024-01-10T10:00:${String(sec).padStart(2, '0')}Z,${type},/p`),
    );
    await load(wh, { web_events: `event_id,visitor_id,customer_id,session_id,occurred_at,type,path\n${rows.join('\n')}` });
    const r = await metric(wh, 'bounce_rate', JAN);
    // Retain: one page view and nothing else — s1, s5 → 2 / 5 = 40 %. GA4: not engaged
    // (< 10 s, < 2 page views, no interaction) — s1, s5 → 1 − 3 / 5 = 40 %.
    expect(r).toMatchObject({ value: 40, n: 5 });
    expect(variant(r, 'bounce_not_engaged')).toEqual({ value: 40, n: 5 });
  });
});

describe('nrr', () => {
  it('excludes reactivations, or counts them as expansion', async () => {
    // At 1 January: c1 100, c2 50, c3 80 → 230. In January c1 grows to 250 (+150), c2 leaves
    // (−50), c3 shrinks to 60 (−20), c4 is new at 40, c5 — gone since November — returns at 70.
    const changes: Record<string, [string, number][]> = {
      c1: [['2023-12-01', 100], ['2024-01-10', 250]],
      c2: [['2023-12-01', 50], ['2024-01-05', 0]],
      c3: [['2023-12-01', 80], ['2024-01-12', 60]],
      c4: [['2024-01-03', 40]],
      c5: [['2023-10-01', 30], ['2023-11-01', 0], ['2024-01-20', 70]],
    };
    await loadSubscriptions(changes);
    const r = await metric(wh, 'nrr', JAN);
    // Retain: (230 + 150 − 50 − 20) / 230 = 310 / 230. With reactivation: (310 + 70) / 230 = 380 / 230.
    expect(r.value).toBeCloseTo((100 * 310) / 230, 9);
    expect(variant(r, 'nrr_with_reactivation').value).toBeCloseTo((100 * 380) / 230, 9);
    expect(variant(r, 'nrr_with_reactivation').n).toBe(3);
  });
});

describe('retain report --variants', () => {
  const BIN = join(import.meta.dirname, '..', 'bin', 'retain.js');
  const cli = (args: string[]) => spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8' });

  it('adds the variants to JSON, Markdown and HTML only when asked', () => {
    const dir = tmp();
    const db = join(dir, 'w.duckdb');
    // Four answers: 5, 5, 4, 2 → top-two-box 3/4 = 75 %, top box 2/4 = 50 %, mean 16/4 = 4.
    const file = writeFixture(dir, 'csat.csv', 'response_id,customer_id,survey,score,scale_max,responded_at\nr1,c1,csat,5,5,2024-01-10\nr2,c2,csat,5,5,2024-01-11\nr3,c3,csat,4,5,2024-01-12\nr4,c4,csat,2,5,2024-01-13\n');
    expect(cli(['import', 'survey_responses', file, '--db', db]).status).toBe(0);
    const report = (...more: string[]) => cli(['report', '--metric', 'csat', '--from', '2024-01-01', '--to', '2024-02-01', '--db', db, ...more]);
    const withVariants = report('--variants', '--format', 'json');
    expect(withVariants.status, withVariants.stderr).toBe(0);
    const [m] = (JSON.parse(withVariants.stdout) as { metrics: MetricResult[] }).metrics;
    expect(m!.value).toBe(75);
    expect(m!.variants!.map((v) => [v.id, v.value, v.n])).toEqual([
      ['csat_top_box', 50, 4],
      ['csat_mean_answer', 4, 4],
    ]);
    const plain = JSON.parse(report('--format', 'json').stdout) as { metrics: Record<string, unknown>[] };
    expect('variants' in plain.metrics[0]!).toBe(false);
    const md = report('--variants', '--format', 'md').stdout;
    expect(md).toContain('|   ↳ Top-box share | 50.0 % |  |  | 4 |');
    expect(md).toContain('## Definition variants');
    const html = report('--variants', '--format', 'html').stdout;
    expect(html).toContain('<h2 id="variants">Definition variants</h2>');
    expect(report('--format', 'html').stdout).not.toContain('Definition variants');
  });
});
