/**
 * The ingest contract over HTTP, against a real `retain serve` on loopback: the answer's shape
 * with per-row rejections, duplicates by key, both idempotency paths (a replay, and a key reused
 * with another body: 422), NDJSON, the 5 MB limit (413), who may call it, and rows committed
 * before the answer (a report on the other connection sees them at once).
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serve, stop, type Served } from './helpers/serve.js';
import { tmp } from './helpers/workspace.js';

const BIN = join(import.meta.dirname, '..', 'bin', 'retain.js');
const cli = (args: string[]) => spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8' });
const db = join(tmp(), 'ingest.duckdb');
const keys = { ingest: '', read: '' };

let served: Served;
let base = '';

beforeAll(async () => {
  for (const kind of ['ingest', 'read'] as const) {
    const r = cli(['keys', 'create', '--kind', kind, '--format', 'json', '--db', db]);
    expect(r.status, r.stderr).toBe(0);
    keys[kind] = (JSON.parse(r.stdout) as { key: string }).key;
  }
  served = await serve(db);
  base = served.base;
}, 60_000);

afterAll(() => stop(served));

const post = (table: string, body: string, o: { key?: string; type?: string; idempotencyKey?: string } = {}) =>
  fetch(served.v1(`/ingest/${table}`), {
    method: 'POST',
    headers: {
      authorization: `Bearer ${o.key ?? keys.ingest}`,
      'content-type': o.type ?? 'application/json',
      ...(o.idempotencyKey ? { 'idempotency-key': o.idempotencyKey } : {}),
    },
    body,
  });

const customers = (ids: readonly string[]) => JSON.stringify(ids.map((id) => ({ customer_id: id, created_at: '2026-01-05T10:00:00Z', country: 'DE' })));

describe('POST /v1/ingest/{table}', () => {
  it('answers accepted, duplicates and each rejected row with its index, field and code', async () => {
    const rows = [
      { customer_id: 'c1', created_at: '2026-01-05T10:00:00Z' },
      { customer_id: 'c2', created_at: 'not a time' }, // rejected: created_at
      { created_at: '2026-01-05T10:00:00Z' }, // rejected: customer_id missing
      { customer_id: 'c1', created_at: '2026-01-05T10:00:00Z' }, // a duplicate of row 0
    ];
    const res = await post('customers', JSON.stringify(rows));
    expect(res.status).toBe(200);
    const answer = (await res.json()) as { accepted: number; duplicates: number; rejected: { index: number; field: string; code: string; message: string }[] };
    expect(Object.keys(answer)).toEqual(['accepted', 'duplicates', 'rejected']);
    expect(answer).toMatchObject({ accepted: 1, duplicates: 1 });
    expect(answer.rejected.map((r) => [r.index, r.field])).toEqual([
      [1, 'created_at'],
      [2, 'customer_id'],
    ]);
    expect(answer.rejected.map((r) => r.code)).toEqual(['invalid_timestamp', 'required']);
    // Sent again: nothing new; the stored row is a duplicate, the bad rows are rejected again.
    const again = (await (await post('customers', JSON.stringify(rows))).json()) as { accepted: number; duplicates: number; rejected: unknown[] };
    expect(again).toMatchObject({ accepted: 0, duplicates: 2 });
    expect(again.rejected).toHaveLength(2);
  });

  it('gives a repeated request with its Idempotency-Key the first answer, and refuses the key with another body', async () => {
    const first = await post('customers', customers(['k1', 'k2']), { idempotencyKey: 'batch-1' });
    expect(first.status).toBe(200);
    expect(first.headers.get('idempotent-replayed')).toBeNull();
    expect(await first.json()).toEqual({ accepted: 2, duplicates: 0, rejected: [] });
    const replay = await post('customers', customers(['k1', 'k2']), { idempotencyKey: 'batch-1' });
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    // The first answer again (2 accepted), not a second one's (2 duplicates).
    expect(await replay.json()).toEqual({ accepted: 2, duplicates: 0, rejected: [] });
    const other = await post('customers', customers(['k3']), { idempotencyKey: 'batch-1' });
    expect(other.status).toBe(422);
    expect(other.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(await other.json()).toMatchObject({ status: 422, code: 'idempotency-key-reused' });
  });

  it('takes NDJSON, and says which line is not JSON', async () => {
    const ndjson = ['{"customer_id":"n1","created_at":"2026-01-06T00:00:00Z"}', '', '{"customer_id":"n2","created_at":"2026-01-06T00:00:00Z"}'].join('\n');
    expect(await (await post('customers', ndjson, { type: 'application/x-ndjson' })).json()).toEqual({ accepted: 2, duplicates: 0, rejected: [] });
    const bad = await post('customers', '{"customer_id":"n3","created_at":"2026-01-06T00:00:00Z"}\n{oops', { type: 'application/x-ndjson' });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ code: 'bad-ndjson', detail: expect.stringContaining('Line 2') });
  });

  it('refuses a body over 5 MB with 413, and stores nothing of it', async () => {
    const before = (await (await fetch(served.v1("/status"), { headers: { authorization: `Bearer ${keys.read}` } })).json()) as { tables: { table: string; rows: number }[] };
    const stored = before.tables.find((t) => t.table === 'customers')!.rows;
    const ids = Array.from({ length: 60_000 }, (_, i) => `big-${i}-${'x'.repeat(60)}`);
    const body = customers(ids);
    expect(body.length).toBeGreaterThan(5 * 1024 * 1024);
    // The server answers 413 as soon as it reads the length and closes the connection while the
    // client is still writing: the client reads the answer — or, when the close comes first, sees
    // the connection cut, and the server's log has the 413 it sent.
    const answer = await new Promise<{ status: number; body: string } | 'cut'>((resolve, reject) => {
      const req = request(served.v1("/ingest/customers"), { method: 'POST', headers: { authorization: `Bearer ${keys.ingest}`, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } }, (res) => {
        let text = '';
        res.on('data', (c: Buffer) => (text += c.toString()));
        res.on('end', () => resolve({ status: res.statusCode!, body: text }));
        res.on('error', () => resolve('cut'));
      });
      req.on('error', (e: NodeJS.ErrnoException) => (e.code === 'EPIPE' || e.code === 'ECONNRESET' ? setTimeout(() => resolve('cut'), 500) : reject(e)));
      req.end(body);
    });
    if (answer === 'cut') expect(served.log()).toMatch(/"statusCode":413/);
    else {
      expect(answer.status).toBe(413);
      expect(JSON.parse(answer.body)).toMatchObject({ status: 413, code: 'payload-too-large' });
    }
    // Nothing of it stored.
    const status = (await (await fetch(served.v1("/status"), { headers: { authorization: `Bearer ${keys.read}` } })).json()) as { tables: { table: string; rows: number }[] };
    expect(status.tables.find((t) => t.table === 'customers')!.rows).toBe(stored);
  });

  it('answers an unknown table 400 with the tables, and a read key 403', async () => {
    const unknown = await post('planets', '[]');
    expect(unknown.status).toBe(400);
    expect(await unknown.json()).toMatchObject({ status: 400 });
    expect((await post('customers', customers(['r1']), { key: keys.read })).status).toBe(403);
  });

  it('commits the rows before it answers: a read right after sees them', async () => {
    const before = await (await fetch(served.v1("/status"), { headers: { authorization: `Bearer ${keys.read}` } })).json() as { tables: { table: string; rows: number }[] };
    const had = before.tables.find((t) => t.table === 'customers')!.rows;
    expect(await (await post('customers', customers(['v1', 'v2', 'v3']))).json()).toMatchObject({ accepted: 3 });
    const after = await (await fetch(served.v1("/status"), { headers: { authorization: `Bearer ${keys.read}` } })).json() as { tables: { table: string; rows: number }[] };
    expect(after.tables.find((t) => t.table === 'customers')!.rows).toBe(had + 3);
  });

  it('commits concurrent requests, each with its own answer', async () => {
    const answers = await Promise.all(Array.from({ length: 10 }, (_, b) => post('customers', customers(Array.from({ length: 20 }, (_, i) => `g${b}-${i}`))).then((r) => r.json())));
    for (const a of answers) expect(a).toEqual({ accepted: 20, duplicates: 0, rejected: [] });
  });

  it('names the server to a command that cannot open the file it holds', () => {
    const r = cli(['config', 'set', 'currency', 'EUR', '--db', db]);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain(`retain serve (pid ${served.server.pid}, ${base}) holds this workspace: stop it first, or use its API`);
    expect(existsSync(`${db}.server.json`)).toBe(true);
  });

  it('exits 0 on SIGTERM, having committed what it acknowledged', async () => {
    const pending = post('customers', customers(['t1', 't2']));
    await new Promise((r) => setTimeout(r, 5));
    process.kill(served.server.pid!, 'SIGTERM');
    const res = await pending;
    expect(await res.json()).toMatchObject({ accepted: 2 });
    const code = await new Promise<number | null>((resolve) => (served.server.exitCode !== null ? resolve(served.server.exitCode) : served.server.on('exit', resolve)));
    expect(code, served.log()).toBe(0);
    // The file is free again (the note beside it gone) and holds the acknowledged rows.
    expect(existsSync(`${db}.server.json`)).toBe(false);
    const status = JSON.parse(cli(['sql', "SELECT count(*) AS n FROM customers WHERE customer_id IN ('t1', 't2')", '--format', 'json', '--db', db]).stdout) as { n: number }[];
    expect(Number(status[0]!.n)).toBe(2);
  });
});
