/**
 * Returns without an order (credit notes name their customer, rarely the sale; invoice-lines
 * makes them): the schema's row rule, the same in both validators, and the return rate, which
 * counts them by return date for their own customer. Expected values worked out by hand here.
 */
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openWorkspace } from '../src/warehouse/open.js';
import { importFile } from '../src/warehouse/import/import.js';
import { validateRow } from '../src/warehouse/schema/zod.js';
import type { Warehouse } from '../src/warehouse/warehouse.js';
import { load, metric } from './helpers/metrics.js';
import { memoryWorkspace, reasonsByRow, tmp, writeFixture } from './helpers/workspace.js';

const NEEDS = 'order_id: missing (required unless customer_id is given)';

describe('a return names its order or its customer', () => {
  it('in the row validator', () => {
    expect(validateRow('returns', { return_id: 'r', customer_id: 'c1', quantity: '1', returned_at: '2024-01-01' }).ok).toBe(true);
    expect(validateRow('returns', { return_id: 'r', order_id: 'o1', quantity: '1', returned_at: '2024-01-01' }).ok).toBe(true);
    expect(validateRow('returns', { return_id: 'r', order_id: '', customer_id: '', quantity: '1', returned_at: '2024-01-01' })).toEqual({ ok: false, reasons: [NEEDS] });
  });

  it('in the bulk validator', async () => {
    const wh = await memoryWorkspace();
    try {
      const csv = `return_id,order_id,customer_id,quantity,returned_at\nr1,,c1,1,2024-01-01\nr2,o1,,1,2024-01-01\nr3,,,1,2024-01-01\nr4,,,x,2024-01-01\n`;
      const s = await importFile(wh, { table: 'returns', file: writeFixture(tmp(), 'returns.csv', csv) });
      expect([s.read, s.accepted, s.quarantined]).toEqual([4, 2, 2]);
      expect(await reasonsByRow(wh, 'returns')).toEqual({ 3: [NEEDS], 4: ['quantity: "x" is not a number (use . for decimals, no thousands separators)', NEEDS] });
    } finally {
      await wh.close();
    }
  });
});

describe('a workspace made before returns had customer_id', () => {
  it('opens with the column added, and takes credit notes', async () => {
    const db = join(tmp(), 'old.duckdb');
    const old = await DuckDBInstance.create(db);
    const con = await old.connect();
    await con.run(`CREATE TABLE returns (return_id VARCHAR, order_id VARCHAR, product_id VARCHAR, quantity DECIMAL(18, 4), amount DECIMAL(18, 4), returned_at TIMESTAMPTZ, reason VARCHAR);
      INSERT INTO returns VALUES ('r0', 'o0', NULL, 1, NULL, '2024-01-01', NULL)`);
    con.closeSync();
    old.closeSync();
    const wh = await openWorkspace({ db });
    try {
      const s = await importFile(wh, { table: 'returns', file: writeFixture(tmp(), 'r.csv', 'return_id,customer_id,quantity,returned_at\nr1,c1,1,2024-01-02\n') });
      expect(s.accepted).toBe(1);
      expect(await wh.query(`SELECT return_id, order_id, customer_id FROM returns ORDER BY 1`)).toEqual([
        { return_id: 'r0', order_id: 'o0', customer_id: null },
        { return_id: 'r1', order_id: null, customer_id: 'c1' },
      ]);
    } finally {
      await wh.close();
    }
  });
});

describe('return_rate with returns without an order', () => {
  let wh: Warehouse;
  beforeAll(async () => {
    wh = await memoryWorkspace();
    await load(wh, {
      customers: `customer_id,created_at,country\nc1,2023-06-01,DE\nc2,2023-07-01,FR`,
      orders: `order_id,customer_id,ordered_at,amount\no1,c1,2024-01-05,40\no2,c2,2024-01-10,60`,
      order_items: `order_id,line_id,product_id,quantity,unit_price\no1,1,p,4,10\no2,1,p,6,10`,
      // r1 of o1; r2 a credit note of c2; r3 a credit note of c1 in February; r4 names o1 and
      // (wrongly) c2: the order's customer counts.
      returns: `return_id,order_id,customer_id,quantity,returned_at
r1,o1,,1,2024-01-20
r2,,c2,2,2024-01-25
r3,,c1,1,2024-02-03
r4,o1,c2,1,2024-01-21`,
    });
  });
  afterAll(async () => wh.close());

  it('counts them by return date, for their customer', async () => {
    // January: sold 4 + 6 = 10; returned r1 1 + r2 2 + r4 1 = 4.
    expect(await metric(wh, 'return_rate', { from: '2024-01-01', to: '2024-02-01' })).toMatchObject({ value: 40, parts: { returned: 4, sold: 10 } });
    // DE (c1): r1 and r4 of o1, 2 of 4 units; FR (c2): r2, 2 of 6.
    const jan = await metric(wh, 'return_rate', { from: '2024-01-01', to: '2024-02-01', slice: { where: [], by: 'country' } });
    expect(jan.segments!.map((g) => g.segment)).toEqual(['DE', 'FR']);
    expect(jan.segments![0]!.value).toBe(50);
    expect(jan.segments![1]!.value).toBeCloseTo((100 * 2) / 6, 9);
    // February: r3 came back, nothing sold: DE listed without a rate.
    const feb = await metric(wh, 'return_rate', { from: '2024-02-01', to: '2024-03-01', slice: { where: [], by: 'country' } });
    expect(feb.segments!.map((g) => [g.segment, g.value])).toEqual([['DE', null]]);
    // Filtered to FR: only c2's credit note.
    const fr = await metric(wh, 'return_rate', { from: '2024-01-01', to: '2024-02-01', slice: { where: [{ field: 'country', value: 'FR' }] } });
    expect(fr).toMatchObject({ parts: { returned: 2, sold: 6 } });
  });
});
