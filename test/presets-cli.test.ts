/**
 * The preset path of the CLI, as a user runs it (bin/retain.js spawned): a named preset with the
 * JSON summary, a preset recognised from the header with the terminal summary, the usage errors,
 * and a process killed before COMMIT leaving none of the preset's tables written.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { presetFile } from '../src/cli/commands/import-preset.js';
import { openWorkspace } from '../src/warehouse/open.js';
import { count, tmp, writeFixture } from './helpers/workspace.js';

const BIN = join(import.meta.dirname, '..', 'bin', 'retain.js');
const FIXTURES = join(import.meta.dirname, 'fixtures', 'presets');
const cli = (args: string[], env: Record<string, string> = {}) => spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', env: { ...process.env, ...env } });

async function rowsIn(db: string, tables: readonly string[]): Promise<Record<string, number>> {
  const ws = await openWorkspace({ db, readOnly: true });
  try {
    const out: Record<string, number> = {};
    for (const t of tables) out[t] = await count(ws, `SELECT count(*) FROM ${t}`);
    return out;
  } finally {
    await ws.close();
  }
}

describe('the arguments of a preset import', () => {
  it('are the file alone; a table alone is a forgotten file, a table beside --preset one too many', () => {
    expect(presetFile('export.csv', undefined, undefined)).toBe('export.csv');
    expect(presetFile('export.csv', undefined, 'shopify-orders')).toBe('export.csv');
    expect(() => presetFile('orders', undefined, undefined)).toThrow(/retain import orders: name the file to import/);
    expect(() => presetFile('orders', 'export.csv', 'shopify-orders')).toThrow(/--preset shopify-orders names the tables itself/);
  });
});

describe('retain import with a preset', () => {
  it('--preset NAME FILE imports every table and prints one JSON summary', () => {
    const db = join(tmp(), 'w.duckdb');
    const r = cli(['import', '--preset', 'zendesk-tickets', join(FIXTURES, 'zendesk-tickets.csv'), '--timezone', 'Europe/Berlin', '--db', db, '--format', 'json']);
    expect(r.status, r.stderr).toBe(0);
    const s = JSON.parse(r.stdout) as { preset: string; detected: boolean; tables: { table: string; read: number; accepted: number; preset: string }[]; skipped: unknown[] };
    expect(s).toMatchObject({ preset: 'zendesk-tickets', detected: false, skipped: [{ reason: 'tickets without a Good or Bad rating (no CSAT answer)', lines: 2, tables: ['survey_responses'] }] });
    expect(s.tables.map((t) => [t.table, t.read, t.accepted, t.preset])).toEqual([
      ['tickets', 4, 4, 'zendesk-tickets'],
      ['survey_responses', 2, 2, 'zendesk-tickets'],
    ]);
  });

  it('recognises the export from its header and says so on the terminal', async () => {
    const db = join(tmp(), 'w.duckdb');
    const r = cli(['import', join(FIXTURES, 'invoice-lines.csv'), '--db', db]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^preset invoice-lines \(recognised from the header\)/);
    expect(r.stdout).toMatch(/returns ← .*invoice-lines\.csv/);
    expect(r.stdout).toMatch(/2 {3}lines without a customer \(customers, orders, order_items, returns\)/);
    expect(await rowsIn(db, ['customers', 'orders', 'order_items', 'returns'])).toEqual({ customers: 3, orders: 3, order_items: 4, returns: 2 });
  });

  it('names a missing --timezone as a usage error', () => {
    const tz = cli(['import', join(FIXTURES, 'zendesk-tickets.csv'), '--db', join(tmp(), 'w.duckdb')]);
    expect(tz.status).toBe(2);
    expect(tz.stderr).toMatch(/zendesk-tickets preset needs --timezone/);
  });

  it('--dry-run counts what the import would store and writes nothing, not even a workspace file', async () => {
    const dir = tmp();
    const fresh = join(dir, 'fresh.duckdb');
    const dry = cli(['import', join(FIXTURES, 'shopify-orders-messy.csv'), '--dry-run', '--db', fresh, '--format', 'json']);
    expect(dry.status, dry.stderr).toBe(0);
    const s = JSON.parse(dry.stdout) as { dryRun: boolean; tables: { table: string; read: number; accepted: number; quarantined: number }[] };
    expect(s.dryRun).toBe(true);
    expect(existsSync(fresh)).toBe(false);
    // The same counts as the import then reports, and before it the workspace holds none of them.
    const db = join(dir, 'w.duckdb');
    expect(cli(['import', 'customers', writeFixture(dir, 'c.csv', 'customer_id,created_at\nzed@example.com,2025-01-01\n'), '--db', db]).status).toBe(0);
    const again = JSON.parse(cli(['import', join(FIXTURES, 'shopify-orders-messy.csv'), '--dry-run', '--db', db, '--format', 'json']).stdout) as typeof s;
    expect(await rowsIn(db, ['customers', 'orders', 'order_items', '_quarantine'])).toEqual({ customers: 1, orders: 0, order_items: 0, _quarantine: 0 });
    const real = JSON.parse(cli(['import', join(FIXTURES, 'shopify-orders-messy.csv'), '--db', db, '--format', 'json']).stdout) as typeof s;
    const counts = (x: typeof s) => x.tables.map(({ table, read, accepted, quarantined }) => ({ table, read, accepted, quarantined }));
    expect(counts(again)).toEqual(counts(real));
    expect(counts(real).find((t) => t.table === 'customers')).toEqual({ table: 'customers', read: 4, accepted: 2, quarantined: 2 });
  });

  it('refuses the options a preset decides itself, naming them', () => {
    const r = cli(['import', '--preset', 'shopify-orders', join(FIXTURES, 'shopify-orders.csv'), '--decimal-comma', '--map', 'Name=order_id', '--db', join(tmp(), 'w.duckdb')]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/--decimal-comma, --map: a preset reads its vendor's export as that vendor writes it/);
  });

  it('quarantines a grouped row with the record and file line of its first line', async () => {
    const db = join(tmp(), 'w.duckdb');
    expect(cli(['import', join(FIXTURES, 'shopify-orders-messy.csv'), '--db', db]).status).toBe(0);
    const ws = await openWorkspace({ db, readOnly: true });
    try {
      // Order #2003 spans records 3 and 4 (file lines 4 and 5): it is quarantined at its first.
      const rows = await ws.query(`SELECT "row", line FROM _quarantine WHERE table_name = 'orders' AND raw LIKE '%#2003%'`);
      expect(rows.map((r) => [Number(r.row), Number(r.line)])).toEqual([[3, 4]]);
    } finally {
      await ws.close();
    }
  });

  it('a process killed before COMMIT leaves none of the tables written', async () => {
    const db = join(tmp(), 'w.duckdb');
    const killed = cli(['import', '--preset', 'shopify-orders', join(FIXTURES, 'shopify-orders.csv'), '--db', db], { RETAIN_FAULT: 'kill-before-commit' });
    expect(killed.signal).toBe('SIGKILL');
    const tables = ['customers', 'orders', 'order_items', 'returns', '_imports', '_quarantine'];
    expect(await rowsIn(db, tables)).toEqual(Object.fromEntries(tables.map((t) => [t, 0])));
  });
});
