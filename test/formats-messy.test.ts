/**
 * The "done when", through the real CLI: a hand-written export with unknown columns,
 * identifiers as decimals, US dates, decimal commas and currency signs names each problem
 * without options, and imports fully with the right ones.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openWorkspace } from '../src/warehouse/open.js';
import { tmp, writeFixture } from './helpers/workspace.js';

const BIN = join(import.meta.dirname, '..', 'bin', 'retain.js');

// As a spreadsheet saves it: ids as 17850.0, month/day/year dates, amounts with a decimal comma,
// a dollar sign or a code, a thousands point, and columns the orders table has no field for.
const EXPORT = `Order ID,Customer ID,Order Date,Total,Full Name,Channel Notes
1001,17850.0,03/14/2025,"$12,50",Ann Lee,web
1002,17850,03/15/2025,"$1.234,50",Ann Lee,store
1003.0,13047.0,12/01/2024,"7,25 USD",Bob Ray,
1004,13047,01/31/2025,"99,00",Bob Ray,phone
`;
const MAP = ['--map', 'Order ID=order_id', '--map', 'Customer ID=customer_id', '--map', 'Order Date=ordered_at', '--map', 'Total=amount'];
const FORMATS = ['--date-format', '%m/%d/%Y', '--decimal-comma', '--thousands', '.', '--strip-currency', '--normalize-ids'];

function importJson(db: string, file: string, extra: string[]) {
  const r = spawnSync(process.execPath, [BIN, 'import', 'orders', file, '--db', db, '--format', 'json', ...MAP, ...extra], { encoding: 'utf8' });
  expect(r.status).toBe(0);
  const summary = JSON.parse(r.stdout) as { warnings: string[] } & Record<string, unknown>;
  // Each warning is also said on the terminal.
  expect(r.stderr).toBe(summary.warnings.map((w) => `warning: ${w}\n`).join(''));
  return summary;
}

async function stored(db: string, sql: string) {
  const wh = await openWorkspace({ db, readOnly: true });
  try {
    return await wh.query(sql);
  } finally {
    await wh.close();
  }
}

const TS = 'is not an ISO 8601 timestamp (e.g. 2024-03-01 or 2024-03-01T14:30:00Z)';
const NUM = 'is not a number (use . for decimals, no currency signs or thousands separators)';
const US = '(if the file writes dates as month/day/year, use --date-format %m/%d/%Y)';

describe('a messy export', () => {
  it('without options, names each problem and the option that reads it', async () => {
    const dir = tmp();
    const db = join(dir, 'ws.duckdb');
    const s = importJson(db, writeFixture(dir, 'export.csv', EXPORT), []);
    expect(s).toMatchObject({ read: 4, accepted: 0, duplicates: 0, quarantined: 4, unmapped: ['Full Name', 'Channel Notes'] });
    expect(s.warnings).toEqual([
      '2 columns "Full Name", "Channel Notes" map to no field of orders and were not imported: name each field with --map "Full Name=<field>"',
      '2 records write identifiers as decimals, as spreadsheets do (e.g. customer_id "17850.0"), stored as written so they will not match the same id written without ".0": use --normalize-ids to store them as whole numbers',
    ]);
    expect(s.timezone).toBeUndefined(); // no timestamp was read
    const reasons = await stored(db, `SELECT "row", reasons FROM _quarantine ORDER BY "row"`);
    expect(reasons.map((r) => JSON.parse(String(r.reasons)) as string[])).toEqual([
      [`ordered_at: "03/14/2025" ${TS} ${US}`, `amount: "$12,50" ${NUM} (use --strip-currency --decimal-comma)`],
      [`ordered_at: "03/15/2025" ${TS} ${US}`, `amount: "$1.234,50" ${NUM} (use --strip-currency --decimal-comma --thousands .)`],
      [
        `ordered_at: "12/01/2024" ${TS} (if the file writes dates as month/day/year, use --date-format %m/%d/%Y; or if the file writes dates as day/month/year, use --date-format %d/%m/%Y)`,
        `amount: "7,25 USD" ${NUM} (use --strip-currency --decimal-comma)`,
      ],
      [`ordered_at: "01/31/2025" ${TS} ${US}`, `amount: "99,00" ${NUM} (use --decimal-comma)`],
    ]);
  }, 120_000);

  it('with the right options, imports every record with the values the file means', async () => {
    const dir = tmp();
    const db = join(dir, 'ws.duckdb');
    const s = importJson(db, writeFixture(dir, 'export.csv', EXPORT), FORMATS);
    expect(s).toMatchObject({ read: 4, accepted: 4, duplicates: 0, quarantined: 0, orphans: 4, unmapped: ['Full Name', 'Channel Notes'], timezone: 'UTC' });
    expect(s.warnings).toContain('2 records wrote identifiers as decimals (e.g. customer_id "17850.0"); stored as whole numbers (--normalize-ids)');
    expect(await stored(db, `SELECT order_id, customer_id, strftime(ordered_at, '%Y-%m-%d %H:%M') AS t, CAST(amount AS DOUBLE) AS amount FROM orders ORDER BY order_id`)).toEqual([
      { order_id: '1001', customer_id: '17850', t: '2025-03-14 00:00', amount: 12.5 },
      { order_id: '1002', customer_id: '17850', t: '2025-03-15 00:00', amount: 1234.5 },
      { order_id: '1003', customer_id: '13047', t: '2024-12-01 00:00', amount: 7.25 },
      { order_id: '1004', customer_id: '13047', t: '2025-01-31 00:00', amount: 99 },
    ]);
  }, 120_000);
});
