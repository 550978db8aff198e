/**
 * Data versions (src/warehouse/data-versions.ts): every path that changes a table's rows moves
 * that table's version — import, upsert, ingest, quarantine retry, undo — and nothing else does
 * (a re-import of the same rows, a dry run, a batch of rejected rows); a setting change moves
 * 'settings'. The result cache keys on these numbers, so a missed bump would serve old numbers.
 */
import { describe, expect, it } from 'vitest';
import { readVersions } from '../src/warehouse/data-versions.js';
import { importFile } from '../src/warehouse/import/import.js';
import { undoImport } from '../src/warehouse/import/imports-log.js';
import { retryQuarantine } from '../src/warehouse/import/quarantine.js';
import { importInto } from '../src/warehouse/import/via-staging.js';
import { ingestBatch } from '../src/warehouse/ingest/ingest.js';
import { openWorkspace } from '../src/warehouse/open.js';
import { setSetting } from '../src/warehouse/schema/settings.js';
import { eachWorkspace, tmp, writeFixture } from './helpers/workspace.js';

const ctx = eachWorkspace();
const NAMES = ['orders', 'customers', 'fx_rates', 'settings'] as const;
const versions = () => readVersions(ctx.wh, NAMES);
const file = (name: string, content: string) => writeFixture(ctx.dir, name, content);
const ORDERS = 'order_id,customer_id,ordered_at,amount,currency\no1,c1,2024-01-01,10,\no2,c1,2024-01-02,20,EUR\n';

describe('data versions', () => {
  it('start at 0 and move for the table an import stores rows into, and only for it', async () => {
    expect(await versions()).toEqual({ orders: 0, customers: 0, fx_rates: 0, settings: 0 });
    const path = file('orders.csv', ORDERS);
    // o2's EUR has no rate yet: quarantined; o1 stored.
    expect(await importFile(ctx.wh, { table: 'orders', file: path })).toMatchObject({ accepted: 1, quarantined: 1 });
    const v1 = await versions();
    expect(v1.orders).toBeGreaterThan(0);
    expect({ ...v1, orders: 0 }).toEqual({ orders: 0, customers: 0, fx_rates: 0, settings: 0 });
    // The same file again stores nothing (a duplicate, the same quarantined row): no move.
    expect(await importFile(ctx.wh, { table: 'orders', file: path })).toMatchObject({ accepted: 0, duplicates: 1 });
    expect(await versions()).toEqual(v1);
    // A dry run counts inside a transaction it rolls back: its bump goes with it.
    const more = file('more.csv', 'order_id,customer_id,ordered_at,amount\no3,c2,2024-01-03,30\n');
    expect(await importFile(ctx.wh, { table: 'orders', file: more, dryRun: true })).toMatchObject({ accepted: 1 });
    expect(await versions()).toEqual(v1);
    // An upsert that changes a row moves it.
    await importFile(ctx.wh, { table: 'orders', file: file('fix.csv', 'order_id,customer_id,ordered_at,amount\no1,c1,2024-01-01,11\n'), mode: 'upsert' });
    const v2 = await versions();
    expect(v2.orders).toBeGreaterThan(v1.orders);
    // The rate arrives (fx_rates moves), and the retry stores o2 (orders moves).
    await importFile(ctx.wh, { table: 'fx_rates', file: file('fx.csv', 'currency,date,rate\nEUR,2000-01-01,1.25\n') });
    const v3 = await versions();
    expect(v3.fx_rates).toBeGreaterThan(v2.orders);
    expect(v3.orders).toBe(v2.orders);
    expect((await retryQuarantine(ctx.wh, 'orders'))[0]).toMatchObject({ accepted: 1 });
    expect((await versions()).orders).toBeGreaterThan(v3.fx_rates);
  });

  it('move on an ingest that stores rows, not on one whose rows are all rejected', async () => {
    await ingestBatch(ctx.wh, 'customers', [{ customer_id: 'c1', created_at: 'never' }]);
    expect((await versions()).customers).toBe(0);
    expect(await ingestBatch(ctx.wh, 'customers', [{ customer_id: 'c1', created_at: '2024-01-01T00:00:00Z' }])).toMatchObject({ accepted: 1 });
    const v = (await versions()).customers;
    expect(v).toBeGreaterThan(0);
    // Sent again: a duplicate, nothing changed.
    expect(await ingestBatch(ctx.wh, 'customers', [{ customer_id: 'c1', created_at: '2024-01-01T00:00:00Z' }])).toMatchObject({ duplicates: 1 });
    expect((await versions()).customers).toBe(v);
  });

  it('move when an import is undone, and for settings when one is set', async () => {
    const s = await importFile(ctx.wh, { table: 'orders', file: file('o.csv', 'order_id,customer_id,ordered_at,amount\no1,c1,2024-01-01,10\n') });
    const before = await versions();
    await undoImport(ctx.wh, s.importId);
    const after = await versions();
    expect(after.orders).toBeGreaterThan(before.orders);
    expect(after.settings).toBe(0);
    await setSetting(ctx.wh, 'gross_margin', '0.5');
    expect((await versions()).settings).toBeGreaterThan(after.orders);
    // The embedded engine keeps one row a name.
    const rows = await ctx.wh.query(`SELECT name, count(*) AS n FROM _data_versions GROUP BY name ORDER BY name`);
    expect(rows.map((r) => [r.name, Number(r.n)])).toEqual([['orders', 1], ['settings', 1]]);
  });
});

/** ClickHouse, when RETAIN_TEST_CLICKHOUSE names a server: appended rows, read as max(). */
const CLICKHOUSE = process.env.RETAIN_TEST_CLICKHOUSE;
if (CLICKHOUSE) describe('data versions on ClickHouse', () => {
  it('move when a staged import stores rows into the target, and for a setting; not for a re-import', async () => {
    const database = `retain_test_versions_${process.pid}`;
    const wh = await openWorkspace({ engine: 'clickhouse', url: CLICKHOUSE!, database });
    try {
      const path = writeFixture(tmp(), 'o.csv', 'order_id,customer_id,ordered_at,amount\no1,c1,2024-01-01,10\n');
      expect(await readVersions(wh, ['orders', 'settings'])).toEqual({ orders: 0, settings: 0 });
      await importInto(wh, { table: 'orders', file: path });
      const v = await readVersions(wh, ['orders', 'settings']);
      expect(v.orders).toBeGreaterThan(0);
      expect(await importInto(wh, { table: 'orders', file: path })).toMatchObject({ accepted: 0, duplicates: 1 });
      expect(await readVersions(wh, ['orders', 'settings'])).toEqual(v);
      await setSetting(wh, 'gross_margin', '0.5');
      expect((await readVersions(wh, ['settings'])).settings).toBeGreaterThan(v.orders);
    } finally {
      await wh.exec(`DROP DATABASE IF EXISTS ${database}`);
      await wh.close();
    }
  }, 60_000);
});
