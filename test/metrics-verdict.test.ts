/**
 * Better or worse, not up or down: every comparison's verdict reads the change through the
 * metric's direction, and every output colours and marks it from the verdict alone.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { comparison } from '../src/metrics/compute.js';
import type { Report } from '../src/metrics/report.js';
import { renderReportCsv, renderReportMarkdown, renderReportTable } from '../src/cli/render-report.js';
import { renderReportHtml } from '../src/cli/render-html.js';
import type { Warehouse } from '../src/warehouse/warehouse.js';
import { load, metric } from './helpers/metrics.js';
import { memoryWorkspace } from './helpers/workspace.js';

let wh: Warehouse;
const JAN = { from: '2024-01-01', to: '2024-02-01', grain: 'month' as const };

beforeAll(async () => {
  wh = await memoryWorkspace();
  // Complaints: 1 in December, 3 in January — a rise, which is worse.
  await load(wh, {
    tickets: `ticket_id,customer_id,opened_at,is_complaint
t1,c1,2023-12-05T10:00:00Z,true
t2,c1,2023-12-06T10:00:00Z,false
t3,c2,2024-01-05T10:00:00Z,true
t4,c3,2024-01-06T10:00:00Z,true
t5,c4,2024-01-07T10:00:00Z,true`,
  });
});
afterAll(async () => wh.close());

describe('the verdict', () => {
  it('a rise in a lower-is-better metric is worse', async () => {
    const r = await metric(wh, 'complaints', { ...JAN, compare: 'previous' });
    expect(r.compare).toMatchObject({ value: 1, change: 2, verdict: 'worse', significant: null });
  });

  it('follows the direction both ways, and an equal value is unchanged', () => {
    const period: [string, string] = ['2023-12-01', '2024-01-01'];
    expect(comparison({ direction: 'higher' }, period, 40, 30, 0.01)).toMatchObject({ change: 10, verdict: 'better', significant: true });
    expect(comparison({ direction: 'higher' }, period, 30, 40, 0.2)).toMatchObject({ change: -10, verdict: 'worse', significant: false });
    expect(comparison({ direction: 'lower' }, period, 30, 40, null)).toMatchObject({ verdict: 'better', significant: null });
    expect(comparison({ direction: 'lower' }, period, 0.1 + 0.2, 0.3, null)).toMatchObject({ verdict: 'unchanged' });
    expect(comparison({ direction: 'lower' }, period, 5, null, null)).toMatchObject({ change: null, verdict: null });
  });
});

describe('outputs colour and mark the verdict', () => {
  const result = (id: string, name: string, compare: ReturnType<typeof comparison>) => ({
    id,
    name,
    unit: 'count',
    value: 3,
    n: 3,
    ci95: null,
    parts: null,
    benchmark: null,
    series: [],
    compare,
    note: null,
    needs: [],
    small_n: false,
    warnings: [],
  });
  const period: [string, string] = ['2023-12-01', '2024-01-01'];
  const report = {
    from: '2024-01-01',
    to: '2024-02-01',
    grain: 'month',
    timezone: 'UTC',
    currency: 'USD',
    data: null,
    period_reason: null,
    metrics: [
      result('complaints', 'Complaints', comparison({ direction: 'lower' }, period, 3, 1, 0.01)),
      result('open_tickets', 'Open tickets', comparison({ direction: 'lower' }, period, 3, 5, 0.01)),
      result('aht', 'Average handle time', comparison({ direction: 'lower' }, period, 3, 5, 0.4)),
    ],
  } as unknown as Report;

  it('the terminal: red for worse, green for better, grey when not significant; words without colour', () => {
    const coloured = renderReportTable(report, { colour: true });
    expect(coloured).toContain('\x1b[31m+2 worse *\x1b[0m');
    expect(coloured).toContain('\x1b[32m-2 better *\x1b[0m');
    expect(coloured).toContain('\x1b[90m-2 better\x1b[0m');
    const plain = renderReportTable(report);
    expect(plain).not.toContain('\x1b[');
    expect(plain).toContain('+2 worse *');
    // Colour escapes take no width: the columns after "change" line up in both.
    const at = (text: string, name: string) => text.split('\n').find((l) => l.startsWith(name))!.replace(/\x1b\[[0-9;]*m/g, '').indexOf('3', 30);
    expect(at(coloured, 'Complaints')).toBe(at(plain, 'Complaints'));
  });

  it('Markdown marks, CSV columns and HTML classes', () => {
    const md = renderReportMarkdown(report);
    expect(md).toContain('| 🔴 +2 worse * |');
    expect(md).toContain('| 🟢 -2 better * |');
    expect(md).toContain('| ⚪ -2 better |');
    const csv = renderReportCsv(report).split('\n');
    expect(csv[0]).toContain('change,verdict,p,significant');
    expect(csv[1]).toContain(',2,worse,0.01,true,');
    const html = renderReportHtml(report);
    expect(html).toContain('<span class="change bad">+2 worse ✱</span>');
    expect(html).toContain('<span class="change good">-2 better ✱</span>');
    expect(html).toContain('<span class="change muted">-2 better</span>');
  });
});
