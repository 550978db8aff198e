/**
 * --dry-run: the same import path, counted and rolled back. Its numbers are exactly what the real
 * import then reports, it shows how the file was read and the first ten reasons, and it writes
 * nothing — not to an existing workspace, and no new workspace file on a fresh path.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { importFile, type ImportOptions } from '../src/warehouse/import/import.js';
import { openWorkspace } from '../src/warehouse/open.js';
import type { Warehouse } from '../src/warehouse/warehouse.js';
import { tmp, writeFixture } from './helpers/workspace.js';

const BIN = join(import.meta.dirname, '..', 'bin', 'retain.js');

let dir: string;
let wh: Warehouse;
beforeEach(async () => {
  dir = tmp();
  wh = await openWorkspace({ db: join(dir, 'ws.duckdb') });
});
afterEach(async () => wh.close());

/**
 * A messy export: 14 records, of which o1 is already stored (a duplicate), o2 repeats in the file
 * (its second one a duplicate), 11 are rejected (records 4–14, each for a reason worked out below)
 * and o2, o3 are new (o3 an orphan: customer c9 is unknown).
 */
const MESSY = [
  'Order Number,customer_id,ordered_at,Total,Note',
  'o1,c1,2025-01-01,10,again',
  'o2,c1,2025-01-02,20,',
  'o3,c9,2025-01-03,30,',
  ...Array.from({ length: 10 }, (_, i) => `b${i},c1,01/0${i}/2025,5,bad date`),
  'o2,c1,2025-01-02,20,repeat',
  ',c1,2025-01-04,-1,no id',
].join('\n');

const OPTS = { table: 'orders', map: ['Order Number=order_id', 'Total=amount'] } as const;

/** Every canonical and bookkeeping table's rows, to compare before and after. */
async function snapshot(w: Warehouse) {
  const out: Record<string, unknown[]> = {};
  for (const t of ['customers', 'orders', '_imports', '_quarantine']) out[t] = await w.query(`SELECT * FROM ${t} ORDER BY ALL`);
  return out;
}

describe('--dry-run', () => {
  it('reports what the import will, writes nothing, and the import then reports the same', async () => {
    await importFile(wh, { table: 'customers', file: writeFixture(dir, 'customers.csv', 'customer_id,created_at\nc1,2024-12-01\n') });
    await importFile(wh, { table: 'orders', file: writeFixture(dir, 'first.csv', 'order_id,customer_id,ordered_at,amount\no1,c1,2025-01-01,10\n') });
    const before = await snapshot(wh);
    const file = writeFixture(dir, 'messy.csv', MESSY + '\n');

    const dry = await importFile(wh, { ...OPTS, file, dryRun: true } as ImportOptions);
    expect(await snapshot(wh)).toEqual(before);
    expect(dry).toMatchObject({ read: 15, accepted: 2, duplicates: 2, quarantined: 11, orphans: 1, unmapped: ['Note'] });
    expect(dry.dryRun?.mapping).toEqual({ 'Order Number': 'order_id', customer_id: 'customer_id', ordered_at: 'ordered_at', Total: 'amount' });
    expect(dry.dryRun?.delimiter).toBe(',');
    // The first ten of the eleven rejected records, in file order, with their record numbers.
    expect(dry.dryRun?.reasons.map((r) => r.record)).toEqual([4, 5, 6, 7, 8, 9, 10, 11, 12, 13]);
    expect(dry.dryRun?.reasons[0]?.reasons).toEqual([
      'ordered_at: "01/00/2025" is not an ISO 8601 timestamp (e.g. 2024-03-01 or 2024-03-01T14:30:00Z)',
    ]);
    expect(dry.dryRun?.reasons[1]?.reasons).toEqual([
      'ordered_at: "01/01/2025" is not an ISO 8601 timestamp (e.g. 2024-03-01 or 2024-03-01T14:30:00Z) (if the file writes dates as month/day/year, use --date-format %m/%d/%Y; or if the file writes dates as day/month/year, use --date-format %d/%m/%Y)',
    ]);

    const real = await importFile(wh, { ...OPTS, file } as ImportOptions);
    const counts = (s: typeof real) => ({ read: s.read, accepted: s.accepted, duplicates: s.duplicates, quarantined: s.quarantined, orphans: s.orphans, unmapped: s.unmapped, warnings: s.warnings });
    expect(counts(real)).toEqual(counts(dry));
    expect(real.dryRun).toBeUndefined();
    expect((await wh.query('SELECT order_id FROM orders ORDER BY order_id')).map((r) => r.order_id)).toEqual(['o1', 'o2', 'o3']);
    // A second dry run now finds everything stored or quarantined already.
    const again = await importFile(wh, { ...OPTS, file, dryRun: true } as ImportOptions);
    expect(again).toMatchObject({ read: 15, accepted: 0, duplicates: 4, quarantined: 11 });
  });

  it('on a fresh path, shows the mapping and leaves no workspace behind', () => {
    const db = join(dir, 'never.duckdb');
    const file = writeFixture(dir, 'messy.csv', MESSY + '\n');
    const r = spawnSync(process.execPath, [BIN, 'import', 'orders', file, '--db', db, '--map', 'Order Number=order_id', '--map', 'Total=amount', '--dry-run'], { encoding: 'utf8' });
    expect(r.stderr).toContain('warning: column "Note" maps to no field of orders and was not imported');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('dry run: nothing was written');
    expect(r.stdout).toMatch(/Order Number → order_id/);
    expect(r.stdout).toMatch(/Note\s+→ \(unmapped\)/);
    expect(r.stdout).toMatch(/accepted\s+3 {3}would be/);
    expect(r.stdout).toContain('record 4: ordered_at: "01/00/2025"');
    expect(existsSync(db)).toBe(false);
  }, 120_000);
});
