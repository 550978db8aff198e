/**
 * The formats real exports use: --date-format, --decimal-comma, --thousands, --strip-currency,
 * the zone of offset-less timestamps. Nothing is read without its option, and a rejected value's
 * reason names the option that would read it (only when it would).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { importFile, type ImportOptions } from '../src/warehouse/import/import.js';
import { setSetting } from '../src/warehouse/schema/settings.js';
import { validateRow } from '../src/warehouse/schema/zod.js';
import type { Warehouse } from '../src/warehouse/warehouse.js';
import { memoryWorkspace, reasonsByRow, tmp, writeFixture } from './helpers/workspace.js';

let wh: Warehouse;
let dir: string;
beforeEach(async () => {
  wh = await memoryWorkspace();
  dir = tmp();
});
afterEach(async () => wh.close());

/** Orders with the given ordered_at and amount texts, one per row (order ids 1, 2, …). */
function ordersFile(rows: readonly [ordered: string, amount: string][]): string {
  const cell = (s: string) => (/[",]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s);
  const body = rows.map(([t, a], i) => `${i + 1},c1,${cell(t)},${cell(a)}`).join('\n');
  return writeFixture(dir, 'orders.csv', `order_id,customer_id,ordered_at,amount\n${body}\n`);
}

async function imported(rows: readonly [string, string][], opts: Partial<ImportOptions> = {}) {
  const summary = await importFile(wh, { table: 'orders', file: ordersFile(rows), ...opts });
  const stored = await wh.query(`SELECT order_id, strftime(ordered_at, '%Y-%m-%d %H:%M') AS t, CAST(amount AS DOUBLE) AS amount FROM orders ORDER BY order_id`);
  return { summary, stored, reasons: await reasonsByRow(wh, 'orders') };
}

const TS = 'is not an ISO 8601 timestamp (e.g. 2024-03-01 or 2024-03-01T14:30:00Z)';
const NUM = 'is not a number (use . for decimals, no currency signs or thousands separators)';

describe('dates', () => {
  it('reads no US date without --date-format, and names the format that would read it', async () => {
    const { summary, reasons } = await imported([
      ['03/14/2025', '1'],
      ['03/04/2025', '1'],
      ['2025-13-45', '1'],
      ['14.03.2025 10:30', '1'],
    ]);
    expect(summary).toMatchObject({ read: 4, accepted: 0, quarantined: 4 });
    expect(reasons[1]).toEqual([`ordered_at: "03/14/2025" ${TS} (if the file writes dates as month/day/year, use --date-format %m/%d/%Y)`]);
    // Both orders read 03/04/2025: the hint names both, and guesses neither.
    expect(reasons[2]).toEqual([
      `ordered_at: "03/04/2025" ${TS} (if the file writes dates as month/day/year, use --date-format %m/%d/%Y; or if the file writes dates as day/month/year, use --date-format %d/%m/%Y)`,
    ]);
    expect(reasons[3]).toEqual([`ordered_at: "2025-13-45" ${TS}`]);
    expect(reasons[4]).toEqual([`ordered_at: "14.03.2025 10:30" ${TS} (if the file writes dates as day.month.year, use --date-format "%d.%m.%Y %H:%M")`]);
  });

  it('reads the format given, ISO 8601 still, and a format with a time also for a date alone', async () => {
    const { summary, stored } = await imported(
      [
        ['03/14/2025', '1'],
        ['12/01/2024 23:59', '1'],
        ['2025-01-02T03:04:05Z', '1'],
        ['13/01/2025', '1'],
      ],
      { dateFormat: '%m/%d/%Y %H:%M' },
    );
    expect(summary).toMatchObject({ read: 4, accepted: 3, quarantined: 1 });
    expect(stored.map((r) => r.t)).toEqual(['2025-03-14 00:00', '2024-12-01 23:59', '2025-01-02 03:04']);
  });

  it('reads offset-less timestamps in --timezone, those with an offset as written, and says the zone', async () => {
    const { summary, stored } = await imported(
      [
        ['14.03.2025 10:30', '1'], // Berlin is UTC+1 in March before the change
        ['15.07.2025', '1'], // midnight in Berlin summer time, UTC+2
        ['2025-03-14T10:30:00+05:00', '1'],
        ['2025-03-14 10:30:00', '1'],
      ],
      { dateFormat: '%d.%m.%Y %H:%M', timezone: 'Europe/Berlin' },
    );
    expect(summary).toMatchObject({ accepted: 4, timezone: 'Europe/Berlin' });
    expect(stored.map((r) => r.t)).toEqual(['2025-03-14 09:30', '2025-07-14 22:00', '2025-03-14 05:30', '2025-03-14 09:30']);
  });

  it('reads offset-less timestamps in the workspace time zone, and says so only when there were any', async () => {
    await setSetting(wh, 'timezone', 'America/New_York');
    const first = await imported([['2025-01-10 08:00:00', '1']]);
    expect(first.summary.timezone).toBe('America/New_York');
    expect(first.stored[0]?.t).toBe('2025-01-10 13:00'); // EST, UTC−5
    await wh.exec('DELETE FROM orders');
    const withOffsets = await imported([
      ['2025-01-10T08:00:00Z', '1'],
      ['2025-01-10T08:00:00-02:00', '1'],
    ]);
    expect(withOffsets.summary.timezone).toBeUndefined();
    expect(withOffsets.stored.map((r) => r.t)).toEqual(['2025-01-10 08:00', '2025-01-10 10:00']);
  });

  it('accepts a date alone with spaces around it, as the README promises', async () => {
    const { summary, stored } = await imported([[' 2025-03-14 ', '1']]);
    expect(summary.accepted).toBe(1);
    expect(stored[0]?.t).toBe('2025-03-14 00:00');
  });
});

describe('numbers', () => {
  it('reads no decimal comma, thousands or currency without the option, and names the option that would', async () => {
    const { summary, reasons } = await imported([
      ['2025-01-01', '12,50'],
      ['2025-01-01', '1,234.50'],
      ['2025-01-01', '$12.50'],
      ['2025-01-01', '€ 1.234,50'],
      ['2025-01-01', '12.50 USD'],
      ['2025-01-01', 'twelve'],
    ]);
    expect(summary).toMatchObject({ read: 6, accepted: 0, quarantined: 6 });
    expect(reasons).toEqual({
      1: [`amount: "12,50" ${NUM} (use --decimal-comma)`],
      2: [`amount: "1,234.50" ${NUM} (use --thousands ,)`],
      3: [`amount: "$12.50" ${NUM} (use --strip-currency)`],
      4: [`amount: "€ 1.234,50" ${NUM} (use --strip-currency --decimal-comma --thousands .)`],
      5: [`amount: "12.50 USD" ${NUM} (use --strip-currency)`],
      6: [`amount: "twelve" ${NUM}`],
    });
  });

  it('--decimal-comma --thousands . --strip-currency read European amounts, and a point alone is then no decimal mark', async () => {
    const { summary, stored, reasons } = await imported(
      [
        ['2025-01-01', '12,50'],
        ['2025-01-01', '€ 1.234,50'],
        ['2025-01-01', '1.234.567'],
        ['2025-01-01', '7 EUR'],
        ['2025-01-01', '12.50'],
        ['2025-01-01', '1.23,4'],
      ],
      { decimalComma: true, thousands: '.', stripCurrency: true },
    );
    expect(summary).toMatchObject({ read: 6, accepted: 4, quarantined: 2 });
    expect(stored.map((r) => r.amount)).toEqual([12.5, 1234.5, 1234567, 7]);
    expect(Object.keys(reasons)).toEqual(['5', '6']);
  });

  it('--thousands , reads 1,234.50 and checks the groups of three', async () => {
    const { stored, reasons } = await imported(
      [
        ['2025-01-01', '1,234.50'],
        ['2025-01-01', '1234.5'],
        ['2025-01-01', '12,34.5'],
      ],
      { thousands: ',' },
    );
    expect(stored.map((r) => r.amount)).toEqual([1234.5, 1234.5]);
    expect(reasons[3]).toEqual([`amount: "12,34.5" ${NUM}`]);
  });

  it('--thousands " " with --decimal-comma reads spaces and no-break spaces', async () => {
    const { stored } = await imported([['2025-01-01', '1\u00a0234,5']], { decimalComma: true, thousands: ' ' });
    expect(stored.map((r) => r.amount)).toEqual([1234.5]);
  });

  it('refuses options that contradict each other, saying what to use', async () => {
    const file = ordersFile([['2025-01-01', '1']]);
    await expect(importFile(wh, { table: 'orders', file, decimalComma: true, thousands: ',' })).rejects.toMatchObject({ code: 'bad-option' });
    await expect(importFile(wh, { table: 'orders', file, thousands: '.' })).rejects.toThrow(/--decimal-comma/);
    await expect(importFile(wh, { table: 'orders', file, dateFormat: '%Q/%d' })).rejects.toThrow(/unknown directive %Q/);
    await expect(importFile(wh, { table: 'orders', file, timezone: 'Mars/Olympus' })).rejects.toThrow(/not a time zone/);
  });
});

describe('the zod validator reads the same options', () => {
  const row = (ordered_at: string, amount: string) => ({ order_id: '1', customer_id: 'c1', ordered_at, amount });
  it('accepts and rejects what the bulk path does', async () => {
    const opts = { dateFormat: '%m/%d/%Y %H:%M', decimalComma: true, thousands: '.', stripCurrency: true, timezone: 'America/New_York' };
    const good = validateRow('orders', row('03/14/2025 10:30', '$1.234,50'), opts);
    expect(good.ok && good.row).toMatchObject({ amount: 1234.5, ordered_at: new Date('2025-03-14T14:30:00Z') });
    const dateOnly = validateRow('orders', row('03/14/2025', '1'), opts);
    expect(dateOnly.ok && dateOnly.row.ordered_at).toEqual(new Date('2025-03-14T04:00:00Z'));
    expect(validateRow('orders', row('14/03/2025', '1'), opts).ok).toBe(false);
    expect(validateRow('orders', row('2025-03-14', '12.50'), opts).ok).toBe(false);
    expect(validateRow('orders', row('03/14/2025', '1'), {}).ok).toBe(false);
    // The same rows through the bulk path.
    const { summary, stored } = await imported(
      [
        ['03/14/2025 10:30', '$1.234,50'],
        ['03/14/2025', '1'],
        ['14/03/2025', '1'],
        ['2025-03-14', '12.50'],
      ],
      opts,
    );
    expect(summary).toMatchObject({ accepted: 2, quarantined: 2 });
    expect(stored.map((r) => [r.t, r.amount])).toEqual([
      ['2025-03-14 14:30', 1234.5],
      ['2025-03-14 04:00', 1],
    ]);
  });
});
