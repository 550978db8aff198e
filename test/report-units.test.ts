/**
 * Say what a value is (issue 14, part 8): money with its currency, durations in the unit that
 * fits, survival in months, counts with separators; bands rate and are drawn on the basis they
 * are defined for; notes in the HTML report in plain words.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { trendBands } from '../src/charts/options.js';
import { renderReportHtml } from '../src/cli/render-html.js';
import { formatValue, renderReportTable } from '../src/cli/render-report.js';
import { buildReport } from '../src/metrics/report.js';
import { setSetting } from '../src/warehouse/schema/settings.js';
import type { Warehouse } from '../src/warehouse/warehouse.js';
import { load, metric } from './helpers/metrics.js';
import { memoryWorkspace } from './helpers/workspace.js';

describe('values with their unit', () => {
  it('formats each unit as people read it', () => {
    expect(formatValue('money', 1234.5, 'EUR')).toBe('1,234.50 EUR');
    expect(formatValue('money', 1234.5)).toBe('1,234.50');
    expect(formatValue('seconds', 45)).toBe('45 s');
    expect(formatValue('seconds', 90)).toBe('1.5 min'); // 90 / 60
    expect(formatValue('seconds', 7200)).toBe('2.0 h'); // 7200 / 3600
    expect(formatValue('seconds', 3 * 86_400)).toBe('3.0 days');
    expect(formatValue('days', 4.25)).toBe('4.3 days');
    expect(formatValue('months', 14.2)).toBe('14.2 months');
    expect(formatValue('count', 1234567)).toBe('1,234,567');
    expect(formatValue('percent', null)).toBe('–');
  });
});

describe('bands on their basis', () => {
  let wh: Warehouse;
  beforeAll(async () => {
    wh = await memoryWorkspace();
    await setSetting(wh, 'currency', 'EUR');
    // Both customers active on 2024-01-01 (ordered within 365 days); c2's window ends on
    // 2024-02-29, c1 orders again in 2024-02: over the first quarter, retention 1 / 2 = 50 %.
    await load(wh, {
      customers: 'customer_id,created_at\nc1,2023-01-01\nc2,2023-01-01',
      orders: 'order_id,customer_id,ordered_at,amount,currency,status\no1,c1,2023-06-01,10,EUR,completed\no2,c2,2023-03-01,20,EUR,completed\no3,c1,2024-02-01,30,EUR,completed',
    });
  });
  afterAll(async () => wh.close());

  it('rates retention by its annual equivalent and churn by its monthly one', async () => {
    const quarter = { from: '2024-01-01', to: '2024-04-01' }; // 91 days
    const r = await metric(wh, 'retention_rate', quarter);
    // 50 % kept in 91 days: 0.5^(365.25 / 91) ≈ 6.2 % a year — low, though 50 % looks typical-ish.
    expect(r.value).toBe(50);
    expect(r.parts!.annual_equivalent).toBeCloseTo(100 * Math.pow(0.5, 365.25 / 91), 9);
    expect(r.benchmark).toMatchObject({ band: 'low', basis: 'year' });
    const c = await metric(wh, 'churn_rate', quarter);
    // 50 % lost in 91 / 30.4375 months: 1 − 0.5^(30.4375 / 91) ≈ 20.7 % a month — high.
    expect(c.parts!.monthly_equivalent).toBeCloseTo(100 * (1 - Math.pow(0.5, 30.4375 / 91)), 9);
    expect(c.benchmark).toMatchObject({ band: 'high', basis: 'month' });
  });

  it('rates a value by annual bands only over a year when it has no annual equivalent', async () => {
    const subs = await memoryWorkspace();
    // One customer at 100 a month from 2023-12-01, 120 from 2024-06-01: over 2024, NRR 120 / 100.
    await load(subs, {
      customers: 'customer_id,created_at\nc1,2023-12-01',
      subscription_events: 'event_id,customer_id,subscription_id,occurred_at,mrr\ne1,c1,s1,2023-12-01,100\ne2,c1,s1,2024-06-01,120',
    });
    const year = await metric(subs, 'nrr', { from: '2024-01-01', to: '2025-01-01' });
    expect(year.value).toBeCloseTo(120, 9);
    expect(year.benchmark).toMatchObject({ band: 'above the medians', basis: 'year' }); // ≥ 110
    // The first quarter (100 / 100 = 100 %) is not rated by annual medians.
    const quarter = await metric(subs, 'nrr', { from: '2024-01-01', to: '2024-04-01' });
    expect(quarter.value).toBeCloseTo(100, 9);
    expect(quarter.benchmark).toMatchObject({ band: null, basis: 'year' });
    await subs.close();
  });

  it('shades bands only behind a series of their basis, and the caption says which', async () => {
    const year = { from: '2024-01-01', to: '2025-01-01' };
    const monthlyChurn = await metric(wh, 'churn_rate', { ...year, grain: 'month' });
    expect(trendBands(monthlyChurn, 'month').bands).toEqual(monthlyChurn.benchmark!.bands);
    expect(trendBands(monthlyChurn, 'month').caption).toBe('Monthly values; the headline is over the whole period. Shaded: benchmark bands.');
    expect(trendBands(monthlyChurn, 'quarter')).toEqual({ bands: undefined, caption: 'Quarterly values; the headline is over the whole period. Bands not drawn: they rate monthly values.' });
    // Annual retention bands are never drawn behind monthly retention (≈ 97 % a month is not "high").
    const retention = await metric(wh, 'retention_rate', { ...year, grain: 'month' });
    expect(trendBands(retention, 'month').bands).toBeUndefined();
    // AOV bands rate any period.
    const aov = await metric(wh, 'aov', year);
    expect(trendBands(aov, 'month').bands).toEqual(aov.benchmark!.bands);
  });

  it('shows money in the workspace currency, and notes in the HTML without commands or field names', async () => {
    const r = await buildReport(wh, { from: '2024-01-01', to: '2025-01-01', metrics: ['aov', 'csat', 'churn_rate'] });
    expect(r.currency).toBe('EUR');
    expect(r.metrics.find((m) => m.id === 'aov')!.value).toBe(30); // one order in 2024, of 30
    expect(renderReportTable(r)).toContain('30.00 EUR');
    const html = renderReportHtml(r);
    expect(html).toContain('30.00 EUR');
    expect(html).toContain('Unavailable: no survey responses have been imported.');
    // The terminal names the command; the HTML does not, nor JSON field names.
    expect(renderReportTable(r)).toContain('retain import survey_responses <file>');
    const notes = [...html.matchAll(/<p class="(?:note|warn)">([^<]*)<\/p>/g)].map((m) => m[1]!);
    expect(notes.length).toBeGreaterThan(0);
    for (const n of notes) expect(n, n).not.toMatch(/retain |--[a-z]|parts\.|\b[a-z]+_[a-z_]+\b/);
  });
});
