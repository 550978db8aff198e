/**
 * Import into ClickHouse: the same file gives the same accounting (read = accepted + updated +
 * duplicates + quarantined, orphans), the same rows and the same quarantine as into DuckDB, on one server and
 * on the two-shard cluster; importing it again adds nothing. Needs RETAIN_TEST_CLICKHOUSE (and the
 * cluster variables); .ci/run starts them.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UsageError } from '../src/warehouse/errors.js';
import { listImports, undoImport } from '../src/warehouse/import/imports-log.js';
import { liveQuarantine, listQuarantine, quarantineCounts } from '../src/warehouse/import/quarantine.js';
import { importInto, retryInto } from '../src/warehouse/import/via-staging.js';
import { openClickHouse } from '../src/warehouse/engines/clickhouse/driver.js';
import { openWorkspace } from '../src/warehouse/open.js';
import type { Warehouse } from '../src/warehouse/warehouse.js';
import { memoryWorkspace, tmp, writeFixture } from './helpers/workspace.js';

const URL = process.env.RETAIN_TEST_CLICKHOUSE;
const CLUSTER = process.env.RETAIN_TEST_CLICKHOUSE_CLUSTER;
const SHARDS = process.env.RETAIN_TEST_CLICKHOUSE_SHARDS?.split(',').filter(Boolean);

const dir = tmp();
const customers = writeFixture(dir, 'customers.csv', 'customer_id,created_at,country\nc1,2024-01-01,DE\nc2,2024-01-02,FR\n');
// Row 2 is negative (quarantined), row 3 an orphan (no customer c9), row 4 repeats row 1, row 5
// has an unknown currency rate (quarantined), row 6 a EUR amount converted at the rate of its day.
const orders = writeFixture(
  dir,
  'orders.csv',
  [
    'order_id,customer_id,ordered_at,amount,currency,status',
    'o1,c1,2024-02-01T10:00:00Z,10.5,USD,completed',
    'o2,c2,2024-02-02T10:00:00Z,-3,USD,completed',
    'o3,c9,2024-02-03T10:00:00Z,7,USD,completed',
    'o1,c1,2024-02-01T10:00:00Z,10.5,USD,completed',
    'o5,c2,2024-02-04T10:00:00Z,5,JPY,completed',
    'o4,c1,2024-02-05,20,EUR,completed',
  ].join('\n') + '\n',
);
const fx = writeFixture(dir, 'fx.csv', 'currency,date,rate\nEUR,2024-02-01,1.25\n');
// A later delivery: o1 again (a duplicate) and o6 (new) — only o6 goes to the server.
const moreOrders = writeFixture(dir, 'orders2.csv', 'order_id,customer_id,ordered_at,amount,currency,status\no1,c1,2024-02-01T10:00:00Z,10.5,USD,completed\no6,c2,2024-03-01T10:00:00Z,8,USD,completed\n');
// A latest-snapshot table: the second delivery changes p1's likes (it replaces the row) and adds p2.
const posts = writeFixture(dir, 'posts.csv', 'post_id,channel,posted_at,impressions,likes\np1,x,2024-01-05,100,3\n');
// The missing JPY rate arrives (a retry then takes o5 out of the quarantine), and a corrected o2
// (its record leaves the quarantine: the row replaces it).
const jpy = writeFixture(dir, 'fx2.csv', 'currency,date,rate\nJPY,2024-01-01,0.007\n');
const fixedO2 = writeFixture(dir, 'orders3.csv', 'order_id,customer_id,ordered_at,amount,currency,status\no2,c2,2024-02-02T10:00:00Z,3,USD,completed\n');
// A correction of the orders: o6's amount was wrong, o7 was missing.
const correction = writeFixture(
  dir,
  'orders4.csv',
  'order_id,customer_id,ordered_at,amount,currency,status\no1,c1,2024-02-01T10:00:00Z,10.5,USD,completed\no6,c2,2024-03-01T10:00:00Z,9,USD,completed\no7,c1,2024-03-02T10:00:00Z,4,USD,completed\n',
);
const morePosts = writeFixture(dir, 'posts2.csv', 'post_id,channel,posted_at,impressions,likes\np1,x,2024-01-05,100,9\np2,x,2024-01-06,50,1\n');

describe.skipIf(!URL)('import into ClickHouse', () => {
  const engines: { name: string; wh: Warehouse; database: string }[] = [];
  let duck: Warehouse;
  beforeAll(async () => {
    duck = await memoryWorkspace();
    // The shards' HTTP URLs, as a deployment whose shards listen on other ports would give them.
    if (SHARDS) process.env.RETAIN_CLICKHOUSE_SHARDS = SHARDS.join(',');
    for (const t of [{ name: 'single', cluster: undefined }, ...(CLUSTER ? [{ name: 'cluster', cluster: CLUSTER }] : [])]) {
      const database = `retain_import_${t.name}_${process.pid}`;
      const wh = await openWorkspace({ engine: 'clickhouse', url: URL!, database, ...(t.cluster ? { cluster: t.cluster } : {}) });
      engines.push({ name: t.name, wh, database });
    }
  });
  afterAll(async () => {
    for (const e of engines) {
      await e.wh.close();
      for (const url of e.name === 'cluster' && SHARDS ? SHARDS : [URL!]) {
        const admin = await openClickHouse({ url, database: e.database, readOnly: true });
        await admin.exec(`DROP DATABASE IF EXISTS ${e.database}`).catch(() => undefined);
        await admin.close();
      }
    }
    await duck?.close();
  });

  it('accounts, stores and quarantines as DuckDB does, and a second import adds nothing', async () => {
    const steps = [
      { table: 'customers', file: customers },
      { table: 'fx_rates', file: fx },
      { table: 'orders', file: orders },
      { table: 'orders', file: orders },
      { table: 'orders', file: moreOrders },
      { table: 'social_posts', file: posts },
      { table: 'social_posts', file: morePosts },
      { table: 'fx_rates', file: jpy },
      { retry: 'orders' },
      { table: 'orders', file: fixedO2 },
      { retry: 'orders' },
    ];
    const run = (wh: Warehouse, s: (typeof steps)[number]) => ('retry' in s ? retryInto(wh, s.retry).then((r) => r[0] ?? null) : importInto(wh, s));
    const expected = [];
    // DuckDB's quarantine after each step, to compare the server's with.
    const quarantineAfter: Awaited<ReturnType<typeof listQuarantine>>[] = [];
    const listQuarantineAfter = async (i: number) => quarantineAfter[i]!;
    for (const s of steps) {
      expected.push(await run(duck, s));
      quarantineAfter.push(await listQuarantine(duck));
    }
    expect(expected[2]).toMatchObject({ read: 6, accepted: 3, duplicates: 1, quarantined: 2, orphans: 1 });
    expect(expected[3]).toMatchObject({ read: 6, accepted: 0, duplicates: 4, quarantined: 2, orphans: 0 });
    expect(expected[4]).toMatchObject({ read: 2, accepted: 1, duplicates: 1, quarantined: 0 });
    expect(expected[8]).toMatchObject({ read: 2, accepted: 1, quarantined: 1 }); // o5 passes; o2 is still negative
    expect(expected[9]).toMatchObject({ read: 1, accepted: 1, quarantined: 0 });
    expect(expected[10]).toBeNull(); // nothing left to retry
    const rowsOf = (wh: Warehouse) =>
      wh.query(`SELECT order_id, customer_id, CAST(amount AS DOUBLE) AS amount, currency, _rate FROM ${wh.dialect.table('orders')} o ORDER BY order_id`);
    const quarantineOf = async (wh: Warehouse) =>
      (await wh.query(`SELECT table_name, ${wh.dialect.ident('row')} AS r, reasons FROM ${liveQuarantine(wh.dialect)} l ORDER BY r`)).map((q) => ({
        ...q,
        r: Number(q.r),
      }));
    for (const e of engines) {
      for (const [i, s] of steps.entries()) {
        const got = await run(e.wh, s);
        expect(got && { ...got, seconds: 0 }, `${e.name} step ${i}`).toEqual(expected[i] && { ...expected[i], seconds: 0 });
        expect(await listQuarantine(e.wh), `${e.name} quarantine after step ${i}`).toEqual(await listQuarantineAfter(i));
      }
      expect(await rowsOf(e.wh), e.name).toEqual(await rowsOf(duck));
      const postsOf = (wh: Warehouse) => wh.query(`SELECT post_id, likes FROM ${wh.dialect.table('social_posts')} p ORDER BY post_id`);
      expect(await postsOf(e.wh), e.name).toEqual([{ post_id: 'p1', likes: 9 }, { post_id: 'p2', likes: 1 }]);
      expect(await postsOf(duck)).toEqual(await postsOf(e.wh));
      expect(await quarantineOf(e.wh), e.name).toEqual(await quarantineOf(duck));
      const log = await e.wh.query('SELECT count() AS n, sum(read) AS r, sum(accepted) + sum(updated) + sum(duplicates) + sum(quarantined) AS parts FROM _imports');
      expect(Number(log[0]!.n)).toBe(expected.filter((x) => x !== null).length);
      expect(Number(log[0]!.r)).toBe(Number(log[0]!.parts));
    }
  }, 60_000);

  it('upserts as DuckDB does (the newer row replaces by key), and refuses undo with what to do instead', async () => {
    // o6 changes (8 → 9: updated), o1 is identical (a duplicate), o7 is new.
    const step = { table: 'orders', file: correction, mode: 'upsert' as const };
    const expected = await importInto(duck, step);
    expect(expected).toMatchObject({ read: 3, accepted: 1, updated: 1, duplicates: 1, quarantined: 0 });
    const rowsOf = (wh: Warehouse) => wh.query(`SELECT order_id, customer_id, CAST(amount AS DOUBLE) AS amount FROM ${wh.dialect.table('orders')} o ORDER BY order_id`);
    for (const e of engines) {
      expect({ ...(await importInto(e.wh, step)), seconds: 0 }, e.name).toEqual({ ...expected, seconds: 0 });
      expect(await rowsOf(e.wh), e.name).toEqual(await rowsOf(duck));
      expect((await rowsOf(e.wh)).find((r) => r.order_id === 'o6'), e.name).toEqual({ order_id: 'o6', customer_id: 'c2', amount: 9 });
      const last = (await listImports(e.wh)).at(-1);
      expect(last, e.name).toMatchObject({ id: expected.importId, mode: 'upsert', updated: 1, undoneAt: null });
      const refused = await undoImport(e.wh, expected.importId).then(() => null, (x: unknown) => x as UsageError);
      expect(refused, e.name).toBeInstanceOf(UsageError);
      expect(refused?.code).toBe('undo-not-supported');
      expect(refused?.hint).toMatch(/--mode upsert/);
    }
    // o7 changes customer: a cluster keeps rows on their customer's shard, so it refuses, writing nothing.
    const moved = writeFixture(dir, 'orders5.csv', 'order_id,customer_id,ordered_at,amount,currency,status\no7,c2,2024-03-02T10:00:00Z,4,USD,completed\n');
    const move = { table: 'orders', file: moved, mode: 'upsert' as const };
    expect(await importInto(duck, move)).toMatchObject({ accepted: 0, updated: 1 });
    for (const e of engines) {
      if (e.name !== 'cluster') {
        expect(await importInto(e.wh, move)).toMatchObject({ accepted: 0, updated: 1 });
        expect(await rowsOf(e.wh), e.name).toEqual(await rowsOf(duck));
        continue;
      }
      const before = await rowsOf(e.wh);
      const refused = await importInto(e.wh, move).then(() => null, (x: unknown) => x as UsageError);
      expect(refused).toBeInstanceOf(UsageError);
      expect(refused?.code).toBe('upsert-moves-shard');
      expect(refused?.message).toMatch(/e\.g\. o7 \(c1 → c2\)/);
      expect(await rowsOf(e.wh)).toEqual(before);
    }
  }, 60_000);

  it('keeps record and line numbers; a record leaves once its key is stored; retry keeps whole-record errors; an old workspace gets the line column', async () => {
    const h = 'customer_id,created_at,name';
    // Lines as an editor shows them: c3 (record 3) on line 8, c4 (record 4, a field too many) on line 9.
    const first = writeFixture(dir, 'q1.csv', [h, 'c1,2024-01-01,A', '', 'c2,2024-01-02,"two', 'lines"', '', '', 'c3,notadate,B', 'c4,2024-01-03,C,extra', 'c5,2024-01-04,D'].join('\n') + '\n');
    // Another file: c3 corrected (its record leaves), and a bad c1 whose key is already stored (never open).
    const second = writeFixture(dir, 'q2.csv', `${h}\nc3,2024-01-05,B\nc1,bad,A\n`);
    for (const e of engines) {
      const database = `retain_quarantine_${e.name}_${process.pid}`;
      const wh = await openWorkspace({ engine: 'clickhouse', url: URL!, database, ...(e.name === 'cluster' ? { cluster: CLUSTER! } : {}) });
      try {
        expect(await importInto(wh, { table: 'customers', file: first }), e.name).toMatchObject({ read: 5, accepted: 3, quarantined: 2 });
        expect((await listQuarantine(wh)).map(({ row, line }) => ({ row, line })), e.name).toEqual([
          { row: 3, line: 8 },
          { row: 4, line: 9 },
        ]);
        expect(await importInto(wh, { table: 'customers', file: second }), e.name).toMatchObject({ read: 2, accepted: 1, quarantined: 1 });
        expect(await quarantineCounts(wh), e.name).toEqual({ customers: 1 });
        const [retried] = await retryInto(wh, 'customers');
        expect(retried, e.name).toMatchObject({ read: 1, accepted: 0, quarantined: 1 });
        expect((await listQuarantine(wh)).map(({ row, line, reasons }) => ({ row, line, reasons })), e.name).toEqual([
          { row: 4, line: 9, reasons: ['record has more fields than the header (check the delimiter and quoting)'] },
        ]);
        // A workspace from before the line column: opening it adds the column.
        await wh.exec(`DROP TABLE _quarantine`);
        await wh.exec(`CREATE TABLE _quarantine (table_name String, row_hash String, key_text Nullable(String), file String, row Int64,
          raw String, reasons String, import_id Int64, quarantined_at DateTime('UTC')) ENGINE = ReplacingMergeTree ORDER BY (table_name, row_hash)`);
      } finally {
        await wh.close();
      }
      const reopened = await openWorkspace({ engine: 'clickhouse', url: URL!, database, ...(e.name === 'cluster' ? { cluster: CLUSTER! } : {}) });
      try {
        await importInto(reopened, { table: 'customers', file: writeFixture(dir, 'q3.csv', `${h}\nc9,never,Z\n`) });
        expect((await listQuarantine(reopened)).map(({ row, line }) => ({ row, line })), e.name).toEqual([{ row: 1, line: 2 }]);
      } finally {
        await reopened.exec(`DROP DATABASE IF EXISTS ${database}`).catch(() => undefined);
        await reopened.close();
      }
    }
  }, 120_000);
});
