/**
 * Mistakes can be corrected: --mode upsert (a changed row replaces the stored one, counted as
 * updated), the import log, and undo (the rows an import stored removed, the rows it replaced
 * restored, its quarantine records removed, in one transaction) — on real files, with the table
 * compared whole before and after, and kill -9 in the middle of an upsert and of an undo.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { describe, expect, it } from 'vitest';
import { UsageError } from '../src/warehouse/errors.js';
import { importFile } from '../src/warehouse/import/import.js';
import { listImports, undoImport } from '../src/warehouse/import/imports-log.js';
import { openWorkspace } from '../src/warehouse/open.js';
import { TABLES } from '../src/warehouse/schema/tables.js';
import type { Warehouse } from '../src/warehouse/warehouse.js';
import { count, eachWorkspace, writeFixture } from './helpers/workspace.js';

const BIN = join(import.meta.dirname, '..', 'bin', 'retain.js');
const cli = (args: string[], env: Record<string, string> = {}) => spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', env: { ...process.env, ...env } });

const H = 'order_id,customer_id,ordered_at,amount\n';
/** The first delivery. */
const A = `${H}o1,c1,2024-01-01,10\no2,c1,2024-01-02,20\no3,c2,2024-01-03,30\n`;
/**
 * The correction, by hand: o1 identical (a duplicate); o2 twice, the last (26) wins and replaces
 * 20 (updated), the first is a repeat in the file (a duplicate); o3 unreadable (quarantined, the
 * stored 30 stays); o4 and o5 new (accepted). 6 = 2 accepted + 1 updated + 2 duplicates + 1 quarantined.
 */
const B = `${H}o1,c1,2024-01-01,10\no2,c1,2024-01-02,25\no3,c2,2024-01-03,x\no4,c3,2024-01-04,40\no2,c1,2024-01-02,26\no5,c3,2024-01-05,50\n`;
/** A later correction of rows B stored: o2 and o4 change again. */
const C = `${H}o2,c1,2024-01-02,27\no4,c3,2024-01-04,41\n`;

const ctx = eachWorkspace();
const file = (name: string, content: string) => writeFixture(ctx.dir, name, content);
/** Run fn on the workspace file db, closed afterwards whatever happens. */
async function inFile<T>(db: string, fn: (w: Warehouse) => Promise<T>): Promise<T> {
  const w = await openWorkspace({ db });
  try {
    return await fn(w);
  } finally {
    await w.close();
  }
}
/** The whole table, every stored column and the import that stored each row, in key order. */
const dump = (w: Warehouse, table = 'orders', key = 'order_id') => w.query(`SELECT * FROM ${table} ORDER BY ${key}`);
const amounts = async (w: Warehouse) => Object.fromEntries((await w.query(`SELECT order_id, amount, _import_id FROM orders ORDER BY order_id`)).map((r) => [r.order_id, [r.amount, r._import_id]]));
const refusal = async (p: Promise<unknown>): Promise<UsageError> => {
  const e = await p.then(() => null, (x: unknown) => x);
  expect(e).toBeInstanceOf(UsageError);
  return e as UsageError;
};

describe('upsert', () => {
  it('counts updated rows by hand and keeps read = accepted + updated + duplicates + quarantined', async () => {
    expect(await importFile(ctx.wh, { table: 'orders', file: file('a.csv', A) })).toMatchObject({ importId: 1, read: 3, accepted: 3, updated: 0, duplicates: 0, quarantined: 0 });
    const s = await importFile(ctx.wh, { table: 'orders', file: file('b.csv', B), mode: 'upsert' });
    expect(s).toMatchObject({ importId: 2, read: 6, accepted: 2, updated: 1, duplicates: 2, quarantined: 1 });
    expect(await amounts(ctx.wh)).toEqual({ o1: [10, 1], o2: [26, 2], o3: [30, 1], o4: [40, 2], o5: [50, 2] });
    // The same file again: everything stored is identical now.
    expect(await importFile(ctx.wh, { table: 'orders', file: file('b.csv', B), mode: 'upsert' })).toMatchObject({ read: 6, accepted: 0, updated: 0, duplicates: 5, quarantined: 1 });
  });

  it('insert mode, the default, still skips a changed row whose key is stored', async () => {
    await importFile(ctx.wh, { table: 'orders', file: file('a.csv', A) });
    expect(await importFile(ctx.wh, { table: 'orders', file: file('b.csv', B) })).toMatchObject({ read: 6, accepted: 2, updated: 0, duplicates: 3, quarantined: 1 });
    // o2: the stored 20 stays; o4 and o5: the first of their key.
    expect(await amounts(ctx.wh)).toEqual({ o1: [10, 1], o2: [20, 1], o3: [30, 1], o4: [40, 2], o5: [50, 2] });
  });

  it('a latest-snapshot table imports in upsert mode whatever the mode asked', async () => {
    const h = 'post_id,channel,posted_at,likes\n';
    await importFile(ctx.wh, { table: 'social_posts', file: file('p.csv', `${h}p1,x,2024-01-01,3\n`) });
    expect(await importFile(ctx.wh, { table: 'social_posts', file: file('q.csv', `${h}p1,x,2024-01-01,8\n`), mode: 'insert' })).toMatchObject({ accepted: 0, updated: 1 });
    expect((await listImports(ctx.wh)).map((i) => i.mode)).toEqual(['upsert', 'upsert']);
  });
});

describe('the import log and undo', () => {
  it('lists imports with their mode and counts, and undo of an upsert restores the table exactly', async () => {
    await importFile(ctx.wh, { table: 'orders', file: file('a.csv', A) });
    const before = await dump(ctx.wh);
    await importFile(ctx.wh, { table: 'orders', file: file('b.csv', B), mode: 'upsert' });
    expect(await count(ctx.wh, `SELECT count(*) FROM _quarantine`)).toBe(1);
    // No customers are known: every row stored is an orphan (B's o2, o4, o5).
    const log = await listImports(ctx.wh);
    expect(log.map(({ at: _at, ...i }) => i)).toEqual([
      { id: 1, table: 'orders', file: join(ctx.dir, 'a.csv'), format: 'csv', mode: 'insert', read: 3, accepted: 3, updated: 0, duplicates: 0, quarantined: 0, orphans: 3, undoneAt: null },
      { id: 2, table: 'orders', file: join(ctx.dir, 'b.csv'), format: 'csv', mode: 'upsert', read: 6, accepted: 2, updated: 1, duplicates: 2, quarantined: 1, orphans: 3, undoneAt: null },
    ]);
    expect(log[0]!.at).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/);

    // o2, o4 and o5 go; the o2 that B replaced comes back; B's quarantined o3 leaves the quarantine.
    expect(await undoImport(ctx.wh, 2)).toEqual({ importId: 2, table: 'orders', removed: 3, restored: 1, unquarantined: 1 });
    expect(await dump(ctx.wh)).toEqual(before);
    expect(await count(ctx.wh, `SELECT count(*) FROM _quarantine`)).toBe(0);
    expect(await count(ctx.wh, `SELECT count(*) FROM _replaced_orders`)).toBe(0);
    expect((await listImports(ctx.wh))[1]!.undoneAt).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/);
    const twice = await refusal(undoImport(ctx.wh, 2));
    expect(twice.code).toBe('already-undone');
    expect(twice.message).toMatch(/^Import 2 was undone already/);
    expect((await refusal(undoImport(ctx.wh, 9))).message).toBe('There is no import 9.');
  });

  it('undo of an insert import removes its rows and its quarantine records only', async () => {
    await importFile(ctx.wh, { table: 'orders', file: file('a.csv', A) });
    const before = await dump(ctx.wh);
    // o3 is a duplicate of A's, o6 new, o7 negative (quarantined).
    const s = await importFile(ctx.wh, { table: 'orders', file: file('d.csv', `${H}o3,c2,2024-01-03,30\no6,c4,2024-01-06,60\no7,c4,2024-01-07,-5\n`) });
    expect(s).toMatchObject({ accepted: 1, duplicates: 1, quarantined: 1 });
    expect(await undoImport(ctx.wh, 2)).toEqual({ importId: 2, table: 'orders', removed: 1, restored: 0, unquarantined: 1 });
    expect(await dump(ctx.wh)).toEqual(before);
    expect(await count(ctx.wh, `SELECT count(*) FROM _quarantine`)).toBe(0);
  });

  it('refuses to undo an import whose rows a later upsert replaced, naming it; undone in turn, all comes back', async () => {
    await importFile(ctx.wh, { table: 'orders', file: file('a.csv', A) });
    const afterA = await dump(ctx.wh);
    await importFile(ctx.wh, { table: 'orders', file: file('b.csv', B), mode: 'upsert' });
    const afterB = await dump(ctx.wh);
    expect(await importFile(ctx.wh, { table: 'orders', file: file('c.csv', C), mode: 'upsert' })).toMatchObject({ accepted: 0, updated: 2 });
    const first = await refusal(undoImport(ctx.wh, 2));
    expect(first.code).toBe('undo-later-first');
    expect(first.message).toBe('Import 3 has since replaced rows that import 2 stored, so undoing 2 alone would lose them.');
    expect(first.hint).toBe('Undo the later import first: retain imports undo 3.');
    // Import 1's o2 was replaced by import 2.
    expect((await refusal(undoImport(ctx.wh, 1))).hint).toBe('Undo the later import first: retain imports undo 2.');
    expect(await amounts(ctx.wh)).toEqual({ o1: [10, 1], o2: [27, 3], o3: [30, 1], o4: [41, 3], o5: [50, 2] });

    expect(await undoImport(ctx.wh, 3)).toMatchObject({ removed: 2, restored: 2 });
    expect(await dump(ctx.wh)).toEqual(afterB);
    expect(await undoImport(ctx.wh, 2)).toMatchObject({ removed: 3, restored: 1 });
    expect(await dump(ctx.wh)).toEqual(afterA);
    expect(await undoImport(ctx.wh, 1)).toMatchObject({ removed: 3, restored: 0 });
    expect(await count(ctx.wh, `SELECT count(*) FROM orders`)).toBe(0);
    // The file can come again as a new import.
    expect(await importFile(ctx.wh, { table: 'orders', file: file('a.csv', A) })).toMatchObject({ importId: 4, accepted: 3 });
  });

  it('refuses a quarantine retry, which has no file to take back', async () => {
    const { retryQuarantine } = await import('../src/warehouse/import/quarantine.js');
    await importFile(ctx.wh, { table: 'orders', file: file('e.csv', 'order_id,customer_id,ordered_at,amount,currency\no1,c1,2024-01-01,10,EUR\n') });
    await importFile(ctx.wh, { table: 'fx_rates', file: file('fx.csv', 'currency,date,rate\nEUR,2023-12-01,1.1\n') });
    const [r] = await retryQuarantine(ctx.wh, 'orders');
    expect(r).toMatchObject({ importId: 3, accepted: 1 });
    expect((await refusal(undoImport(ctx.wh, 3))).message).toMatch(/^Import 3 is a quarantine retry/);
  });

  it('undo of web events derives their sessions again', async () => {
    const h = 'event_id,visitor_id,occurred_at,type,path\n';
    await importFile(ctx.wh, { table: 'web_events', file: file('w1.csv', `${h}e1,v1,2024-03-01T10:00:00Z,pageview,/a\ne2,v1,2024-03-01T10:10:00Z,pageview,/b\n`) });
    const sessions = () => ctx.wh.query(`SELECT visitor_id, started, ended, pageviews, exit_path FROM _web_sessions ORDER BY started`);
    const one = await sessions();
    expect(one.map((s) => [s.pageviews, s.exit_path])).toEqual([[2, '/b']]);
    // e2 moved an hour on: beyond the 30-minute gap, v1 now has two visits.
    await importFile(ctx.wh, { table: 'web_events', file: file('w2.csv', `${h}e2,v1,2024-03-01T11:10:00Z,pageview,/b\n`), mode: 'upsert' });
    expect((await sessions()).map((s) => [s.pageviews, s.exit_path])).toEqual([[1, '/a'], [1, '/b']]);
    await undoImport(ctx.wh, 2);
    expect(await sessions()).toEqual(one);
  });
});

describe('a workspace made before imports could be undone', () => {
  it('opens with the new columns (NULL in old rows) and refuses to undo its old imports', async () => {
    const db = join(ctx.dir, 'old.duckdb');
    await inFile(db, (w) => importFile(w, { table: 'orders', file: file('a.csv', A) }));
    // What an older release left: no _import_id, no mode / updated / undone_at, no replaced rows.
    const con = await (await DuckDBInstance.create(db)).connect();
    for (const t of TABLES) await con.run(`ALTER TABLE ${t.name} DROP COLUMN _import_id; DROP TABLE _replaced_${t.name}`);
    await con.run(`ALTER TABLE _imports DROP COLUMN mode; ALTER TABLE _imports DROP COLUMN updated; ALTER TABLE _imports DROP COLUMN undone_at`);
    con.closeSync();
    await inFile(db, async (again) => {
      expect(await amounts(again)).toEqual({ o1: [10, null], o2: [20, null], o3: [30, null] });
      expect((await listImports(again)).map((i) => [i.id, i.mode, i.updated])).toEqual([[1, null, 0]]);
      expect((await refusal(undoImport(again, 1))).message).toBe('Import 1 was made before imports could be undone: its rows do not carry its id.');
      expect(await importFile(again, { table: 'orders', file: file('b.csv', B), mode: 'upsert' })).toMatchObject({ importId: 2, accepted: 2, updated: 1 });
      await undoImport(again, 2);
      expect(await amounts(again)).toEqual({ o1: [10, null], o2: [20, null], o3: [30, null] });
    });
  });
});

describe('the CLI and kill -9', () => {
  it('imports --mode upsert, lists imports and undoes one as JSON; undoing twice is a usage error', async () => {
    const db = join(ctx.dir, 'cli.duckdb');
    await inFile(db, (w) => importFile(w, { table: 'orders', file: file('a.csv', A) }));
    const up = cli(['import', 'orders', file('b.csv', B), '--mode', 'upsert', '--db', db, '--format', 'json']);
    expect(up.status, up.stderr).toBe(0);
    expect(JSON.parse(up.stdout)).toMatchObject({ importId: 2, read: 6, accepted: 2, updated: 1, duplicates: 2, quarantined: 1 });
    const list = cli(['imports', '--db', db, '--format', 'json']);
    expect(list.status, list.stderr).toBe(0);
    expect((JSON.parse(list.stdout) as { id: number; mode: string; updated: number }[]).map((i) => [i.id, i.mode, i.updated])).toEqual([[1, 'insert', 0], [2, 'upsert', 1]]);
    const undo = cli(['imports', 'undo', '2', '--db', db, '--format', 'json']);
    expect(undo.status, undo.stderr).toBe(0);
    expect(JSON.parse(undo.stdout)).toEqual({ importId: 2, table: 'orders', removed: 3, restored: 1, unquarantined: 1 });
    const twice = cli(['imports', 'undo', '2', '--db', db]);
    expect(twice.status).toBe(2);
    expect(twice.stderr).toMatch(/Import 2 was undone already/);
  }, 180_000);

  it('kill -9 mid-upsert leaves all the old rows; the same import then stores all the new ones', async () => {
    const db = join(ctx.dir, 'kill.duckdb');
    const old = await inFile(db, async (w) => {
      await importFile(w, { table: 'orders', file: file('a.csv', A) });
      return dump(w);
    });
    const b = file('b.csv', B);
    for (const fault of ['kill-mid-upsert', 'kill-before-commit']) {
      const killed = cli(['import', 'orders', b, '--mode', 'upsert', '--db', db], { RETAIN_FAULT: fault });
      expect(killed.signal, fault).toBe('SIGKILL');
      await inFile(db, async (w) => {
        expect(await dump(w), fault).toEqual(old);
        expect(await count(w, `SELECT count(*) FROM _replaced_orders`)).toBe(0);
        expect(await count(w, `SELECT count(*) FROM _imports`)).toBe(1);
      });
    }
    const again = cli(['import', 'orders', b, '--mode', 'upsert', '--db', db, '--format', 'json']);
    expect(JSON.parse(again.stdout)).toMatchObject({ importId: 2, accepted: 2, updated: 1 });
    expect(await inFile(db, amounts)).toEqual({ o1: [10, 1], o2: [26, 2], o3: [30, 1], o4: [40, 2], o5: [50, 2] });
  }, 180_000);

  it('kill -9 before an undo commits leaves the import in place; the undo then runs whole', async () => {
    const db = join(ctx.dir, 'undo.duckdb');
    const [afterA, afterB] = await inFile(db, async (w) => {
      await importFile(w, { table: 'orders', file: file('a.csv', A) });
      const a = await dump(w);
      await importFile(w, { table: 'orders', file: file('b.csv', B), mode: 'upsert' });
      return [a, await dump(w)];
    });
    const killed = cli(['imports', 'undo', '2', '--db', db], { RETAIN_FAULT: 'kill-undo-before-commit' });
    expect(killed.signal).toBe('SIGKILL');
    await inFile(db, async (w) => {
      expect(await dump(w)).toEqual(afterB);
      expect((await listImports(w))[1]!.undoneAt).toBeNull();
      expect(await count(w, `SELECT count(*) FROM _quarantine`)).toBe(1);
      await undoImport(w, 2);
      expect(await dump(w)).toEqual(afterA);
    });
  }, 180_000);
});
