/** Survey metrics on small fixtures, expected values worked out by hand here. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Warehouse } from '../src/warehouse/warehouse.js';
import { load, metric } from './helpers/metrics.js';
import { memoryWorkspace } from './helpers/workspace.js';

let wh: Warehouse;
beforeEach(async () => (wh = await memoryWorkspace()));
afterEach(async () => wh.close());

const H = 'response_id,customer_id,survey,score,scale_max,responded_at';
const JAN = { from: '2024-01-01', to: '2024-02-01' };

describe('nps', () => {
  it('counts each customer once with their latest answer; anonymous answers each count', async () => {
    await load(wh, {
      survey_responses: `${H}
r1,c1,nps,3,,2024-01-05
r2,c1,nps,9,,2024-01-20
r3,c2,nps,10,,2024-01-07
r4,c3,nps,7,,2024-01-08
r5,c4,nps,5,,2024-01-09
r6,,nps,6,,2024-01-10
r7,c7,nps,10,,2024-01-11
r8,c6,nps,8,,2024-02-02`,
    });
    const r = await metric(wh, 'nps', JAN);
    // Respondents: c1 (9, latest), c2 10, c3 7, c4 5, anonymous 6, c7 10 → 3 promoters, 1 passive, 2 detractors of 6.
    const [pP, pD, n] = [3 / 6, 2 / 6, 6];
    const nps = 100 * (pP - pD);
    const half = 1.959963984540054 * 100 * Math.sqrt((pP + pD - (pP - pD) ** 2) / n);
    expect(r.value).toBe(16.7);
    expect(r.n).toBe(6);
    expect(r.ci95![0]).toBeCloseTo(nps - half, 9);
    expect(r.ci95![1]).toBeCloseTo(nps + half, 9);
    expect(r.parts).toEqual({ promoters: 50, passives: (100 * 1) / 6, detractors: (100 * 2) / 6 });
    expect(r.benchmark).toMatchObject({ band: 'positive' });
  });

  it('is 0 with only passives, and null with a note when nobody answered', async () => {
    await load(wh, { survey_responses: `${H}\nr1,c1,nps,7,,2024-01-05\nr2,c2,nps,8,,2024-01-06` });
    expect((await metric(wh, 'nps', JAN)).value).toBe(0);
    const none = await metric(wh, 'nps', { from: '2023-01-01', to: '2023-02-01' });
    expect(none).toMatchObject({ value: null, n: 0, note: 'No NPS answers in the period.' });
  });

  it('buckets by local month at midnight in the workspace time zone', async () => {
    // New York is UTC−5 in winter: 03:00Z on 1 February is 22:00 on 31 January there; 05:00Z is midnight.
    await load(wh, { survey_responses: `${H}\nr1,c1,nps,10,,2024-02-01T03:00:00Z\nr2,c2,nps,0,,2024-02-01T05:00:00Z` });
    const r = await metric(wh, 'nps', { from: '2024-01-01', to: '2024-03-01', timezone: 'America/New_York' });
    expect(r.series).toEqual([
      { start: '2024-01-01', value: 100, n: 1 },
      { start: '2024-02-01', value: -100, n: 1 },
    ]);
    // In UTC both fall in February.
    const utc = await metric(wh, 'nps', { from: '2024-01-01', to: '2024-03-01' });
    expect(utc.series).toEqual([
      { start: '2024-01-01', value: null, n: 0 },
      { start: '2024-02-01', value: 0, n: 2 },
    ]);
  });

  it('uses ISO weeks (Monday start), across a year boundary', async () => {
    await load(wh, {
      survey_responses: `${H}\nr1,c1,nps,10,,2024-12-29T23:59:59Z\nr2,c2,nps,10,,2024-12-30T00:00:00Z\nr3,c3,nps,0,,2025-01-01T12:00:00Z`,
    });
    const r = await metric(wh, 'nps', { from: '2024-12-23', to: '2025-01-06', grain: 'week' });
    expect(r.series).toEqual([
      { start: '2024-12-23', value: 100, n: 1 },
      { start: '2024-12-30', value: 0, n: 2 },
    ]);
  });

  it('compares with the previous period using the NPS variance', async () => {
    await load(wh, {
      survey_responses: `${H}\n${Array.from({ length: 40 }, (_, i) => `d${i},c${i},nps,${i < 30 ? 10 : 0},,2023-12-10`).join('\n')}\n${Array.from({ length: 40 }, (_, i) => `j${i},c${i},nps,${i < 10 ? 10 : 0},,2024-01-10`).join('\n')}`,
    });
    const r = await metric(wh, 'nps', { ...JAN, compare: 'previous' });
    // January: 10 promoters, 30 detractors of 40 → −50; December: 30 and 10 → +50.
    expect(r.value).toBe(-50);
    const v = (p: number, d: number, n: number) => (p + d - (p - d) ** 2) / n;
    const z = (-0.5 - 0.5) / Math.sqrt(v(0.25, 0.75, 40) + v(0.75, 0.25, 40));
    expect(r.compare).toMatchObject({ from: '2023-12-01', to: '2024-01-01', value: 50, change: -100, significant: true, verdict: 'worse' });
    expect(Math.abs(z)).toBeGreaterThan(1.96);
  });
});

describe('nps by segment and filtered', () => {
  it('breaks down by a customers attribute and filters on a customer field', async () => {
    await load(wh, {
      customers: `customer_id,created_at,country,attributes\nc1,2023-01-01,DE,"{""segment"":""smb""}"\nc2,2023-01-01,US,"{""segment"":""smb""}"\nc3,2023-01-01,US,"{""segment"":""enterprise""}"`,
      survey_responses: `${H}\nr1,c1,nps,10,,2024-01-05\nr2,c2,nps,0,,2024-01-05\nr3,c3,nps,9,,2024-01-05`,
    });
    const by = await metric(wh, 'nps', { ...JAN, slice: { where: [], by: 'segment' } });
    expect(by.segments!.map((x) => [x.segment, x.value, x.n])).toEqual([
      ['enterprise', 100, 1],
      ['smb', 0, 2],
    ]);
    expect(await metric(wh, 'nps', { ...JAN, slice: { where: [{ field: 'country', value: 'US' }] } })).toMatchObject({ value: 0, n: 2 });
  });
});

describe('csat, csat_mean, effort_score, loyalty_index', () => {
  beforeEach(async () => {
    await load(wh, {
      survey_responses: `${H}
a1,c1,csat,5,5,2024-01-02
a2,c2,csat,4,,2024-01-02
a3,c3,csat,3,5,2024-01-02
a4,c4,csat,9,10,2024-01-02
a5,c5,csat,8,10,2024-01-02
e1,c1,ces,7,,2024-01-03
e2,c2,ces,5,,2024-01-03
e3,c3,ces,2,,2024-01-03
l1,c1,cli_recommend,1,,2024-01-04
l2,c2,cli_recommend,2,,2024-01-04
l3,c1,cli_repurchase,2,,2024-01-04
l4,c1,cli_other_products,3,,2024-01-04
l5,c2,cli_other_products,4,,2024-01-04`,
    });
  });

  it('csat is the top-two-box share with a Wilson interval', async () => {
    const r = await metric(wh, 'csat', JAN);
    // Top two: 5 and 4 of 5, 9 of 10 → 3 of 5.
    const [p, n, z] = [0.6, 5, 1.959963984540054];
    const centre = (p + (z * z) / (2 * n)) / (1 + (z * z) / n);
    const half = (z * Math.sqrt((p * (1 - p)) / n + (z * z) / (4 * n * n))) / (1 + (z * z) / n);
    expect(r.value).toBeCloseTo(60, 9);
    expect(r.ci95![0]).toBeCloseTo(100 * (centre - half), 9);
    expect(r.ci95![1]).toBeCloseTo(100 * (centre + half), 9);
    expect(r.benchmark).toMatchObject({ band: 'needs improvement' });
  });

  it('csat_mean puts 10-point answers on the 5-point scale', async () => {
    const r = await metric(wh, 'csat_mean', JAN);
    expect(r.value).toBeCloseTo((5 + 4 + 3 + (1 + (8 * 4) / 9) + (1 + (7 * 4) / 9)) / 5, 9);
  });

  it('effort_score is the mean answer with the share answering 5–7', async () => {
    const r = await metric(wh, 'effort_score', JAN);
    expect(r.value).toBeCloseTo(14 / 3, 9);
    expect(r.parts!.easy_share).toBeCloseTo(200 / 3, 9);
  });

  it('loyalty_index is the mean of the three question means, and normalised', async () => {
    const r = await metric(wh, 'loyalty_index', JAN);
    const cli = (1.5 + 2 + 3.5) / 3;
    expect(r.value).toBeCloseTo(cli, 9);
    expect(r.parts!.normalised).toBeCloseTo((100 * (6 - cli)) / 5, 9);
  });
});

describe('availability', () => {
  it('a metric over an empty table is unavailable, with the reason, never 0', async () => {
    const r = await metric(wh, 'csat', JAN);
    expect(r.value).toBeNull();
    expect(r).toMatchObject({ note: 'Unavailable: no survey responses have been imported.', needs: ['survey_responses'] });
  });
});
