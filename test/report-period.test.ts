/**
 * A period the data covers, and values that are right but misleading (issue 14, parts 7 and 9):
 * the default period follows the data when it ends before the last 12 full months; warnings for
 * few observations, an activity window or a comparison reaching before the data began, a margin
 * left at its default, and cross-sell without categories.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderReportCsv, renderReportMarkdown, renderReportTable } from '../src/cli/render-report.js';
import { renderReportHtml } from '../src/cli/render-html.js';
import { defaultPeriod } from '../src/metrics/data-range.js';
import { buildReport } from '../src/metrics/report.js';
import { setSetting } from '../src/warehouse/schema/settings.js';
import type { Warehouse } from '../src/warehouse/warehouse.js';
import { load, metric } from './helpers/metrics.js';
import { memoryWorkspace } from './helpers/workspace.js';

const NOW = new Date('2026-12-03T06:00:00Z'); // the last 12 full months: 2025-12-01 to 2026-12-01

describe('the default period', () => {
  it('is the last 12 full months when the data reaches the last of them', () => {
    expect(defaultPeriod({ first: '2020-01-01', last: '2026-11-15' }, 'UTC', 12, NOW)).toEqual({ from: '2025-12-01', to: '2026-12-01', reason: null });
    expect(defaultPeriod(null, 'UTC', 12, NOW)).toEqual({ from: '2025-12-01', to: '2026-12-01', reason: null });
  });

  it('is the data’s last 12 full months when the data ends before them', () => {
    // UCI Online Retail ends on 2011-12-09: December 2011 is not full, November is the last full month.
    const uci = defaultPeriod({ first: '2010-12-01', last: '2011-12-09' }, 'UTC', 12, NOW);
    expect(uci).toMatchObject({ from: '2010-12-01', to: '2011-12-01' });
    expect(uci.reason).toBe(
      "The data runs from 2010-12-01 to 2011-12-09, which ends before the last 12 full months (2025-12-01 to 2026-12-01), so the report covers the data's last 12 full months instead.",
    );
    // CDNOW ends on 1998-06-30, the last day of its month: June is full.
    expect(defaultPeriod({ first: '1997-01-01', last: '1998-06-30' }, 'UTC', 12, NOW)).toMatchObject({ from: '1997-07-01', to: '1998-07-01' });
  });

  it('keeps the months when the data overlaps them, and follows data that all comes later', () => {
    // Data up to 2026-03-20 overlaps the months: a quiet end is news, not a gap in the data.
    expect(defaultPeriod({ first: '2024-01-01', last: '2026-03-20' }, 'UTC', 12, NOW)).toEqual({ from: '2025-12-01', to: '2026-12-01', reason: null });
    const later = defaultPeriod({ first: '2027-01-05', last: '2027-03-10' }, 'UTC', 12, NOW);
    expect(later).toMatchObject({ from: '2026-03-01', to: '2027-03-01' });
    expect(later.reason).toContain('starts after');
  });

  it('takes the month of less than a month of data, though not full, and the months asked for', () => {
    // 2011-12-01 … 12-09: no full month; the period ends after December.
    expect(defaultPeriod({ first: '2011-12-01', last: '2011-12-09' }, 'UTC', 12, NOW)).toMatchObject({ from: '2011-01-01', to: '2012-01-01' });
    expect(defaultPeriod({ first: '2010-12-01', last: '2011-12-09' }, 'UTC', 24, NOW)).toMatchObject({ from: '2009-12-01', to: '2011-12-01' });
  });
});

describe('a report on data that ended years ago', () => {
  let wh: Warehouse;
  beforeAll(async () => {
    wh = await memoryWorkspace();
    // Orders from 2011-01-10 to 2011-11-30 20:00 UTC — in Bangkok (UTC+7) the last one is on 2011-12-01.
    await load(wh, {
      customers: 'customer_id,created_at\nc1,2011-01-01\nc2,2011-01-01',
      orders: 'order_id,customer_id,ordered_at,amount,currency,status\no1,c1,2011-01-10,10,USD,completed\no2,c2,2011-06-01,20,USD,completed\no3,c1,2011-11-30T20:00:00Z,30,USD,completed',
    });
  });
  afterAll(async () => wh.close());

  it('says the data’s range and reports its last 12 full months', async () => {
    const r = await buildReport(wh, { metrics: ['aov'] });
    // Last day 2011-11-30 (UTC), the last of its month: the period ends on 2011-12-01.
    expect(r).toMatchObject({ from: '2010-12-01', to: '2011-12-01', data: { first: '2011-01-10', last: '2011-11-30' } });
    expect(r.period_reason).toContain('The data runs from 2011-01-10 to 2011-11-30');
    // AOV over the period: (10 + 20 + 30) / 3 = 20.
    expect(r.metrics[0]!.value).toBe(20);
    expect(renderReportTable(r)).toContain(r.period_reason!);
    expect(renderReportMarkdown(r)).toContain('The data runs from 2011-01-10 to 2011-11-30.');
    expect(renderReportHtml(r)).toContain('so the report covers the data&#39;s last 12 full months instead.');
  });

  it('reads the data’s days in the report’s time zone', async () => {
    const r = await buildReport(wh, { metrics: ['aov'], timezone: 'Asia/Bangkok' });
    // 2011-11-30 20:00 UTC is 2011-12-01 03:00 in Bangkok: December is not full, November is the last.
    expect(r).toMatchObject({ from: '2010-12-01', to: '2011-12-01', data: { first: '2011-01-10', last: '2011-12-01' } });
  });

  it('keeps a period given on the command line, without a reason', async () => {
    const r = await buildReport(wh, { from: '2011-01-01', to: '2011-07-01', metrics: ['aov'] });
    expect(r).toMatchObject({ from: '2011-01-01', to: '2011-07-01', period_reason: null });
  });
});

describe('warnings where a value is right but misleading', () => {
  let wh: Warehouse;
  beforeAll(async () => {
    wh = await memoryWorkspace();
    // 40 customers ordering from 2024-01-10; c0…c9 order again in 2024-09 (retained).
    const customers = Array.from({ length: 40 }, (_, i) => `c${i},2024-01-01`).join('\n');
    const first = Array.from({ length: 40 }, (_, i) => `a${i},c${i},2024-01-10,10,USD,completed`).join('\n');
    const again = Array.from({ length: 10 }, (_, i) => `b${i},c${i},2024-09-10,10,USD,completed`).join('\n');
    // Ten NPS answers: 8 promoters, 2 detractors (NPS 60), fewer than 30.
    const answers = Array.from({ length: 10 }, (_, i) => `r${i},c${i},nps,${i < 8 ? 10 : 3},,2024-08-05`).join('\n');
    await load(wh, {
      customers: `customer_id,created_at\n${customers}`,
      orders: `order_id,customer_id,ordered_at,amount,currency,status\n${first}\n${again}`,
      order_items: `order_id,line_id,product_id,quantity,unit_price\n${Array.from({ length: 40 }, (_, i) => `a${i},1,p1,1,10`).join('\n')}`,
      survey_responses: `response_id,customer_id,survey,score,scale_max,responded_at\n${answers}`,
    });
  });
  afterAll(async () => wh.close());

  const period = { from: '2024-06-01', to: '2025-06-01' };

  it('marks a rate behind fewer than 30 observations', async () => {
    const nps = await metric(wh, 'nps', period);
    expect(nps).toMatchObject({ value: 60, n: 10, small_n: true });
    expect(nps.warnings).toContainEqual({ code: 'small_n', message: 'Only 10 observations behind this rate (fewer than 30): it can move a lot by chance.' });
    // Retention: the 40 customers active on 2024-06-01 (ordered within 365 days), 10 active on
    // 2025-06-01 (ordered since 2024-06-01): 25 %, behind 40 customers — not small.
    const retention = await metric(wh, 'retention_rate', period);
    expect(retention).toMatchObject({ value: 25, n: 40, small_n: false });
    // AOV is money, not a rate: never small_n.
    expect((await metric(wh, 'aov', { from: '2024-09-01', to: '2024-10-01' })).small_n).toBe(false);
  });

  it('warns when the activity window reaches back before the data’s first day', async () => {
    // 365 days before 2024-06-01 is 2023-06-02, before the first order (2024-01-10).
    const r = await metric(wh, 'retention_rate', period);
    expect(r.warnings).toEqual([{ code: 'window_before_data', message: expect.stringContaining('A customer counts as active for 365 days after an order, which reaches back to 2023-06-02, before the data') }]);
    // A 90-day window reaches back to 2024-03-03, after the first day: no warning.
    expect((await metric(wh, 'retention_rate', { ...period, activityWindowDays: 90 })).warnings).toEqual([]);
    // Subscription metrics and order metrics do not read the window.
    expect((await metric(wh, 'aov', period)).warnings).toEqual([]);
  });

  it('warns when the comparison period starts before the data', async () => {
    // The previous period is as long in days: 2024-06-01 … 2025-06-01 is 365 days, and 365 days
    // before 2024-06-01 (February 2024 has 29) is 2023-06-02 — before the first order, 2024-01-10.
    const r = await metric(wh, 'aov', { ...period, compare: 'previous' });
    expect(r.warnings).toEqual([{ code: 'partial_comparison', message: "The period compared against (2023-06-02 to 2024-06-01) starts before the data's first day (2024-01-10): the change is against a period the data only partly covers." }]);
    // From 2024-09-01 to 2024-10-01 the previous month (August) is covered.
    expect((await metric(wh, 'aov', { from: '2024-09-01', to: '2024-10-01', compare: 'previous' })).warnings).toEqual([]);
  });

  it('warns that CLV is revenue while the gross margin is the default, until one is set', async () => {
    const before = await metric(wh, 'clv_historic', { ...period, activityWindowDays: 90 });
    expect(before.warnings).toContainEqual({ code: 'default_margin', message: 'Computed with a gross margin of 100 %, the default, because the workspace has none set: this is revenue, not profit.' });
    await setSetting(wh, 'gross_margin', '0.4');
    const after = await metric(wh, 'clv_historic', { ...period, activityWindowDays: 90 });
    expect(after.warnings.some((w) => w.code === 'default_margin')).toBe(false);
    expect(after.value).toBeCloseTo(before.value! * 0.4, 9);
  });

  it('gives no cross-sell when no order line has a category, instead of 0 %', async () => {
    const r = await metric(wh, 'cross_sell_rate', period);
    expect(r).toMatchObject({ value: null, note: expect.stringContaining('no order line in the period has a product category') });
    expect((await metric(wh, 'upsell_ratio', period)).value).toBeNull();
  });

  it('says a warning three or more metrics share once, with their names', async () => {
    const r = await buildReport(wh, { ...period, compare: 'previous', metrics: ['aov', 'purchase_frequency', 'repeat_purchase_rate', 'nps'] });
    // The previous period starts before the data for all four; NPS (10 answers), purchase frequency
    // and repeat purchase (10 ordering customers in the period) are behind fewer than 30.
    expect(r.metrics.every((m) => m.warnings.some((w) => w.code === 'partial_comparison'))).toBe(true);
    const table = renderReportTable(r);
    const grouped = "The period compared against starts before the data's first day, so the change is against a period the data only partly covers: Net Promoter Score, Average order value, Purchase frequency, Repeat purchase rate.";
    expect(table).toContain(`  ${grouped}`);
    expect(table).toContain('  Fewer than 30 answers or customers behind the rate, so it can move a lot by chance: Net Promoter Score, Purchase frequency, Repeat purchase rate.');
    expect(table.match(/The period compared against/g)).toHaveLength(1);
    const html = renderReportHtml(r);
    expect(html).toContain('<section class="care"><h2>Read with care</h2>');
    expect(html).toContain(`<p class="warn">${grouped.replace("'", '&#39;')}</p>`);
    expect(html.match(/The period compared against/g)).toHaveLength(1);
  });

  it('shows the mark and the warnings in every output', async () => {
    const r = await buildReport(wh, { ...period, metrics: ['nps', 'retention_rate'] });
    const table = renderReportTable(r);
    expect(table).toMatch(/60 †/);
    expect(table).toContain('READ WITH CARE');
    expect(table).toContain('† fewer than 30 answers or customers behind the rate');
    expect(renderReportMarkdown(r)).toContain('## Read with care');
    const csv = renderReportCsv(r).split('\n');
    expect(csv[0]).toContain('small_n');
    expect(csv[1]).toMatch(/^nps,.*,true,/);
    const html = renderReportHtml(r);
    expect(html).toContain('<sup class="small"');
    expect((html.match(/<p class="warn">/g) ?? []).length).toBe(r.metrics.flatMap((m) => m.warnings).length);
  });
});

describe('the report table in a terminal', () => {
  it('wraps prose and fits its tables to the width', async () => {
    const wh = await memoryWorkspace();
    const answers = Array.from({ length: 10 }, (_, i) => `r${i},c${i},nps,${i < 8 ? 10 : 3},,2024-08-05`).join('\n');
    await load(wh, { survey_responses: `response_id,customer_id,survey,score,scale_max,responded_at\n${answers}` });
    const r = await buildReport(wh, { from: '2024-08-01', to: '2024-09-01', metrics: ['nps', 'csat'] });
    const narrow = renderReportTable(r, { width: 60 }).split('\n');
    for (const l of narrow) expect(l.length, l).toBeLessThanOrEqual(60);
    // The warning, one long line unwrapped, continues indented under its text.
    const at = narrow.findIndex((l) => l.startsWith('  Net Promoter Score') && l.includes('Only 10'));
    expect(at).toBeGreaterThan(0);
    expect(narrow[at + 1]).toMatch(/^ {4}\S/);
    expect(renderReportTable(r).split('\n').some((l) => l.length > 60)).toBe(true);
    await wh.close();
  });
});
