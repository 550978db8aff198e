/**
 * The import's promises: importing twice changes nothing, a crash mid-import leaves nothing
 * half-counted, --strict and the exit codes, quarantine retry and export, and — on random and
 * malformed input — the accounting identity with nothing thrown.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { importFile } from '../src/warehouse/import/import.js';
import { exportQuarantine, retryQuarantine } from '../src/warehouse/import/quarantine.js';
import { openWorkspace } from '../src/warehouse/open.js';
import type { Warehouse } from '../src/warehouse/warehouse.js';
import { count, memoryWorkspace, tmp, writeFixture } from './helpers/workspace.js';

const BIN = join(import.meta.dirname, '..', 'bin', 'retain.js');
const cli = (args: string[]) => spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8' });
/** The CLI killing itself at a fault point (src/warehouse/fault.ts). */
const cliKilledAt = (fault: string, args: string[]) => spawnSync(process.execPath, [BIN, ...args], { env: { ...process.env, RETAIN_FAULT: fault } });

let wh: Warehouse;
let dir: string;
beforeEach(async () => {
  wh = await memoryWorkspace();
  dir = tmp();
});
afterEach(async () => wh.close());

const ORDERS = 'order_id,customer_id,ordered_at,amount\n1,c1,2024-01-01,10\n2,c1,2024-01-02,x\n1,c1,2024-01-03,99\n3,c2,2024-01-04,5\n';

describe('idempotence', () => {
  it('a second import of the same file changes nothing and counts every row as before', async () => {
    const f = writeFixture(dir, 'o.csv', ORDERS);
    const first = await importFile(wh, { table: 'orders', file: f });
    // Row 3 repeats key 1 within the file: the first occurrence wins, the repeat is a duplicate.
    expect(first).toMatchObject({ read: 4, accepted: 2, duplicates: 1, quarantined: 1 });
    const snapshot = await wh.query(`SELECT * FROM orders ORDER BY order_id`);
    const second = await importFile(wh, { table: 'orders', file: f });
    expect(second).toMatchObject({ read: 4, accepted: 0, duplicates: 3, quarantined: 1 });
    expect(await wh.query(`SELECT * FROM orders ORDER BY order_id`)).toEqual(snapshot);
    expect(await count(wh, `SELECT count(*) FROM _quarantine`)).toBe(1);
    expect(await wh.query(`SELECT amount FROM orders WHERE order_id = '1'`)).toEqual([{ amount: 10 }]);
  });

  it('a corrected row imported later resolves its quarantine entry', async () => {
    await importFile(wh, { table: 'orders', file: writeFixture(dir, 'o.csv', ORDERS) });
    const fixed = await importFile(wh, { table: 'orders', file: writeFixture(dir, 'fix.csv', 'order_id,customer_id,ordered_at,amount\n2,c1,2024-01-02,7\n') });
    expect(fixed.accepted).toBe(1);
    expect(await count(wh, `SELECT count(*) FROM _quarantine`)).toBe(0);
  });

  it('social posts keep the latest snapshot: always upsert (a changed row is updated, an identical one a duplicate)', async () => {
    const h = 'post_id,channel,posted_at,likes\n';
    await importFile(wh, { table: 'social_posts', file: writeFixture(dir, 'a.csv', `${h}p1,x,2024-01-01,3\np2,x,2024-01-01,1\n`) });
    const s = await importFile(wh, { table: 'social_posts', file: writeFixture(dir, 'b.csv', `${h}p1,x,2024-01-01,8\np2,x,2024-01-01,1\n`) });
    expect(s).toMatchObject({ read: 2, accepted: 0, updated: 1, duplicates: 1 });
    expect(await wh.query(`SELECT post_id, likes FROM social_posts ORDER BY post_id`)).toEqual([
      { post_id: 'p1', likes: 8 },
      { post_id: 'p2', likes: 1 },
    ]);
  });
});

describe('quarantine retry and export', () => {
  it('retry accepts rows once their FX rates exist; export gives canonical columns', async () => {
    await importFile(wh, {
      table: 'orders',
      file: writeFixture(dir, 'o.csv', 'Order,customer_id,ordered_at,amount,currency\n1,c,2024-01-05,100,EUR\n2,c,2024-01-05,oops,USD\n'),
      map: ['Order=order_id'],
    });
    const exported = await exportQuarantine(wh, 'orders');
    expect(exported.columns.slice(0, 5)).toEqual(['order_id', 'customer_id', 'ordered_at', 'amount', 'currency']);
    expect(exported.rows.map((r) => [r.order_id, r._row])).toEqual([['1', '1'], ['2', '2']]);
    await importFile(wh, { table: 'fx_rates', file: writeFixture(dir, 'fx.csv', 'currency,date,rate\nEUR,2024-01-01,1.1\n') });
    const [s] = await retryQuarantine(wh, 'orders');
    expect(s).toMatchObject({ read: 2, accepted: 1, quarantined: 1 });
    expect(await wh.query(`SELECT order_id, amount * _rate AS usd FROM orders`)).toEqual([{ order_id: '1', usd: 110.00000000000001 }]);
    expect(await wh.query(`SELECT file, "row" FROM _quarantine`)).toEqual([{ file: join(dir, 'o.csv'), row: 2 }]);
  });
});

describe('crash safety', () => {
  it('kill -9 in the middle of an import, then the same import: every row exactly once', async () => {
    const db = join(dir, 'crash.duckdb');
    const file = join(dir, 'big.csv');
    const n = 1_500_000;
    const lines = ['order_id,customer_id,ordered_at,amount'];
    for (let i = 0; i < n; i++) lines.push(`o${i},c${i % 997},2024-01-${String((i % 28) + 1).padStart(2, '0')},${i % 500}.25`);
    writeFileSync(file, lines.join('\n') + '\n');
    const child = spawn(process.execPath, [BIN, 'import', 'orders', file, '--db', db], { stdio: 'ignore' });
    const exited = new Promise<NodeJS.Signals | null>((r) => child.once('exit', (_code, signal) => r(signal)));
    // Kill once the workspace exists (it appears whole) and the import has had time to start writing.
    await new Promise<void>((resolve) => {
      const started = Date.now();
      let created = 0;
      const timer = setInterval(() => {
        if (!created && existsSync(db)) created = Date.now();
        if ((created && Date.now() - created > 600) || Date.now() - started > 20_000) {
          clearInterval(timer);
          child.kill('SIGKILL');
          resolve();
        }
      }, 50);
    });
    // The kill must land while the import runs, or this test proves nothing.
    expect(await exited).toBe('SIGKILL');
    const again = cli(['import', 'orders', file, '--db', db, '--format', 'json']);
    expect(again.status, again.stderr).toBe(0);
    const summary = JSON.parse(again.stdout) as { read: number; accepted: number; duplicates: number };
    expect(summary.read).toBe(n);
    const ws = await openWorkspace({ db });
    try {
      expect(await count(ws, `SELECT count(*) FROM orders`)).toBe(n);
      expect(await count(ws, `SELECT count(DISTINCT order_id) FROM orders`)).toBe(n);
      // Either the killed import had committed all of it (then all are duplicates now) or none.
      expect([0, n]).toContain(summary.duplicates);
    } finally {
      await ws.close();
    }
  }, 120_000);

  it('a process killed while creating the workspace leaves none; the next command creates it', async () => {
    const db = join(dir, 'creating.duckdb');
    const f = writeFixture(dir, 'o.csv', ORDERS);
    const killed = cliKilledAt('kill-creating-workspace', ['import', 'orders', f, '--db', db]);
    expect(killed.signal).toBe('SIGKILL');
    expect(existsSync(db)).toBe(false);
    const leftover = readdirSync(dir).filter((x) => x.startsWith('creating.duckdb.creating-'));
    expect(leftover.length).toBeGreaterThan(0);
    const again = cli(['import', 'orders', f, '--db', db, '--format', 'json']);
    expect(again.status, again.stderr).toBe(0);
    expect(JSON.parse(again.stdout)).toMatchObject({ read: 4 });
    // The dead creator's file is gone too.
    expect(readdirSync(dir).filter((x) => x.startsWith('creating.duckdb.'))).toEqual([]);
  });

  it('a new workspace ignores the log of a deleted one; a missing folder is a clear error', async () => {
    const db = join(dir, 'again.duckdb');
    const f = writeFixture(dir, 'o.csv', ORDERS);
    expect(cli(['import', 'orders', f, '--db', db]).status).toBe(0);
    // What a process killed after a commit leaves: a log beside the file (here it creates a table
    // and is killed before any checkpoint). The user then deletes the file only.
    const killed = spawnSync(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        `const { DuckDBInstance } = await import('@duckdb/node-api');
        const c = await (await DuckDBInstance.create(${JSON.stringify(db)})).connect();
        await c.run("SET wal_autocheckpoint = '1TB'; PRAGMA disable_checkpoint_on_shutdown; CREATE TABLE stale AS SELECT 1 AS x");
        process.kill(process.pid, 'SIGKILL');`,
      ],
      { cwd: join(import.meta.dirname, '..') },
    );
    expect(killed.signal, killed.stderr?.toString()).toBe('SIGKILL');
    expect(existsSync(`${db}.wal`)).toBe(true);
    rmSync(db);
    const fresh = cli(['import', 'orders', f, '--db', db, '--format', 'json']);
    expect(fresh.status, fresh.stderr).toBe(0);
    expect(JSON.parse(fresh.stdout)).toMatchObject({ read: 4, accepted: 2 });
    const ws = await openWorkspace({ db, readOnly: true });
    try {
      expect(await count(ws, `SELECT count(*) FROM information_schema.tables WHERE table_name = 'stale'`)).toBe(0);
    } finally {
      await ws.close();
    }
    const missing = cli(['import', 'orders', f, '--db', join(dir, 'no-such-folder', 'x.duckdb')]);
    expect(missing.status).toBe(1);
    expect(missing.stderr).toMatch(/Cannot create workspace .*no-such-folder/);
    expect(missing.stderr).not.toMatch(/internal error/i);
  });

  it('a process killed after writing everything but before COMMIT leaves nothing behind', async () => {
    const db = join(dir, 'fault.duckdb');
    const f = writeFixture(dir, 'o.csv', ORDERS);
    const killed = cliKilledAt('kill-before-commit', ['import', 'orders', f, '--db', db]);
    expect(killed.signal).toBe('SIGKILL');
    const ws = await openWorkspace({ db });
    try {
      expect(await count(ws, 'SELECT count(*) FROM orders')).toBe(0);
      expect(await count(ws, 'SELECT count(*) FROM _quarantine')).toBe(0);
      expect(await count(ws, 'SELECT count(*) FROM _imports')).toBe(0);
    } finally {
      await ws.close();
    }
    const again = JSON.parse(cli(['import', 'orders', f, '--db', db, '--format', 'json']).stdout) as Record<string, number>;
    expect(again).toMatchObject({ read: 4, accepted: 2, duplicates: 1, quarantined: 1 });
  }, 60_000);
});

describe('CLI contract', () => {
  it('prints exactly one JSON object, exits 0 with rejects, 1 with --strict, 2 on usage errors', () => {
    const db = join(dir, 'w.duckdb');
    const f = writeFixture(dir, 'o.csv', ORDERS);
    const ok = cli(['import', 'orders', f, '--db', db, '--format', 'json']);
    expect(ok.status).toBe(0);
    const parsed = JSON.parse(ok.stdout) as Record<string, unknown>;
    expect(Object.keys(parsed)).toEqual(['importId', 'table', 'file', 'read', 'accepted', 'updated', 'duplicates', 'quarantined', 'orphans', 'seconds', 'unmapped', 'warnings', 'timezone']);
    expect(cli(['import', 'orders', f, '--db', db, '--strict']).status).toBe(1);
    const clean = writeFixture(dir, 'clean.csv', 'order_id,customer_id,ordered_at,amount\n9,c,2024-01-01,1\n');
    expect(cli(['import', 'orders', clean, '--db', db, '--strict']).status).toBe(0);
    const missing = cli(['import', 'orders', join(dir, 'nope.csv'), '--db', db]);
    expect(missing.status).toBe(2);
    expect(missing.stderr).toContain('no such file');
    expect(cli(['import', 'nosuchtable', f, '--db', db]).status).toBe(2);
    expect(cli(['import', 'orders', f, '--db', db, '--map', 'bad']).status).toBe(2);
    const sql = cli(['sql', 'SELECT count(*) AS n FROM orders', '--db', db, '--format', 'json']);
    expect(JSON.parse(sql.stdout)).toEqual([{ n: 3 }]);
    expect(cli(['sql', 'DROP TABLE orders', '--db', db]).status).toBe(2);
  }, 60_000);
});

describe('property: random and malformed rows', () => {
  const cell = fc.oneof(
    fc.constantFrom('', ' ', '1', '-1', '0', '10.5', '1e3', 'NaN', 'abc', '2024-01-01', '2024-02-30', '2999-01-01', '"', '""', ',', ';', '\n', 'completed', 'EUR', 'usd', '{}', '{"a":1}', 'é', '=1+1'),
    fc.string({ maxLength: 6 }),
  );
  const csvCell = (s: string) => (/[",\n\r;]/.test(s) || s.startsWith(' ') ? `"${s.replaceAll('"', '""')}"` : s);

  it('read = accepted + updated + duplicates + quarantined, and nothing throws', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.array(cell, { minLength: 3, maxLength: 8 }), { minLength: 1, maxLength: 30 }), async (rows) => {
        const w = await memoryWorkspace();
        try {
          const body = rows.map((r) => r.map(csvCell).join(',')).join('\n');
          const f = writeFixture(dir, 'p.csv', `order_id,customer_id,ordered_at,amount,currency,status\n${body}\n`);
          const s = await importFile(w, { table: 'orders', file: f });
          expect(s.read).toBe(s.accepted + s.updated + s.duplicates + s.quarantined);
          expect(await count(w, 'SELECT count(*) FROM orders')).toBe(s.accepted);
          expect(await count(w, 'SELECT count(*) FROM _quarantine')).toBeLessThanOrEqual(s.quarantined);
          const again = await importFile(w, { table: 'orders', file: f });
          expect(again.accepted).toBe(0);
          expect(again.read).toBe(s.read);
        } finally {
          await w.close();
        }
      }),
      { numRuns: 40 },
    );
  }, 120_000);
});
