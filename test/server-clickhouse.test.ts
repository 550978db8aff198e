/**
 * `retain serve --engine clickhouse --workspaces PREFIX` against a real ClickHouse server: every
 * database PREFIX + NAME holding a workspace is served as NAME, the accounts live in PREFIX +
 * accounts (not a workspace), a key works in its own workspace only, and ingest, which needs
 * transactions, answers 501. Needs RETAIN_TEST_CLICKHOUSE (.ci/run starts one); in CI it must run.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serve, stop, type Served } from './helpers/serve.js';

const URL = process.env.RETAIN_TEST_CLICKHOUSE;
if (!URL && process.env.CI) throw new Error('RETAIN_TEST_CLICKHOUSE is not set: .ci/run starts the ClickHouse servers.');
const BIN = join(import.meta.dirname, '..', 'bin', 'retain.js');
const PREFIX = `retain_t${process.pid}_`;
const ch = (args: string[], database?: string) =>
  spawnSync(process.execPath, [BIN, ...args, '--engine', 'clickhouse', '--url', URL!, ...(database ? ['--database', database] : [])], { encoding: 'utf8' });

describe.skipIf(!URL)('serving the workspaces of a ClickHouse server', () => {
  let s: Served;
  const keys = { shop: '', other: '' };

  beforeAll(async () => {
    for (const name of ['shop', 'other'] as const) {
      const demo = ch(['demo', '--customers', '20', '--months', '2', '--end', '2026-01-01'], PREFIX + name);
      expect(demo.status, demo.stderr).toBe(0);
      keys[name] = (JSON.parse(ch(['keys', 'create', '--kind', 'admin', '--format', 'json'], PREFIX + name).stdout) as { key: string }).key;
    }
    const user = spawnSync(process.execPath, [BIN, 'users', 'add', 'ana@example.com', '--role', 'viewer', '--engine', 'clickhouse', '--url', URL!, '--workspaces', PREFIX, '--workspace', 'shop', '--format', 'json'], { encoding: 'utf8' });
    expect(user.status, user.stderr).toBe(0);
    expect(JSON.parse(user.stdout)).toMatchObject({ workspace: 'shop', role: 'viewer' });
    s = await serve({ workspaces: PREFIX, workspace: 'shop' }, { args: ['--engine', 'clickhouse', '--url', URL!] });
  }, 180_000);

  afterAll(async () => {
    stop(s);
    for (const d of ['shop', 'other', 'accounts']) await fetch(`${URL}/?query=${encodeURIComponent(`DROP DATABASE IF EXISTS ${PREFIX}${d}`)}`, { method: 'POST' });
  });

  it('serves each database as a workspace, each key in its own only', async () => {
    const get = (path: string, key: string) => fetch(s.base + path, { headers: { authorization: `Bearer ${key}` } });
    expect(await (await get('/v1/workspaces', keys.shop)).json()).toEqual({ workspaces: [{ name: 'shop', role: 'admin key' }] });
    const status = (await (await get('/v1/workspaces/shop/status', keys.shop)).json()) as { tables: { table: string; rows: number }[] };
    expect(status.tables.find((t) => t.table === 'customers')!.rows).toBe(20);
    expect(await (await get('/v1/workspaces/shop/status', keys.other)).json()).toMatchObject({ status: 404, code: 'unknown-workspace' });
    // The accounts database is not a workspace.
    expect(await (await get('/v1/workspaces/accounts/status', keys.shop)).json()).toMatchObject({ status: 404, code: 'unknown-workspace' });
    // The invited viewer is waiting for her link; the server prints the owner's setup link, as none has one.
    expect(s.setupUrl).toMatch(/\/setup\?token=ri_/);
  });

  it('answers ingest 501: a ClickHouse workspace takes files', async () => {
    const res = await fetch(s.v1('/ingest/customers'), { method: 'POST', headers: { authorization: `Bearer ${keys.shop}`, 'content-type': 'application/json' }, body: '[]' });
    expect(await res.json()).toMatchObject({ status: 501, code: 'ingest-not-supported' });
  });
});
