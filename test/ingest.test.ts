/**
 * Row ingest (src/warehouse/ingest/): per-row answers by the import's rules, duplicates, both
 * idempotency paths, the group commit and its bounded queue, and — with a process killed mid-load
 * — every row exactly once after re-sending every batch with its key. DuckDB file workspaces.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { UsageError } from '../src/warehouse/errors.js';
import { IdempotencyConflict } from '../src/warehouse/ingest/idempotency.js';
import { ingestBatch } from '../src/warehouse/ingest/ingest.js';
import { IngestWriter, QueueFull } from '../src/warehouse/ingest/writer.js';
import { importFile } from '../src/warehouse/import/import.js';
import { listImports, undoImport } from '../src/warehouse/import/imports-log.js';
import { openWorkspace } from '../src/warehouse/open.js';
import type { Warehouse } from '../src/warehouse/warehouse.js';
import { CRASH_BATCHES, CRASH_ROWS, crashBatch } from './helpers/ingest-batches.js';
import { count, memoryWorkspace, tmp, writeFixture } from './helpers/workspace.js';

let wh: Warehouse;
let db: string;
beforeEach(async () => {
  db = join(tmp(), 'w.duckdb');
  wh = await openWorkspace({ db });
});
afterEach(async () => wh.close());

const order = (id: string, more: Record<string, unknown> = {}) => ({ order_id: id, customer_id: 'c1', ordered_at: '2024-01-01T10:00:00Z', amount: 10, ...more });
const orders = (from: number, n: number, prefix = 'o') => Array.from({ length: n }, (_, i) => order(`${prefix}${from + i}`));

describe('a batch', () => {
  it('answers each rejected row with its index, field, code and message; the counts add up', async () => {
    const noCustomer: Record<string, unknown> = order('2');
    delete noCustomer.customer_id;
    const rows = [
      order('1'),
      noCustomer,
      order('3', { ordered_at: 'yesterday' }),
      order('1', { amount: 99 }), // order 1 again, later in the batch: a duplicate
      order('5', { amout: 3 }),
      'not a row',
      order('7', { channel: 'x'.repeat(70_000) }), // 70,000 characters of channel alone: over 64 KB
    ];
    const a = await ingestBatch(wh, 'orders', rows);
    // 7 rows = 1 accepted (row 0) + 1 duplicate (row 3) + 5 rejected (rows 1, 2, 4, 5, 6).
    expect(a).toEqual({
      accepted: 1,
      duplicates: 1,
      rejected: [
        { index: 1, field: 'customer_id', code: 'required', message: 'customer_id: missing (required)' },
        { index: 2, field: 'ordered_at', code: 'invalid_timestamp', message: 'ordered_at: "yesterday" is not an ISO 8601 timestamp (e.g. 2024-03-01 or 2024-03-01T14:30:00Z)' },
        { index: 4, field: 'amout', code: 'unknown_field', message: 'amout: is not a field of orders. Did you mean amount?' },
        { index: 5, field: null, code: 'not_an_object', message: 'row is not a JSON object' },
        { index: 6, field: null, code: 'row_too_large', message: expect.stringMatching(/^row is 70\d{3} bytes, more than the 65536 a row may have$/) },
      ],
    });
    // The first of key 1 won: amount 10, not the repeat's 99.
    expect(await wh.query(`SELECT order_id, amount FROM orders`)).toEqual([{ order_id: '1', amount: 10 }]);
    const [log] = await listImports(wh);
    expect(log).toMatchObject({ table: 'orders', format: 'ingest', read: 7, accepted: 1, duplicates: 1, quarantined: 5 });
  });

  it('rejects a score outside its survey scale', async () => {
    const a = await ingestBatch(wh, 'survey_responses', [{ response_id: 'r1', survey: 'nps', score: 11, responded_at: '2024-02-01' }]);
    expect(a).toEqual({ accepted: 0, duplicates: 0, rejected: [{ index: 0, field: 'score', code: 'out_of_range', message: 'score: "11" is outside the nps scale 0–10' }] });
  });

  it('rejects, and quarantines as an import would, a row only the workspace can fault (no FX rate)', async () => {
    // The workspace reports in USD and has no rates, so an order in EUR cannot be converted.
    const a = await ingestBatch(wh, 'orders', [order('1', { currency: 'EUR' }), order('2')]);
    expect(a.accepted).toBe(1);
    expect(a.rejected).toEqual([{ index: 0, field: 'currency', code: 'no_fx_rate', message: expect.stringMatching(/^currency: no FX rate for EUR on or before 2024-01-01 /) }]);
    expect(await count(wh, `SELECT count(*) FROM _quarantine WHERE table_name = 'orders' AND file = '(ingest)' AND "row" = 1`)).toBe(1);
  });

  it('counts a row whose key is stored as a duplicate, without an idempotency key too', async () => {
    await ingestBatch(wh, 'orders', orders(1, 3));
    // o2 and o3 are stored; o4 is new.
    expect(await ingestBatch(wh, 'orders', orders(2, 3))).toEqual({ accepted: 1, duplicates: 2, rejected: [] });
    expect(await count(wh, `SELECT count(*) FROM orders`)).toBe(4);
  });

  it('refuses an unknown table with a hint', async () => {
    await expect(ingestBatch(wh, 'order', [order('1')])).rejects.toMatchObject({ code: 'unknown-table', hint: expect.stringContaining('Did you mean orders?') });
    await expect(ingestBatch(wh, 'order', [])).rejects.toBeInstanceOf(UsageError);
  });

  it('corrects the client clock by sent_at and does not store sent_at', async () => {
    // The client's clock is 3 h ahead: it stamped the order at 14:30 and sent it at 15:00, its
    // time; received at 12:00 server time, the order happened 30 min before that: 11:30.
    const a = await ingestBatch(wh, 'orders', [order('1', { ordered_at: '2024-06-01T14:30:00Z', sent_at: '2024-06-01T15:00:00Z' })], { receivedAt: new Date('2024-06-01T12:00:00Z') });
    expect(a.accepted).toBe(1);
    expect(await count(wh, `SELECT epoch(ordered_at) FROM orders`)).toBe(Date.UTC(2024, 5, 1, 11, 30) / 1000);
  });
});

describe('the same rules as a file import', () => {
  it('stores, counts and rejects a batch as the same rows in a JSON lines file', async () => {
    const rows = [
      order('1'),
      order('2', { amount: '12.5', status: 'CANCELLED' }),
      order('1', { amount: 7 }),
      order('3', { ordered_at: '2024-13-01' }),
      order('4', { amount: -1 }),
      order('5', { currency: 'EUR' }),
      { order_id: '6', ordered_at: '2024-01-02', amount: 1 },
    ];
    const fileWh = await memoryWorkspace();
    const file = await importFile(fileWh, { table: 'orders', file: writeFixture(tmp(), 'o.jsonl', rows.map((r) => JSON.stringify(r)).join('\n') + '\n') });
    const a = await ingestBatch(wh, 'orders', rows);
    // Rows 0 and 1 stored; row 2 repeats order 1; rows 3–6 rejected (a 13th month, a negative amount, no EUR rate, no customer).
    expect(file).toMatchObject({ read: 7, accepted: 2, duplicates: 1, quarantined: 4 });
    expect({ accepted: a.accepted, duplicates: a.duplicates, rejected: a.rejected.map((r) => r.index) }).toEqual({ accepted: 2, duplicates: 1, rejected: [3, 4, 5, 6] });
    const stored = `SELECT order_id, customer_id, CAST(ordered_at AS VARCHAR) AS at, amount, currency, status FROM orders ORDER BY order_id`;
    expect(await wh.query(stored)).toEqual(await fileWh.query(stored));
    await fileWh.close();
  });
});

describe('idempotency keys', () => {
  it('gives a replay the first answer and stores nothing again; another body with the key is refused', async () => {
    const rows = [order('1'), order('1'), order('2', { amount: -1 })];
    const first = await ingestBatch(wh, 'orders', rows, { idempotencyKey: 'k1' });
    // 3 rows = 1 accepted + 1 duplicate (order 1 twice) + 1 rejected (a negative amount).
    expect(first).toEqual({ accepted: 1, duplicates: 1, rejected: [{ index: 2, field: 'amount', code: 'out_of_range', message: 'amount: "-1" is negative' }] });
    // The same rows with their fields in another order are the same body.
    const reordered = rows.map((r) => Object.fromEntries(Object.entries(r).reverse()));
    expect(await ingestBatch(wh, 'orders', reordered, { idempotencyKey: 'k1' })).toEqual({ ...first, replayed: true });
    expect(await count(wh, `SELECT count(*) FROM orders`)).toBe(1);
    expect(await count(wh, `SELECT count(*) FROM _imports`)).toBe(1);
    const other = ingestBatch(wh, 'orders', [order('3')], { idempotencyKey: 'k1' });
    await expect(other).rejects.toBeInstanceOf(IdempotencyConflict);
    await expect(other).rejects.toMatchObject({ code: 'idempotency-key-reused' });
    expect(await count(wh, `SELECT count(*) FROM orders`)).toBe(1);
  });

  it('refuses an empty key and one over 255 characters', async () => {
    await expect(ingestBatch(wh, 'orders', [order('1')], { idempotencyKey: '' })).rejects.toMatchObject({ code: 'bad-idempotency-key' });
    await expect(ingestBatch(wh, 'orders', [order('1')], { idempotencyKey: 'k'.repeat(256) })).rejects.toMatchObject({ code: 'bad-idempotency-key', message: expect.stringContaining('this one has 256') });
    expect(await count(wh, `SELECT count(*) FROM orders`)).toBe(0);
  });
});

describe('undo', () => {
  it('undoing an ingested batch forgets its key, so the batch re-sent with it is stored again', async () => {
    const first = await ingestBatch(wh, 'orders', orders(1, 2), { idempotencyKey: 'k' });
    const [log] = await listImports(wh);
    expect(await undoImport(wh, log!.id)).toMatchObject({ removed: 2 });
    expect(await count(wh, `SELECT count(*) FROM _ingest_keys`)).toBe(0);
    expect(await ingestBatch(wh, 'orders', orders(1, 2), { idempotencyKey: 'k' })).toEqual(first);
    expect(await count(wh, `SELECT count(*) FROM orders`)).toBe(2);
  });
});

/** The workspace with its transactions counted: the same engine, each transaction() call tallied. */
function counting(w: Warehouse): { wh: Warehouse; transactions: () => number } {
  let n = 0;
  const counted = Object.create(w, { transaction: { value: <T>(fn: () => Promise<T>) => (n++, w.transaction(fn)) } }) as Warehouse;
  return { wh: counted, transactions: () => n };
}

describe('the group commit', () => {
  it('commits 20 concurrent batches of 100 rows in one transaction, each with its own answer', async () => {
    const c = counting(wh);
    const writer = new IngestWriter(c.wh);
    // Batches 0–18 are new orders; batch 19 repeats the first 10 orders of batch 0, then 90 new.
    const batches = Array.from({ length: 20 }, (_, k) => (k < 19 ? orders(k * 100, 100) : [...orders(0, 10), ...orders(1900, 90)]));
    const answers = await Promise.all(batches.map((rows, k) => writer.submit('orders', rows, `g${k}`)));
    answers.slice(0, 19).forEach((a) => expect(a).toEqual({ accepted: 100, duplicates: 0, rejected: [] }));
    expect(answers[19]).toEqual({ accepted: 90, duplicates: 10, rejected: [] });
    // Submitted in one tick, the 2,000 rows are under a group's 10,000: one transaction.
    expect(c.transactions()).toBe(1);
    expect(writer.stats).toEqual({ groups: 1, batches: 20, rows: 2000 });
    // 19 × 100 + 90 distinct orders.
    expect(await count(wh, `SELECT count(DISTINCT order_id) FROM orders`)).toBe(1990);
    expect(await count(wh, `SELECT count(*) FROM orders`)).toBe(1990);
    await writer.close();
  });

  it('commits as soon as a group is full, never more rows in a group than it takes', async () => {
    const writer = new IngestWriter(wh, { maxGroupRows: 150 });
    // 100 + 100 rows fill a group of 150 past full, so the first 100 go at once; no two batches fit one group.
    const answers = await Promise.all([0, 100, 200].map((from) => writer.submit('orders', orders(from, 100))));
    expect(answers.map((a) => a.accepted)).toEqual([100, 100, 100]);
    expect(writer.stats).toEqual({ groups: 3, batches: 3, rows: 300 });
    await writer.close();
  });

  it('answers a key sent twice in one group once: the same body gets the first answer, another body an error', async () => {
    const writer = new IngestWriter(wh);
    const [first, again, other] = [
      writer.submit('orders', orders(1, 2), 'k'),
      writer.submit('orders', orders(1, 2), 'k'),
      writer.submit('orders', orders(5, 1), 'k'),
    ];
    expect(await first).toEqual({ accepted: 2, duplicates: 0, rejected: [] });
    expect(await again).toEqual({ accepted: 2, duplicates: 0, rejected: [], replayed: true });
    await expect(other).rejects.toBeInstanceOf(IdempotencyConflict);
    expect(writer.stats.groups).toBe(1);
    expect(await count(wh, `SELECT count(*) FROM orders`)).toBe(2);
    await writer.close();
  });

  it('stores the batches of one group for a latest-snapshot table one after the other', async () => {
    const writer = new IngestWriter(wh);
    const post = (likes: number) => [{ post_id: 'p1', channel: 'x', posted_at: '2024-01-01', likes }];
    // p1 new (accepted), then changed (accepted: it replaces), then the same again (a duplicate).
    const answers = await Promise.all([writer.submit('social_posts', post(3)), writer.submit('social_posts', post(8)), writer.submit('social_posts', post(8))]);
    expect(answers.map((a) => [a.accepted, a.duplicates])).toEqual([
      [1, 0],
      [1, 0],
      [0, 1],
    ]);
    expect(writer.stats.groups).toBe(1);
    expect(await wh.query(`SELECT post_id, likes FROM social_posts`)).toEqual([{ post_id: 'p1', likes: 8 }]);
    await writer.close();
  });

  it('refuses a batch the queue has no room for at once, and commits every batch it took', async () => {
    const writer = new IngestWriter(wh, { maxQueueRows: 250 });
    const taken = [writer.submit('orders', orders(0, 100)), writer.submit('orders', orders(100, 100))];
    // 200 rows held + 100 more = 300 > 250.
    const refused = writer.submit('orders', orders(200, 100));
    await expect(refused).rejects.toBeInstanceOf(QueueFull);
    await expect(refused).rejects.toMatchObject({ code: 'ingest-queue-full', retryAfterSeconds: 1 });
    expect(writer.depth).toBe(200);
    for (const a of await Promise.all(taken)) expect(a.accepted).toBe(100);
    expect(await count(wh, `SELECT count(*) FROM orders`)).toBe(200);
    expect(writer.depth).toBe(0);
    await writer.close();
    await expect(writer.submit('orders', orders(300, 1))).rejects.toMatchObject({ code: 'ingest-closed' });
  });

  it('fails every batch of a group whose transaction fails, and stores none of them', async () => {
    const writer = new IngestWriter(wh);
    // Without its orders table the group's transaction fails when it stores the orders batch.
    await wh.exec(`ALTER TABLE orders RENAME TO orders_away`);
    const customers = writer.submit('customers', [{ customer_id: 'c1', created_at: '2024-01-01' }]);
    const ords = writer.submit('orders', [order('1')]);
    await expect(customers).rejects.toThrow();
    await expect(ords).rejects.toThrow();
    await wh.exec(`ALTER TABLE orders_away RENAME TO orders`);
    expect(await count(wh, `SELECT count(*) FROM customers`)).toBe(0);
    expect(await count(wh, `SELECT count(*) FROM _imports`)).toBe(0);
    // The writer goes on: the same batch now commits.
    expect(await writer.submit('customers', [{ customer_id: 'c1', created_at: '2024-01-01' }])).toEqual({ accepted: 1, duplicates: 0, rejected: [] });
    await writer.close();
  });
});

const CHILD = join(import.meta.dirname, 'helpers', 'ingest-child.ts');

describe('crash safety', () => {
  it('a writer killed before its first group commits leaves nothing of it', async () => {
    await wh.close();
    const child = spawn(process.execPath, ['--import', 'tsx', CHILD, db], { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, RETAIN_FAULT: 'kill-ingest-before-commit' } });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    const signal = await new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, s) => resolve(s)));
    expect(signal).toBe('SIGKILL');
    expect(out).toBe('');
    wh = await openWorkspace({ db });
    // The first group had stored and logged four batches, with their keys, when it was killed.
    expect(await count(wh, `SELECT (SELECT count(*) FROM orders) + (SELECT count(*) FROM _imports) + (SELECT count(*) FROM _ingest_keys)`)).toBe(0);
  }, 60_000);

  it('a writer killed mid-load, then every batch re-sent with its key: every row exactly once', async () => {
    await wh.close();
    const acked = new Set<string>();
    const child = spawn(process.execPath, ['--import', 'tsx', CHILD, db], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      for (const line of out.split('\n').slice(0, -1)) acked.add(line.replace(/^ack /, ''));
      out = out.slice(out.lastIndexOf('\n') + 1);
      // Killed once a few waves are acknowledged, while the rest are in flight.
      if (acked.size >= 12) child.kill('SIGKILL');
    });
    const signal = await new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, s) => resolve(s)));
    // The kill must land mid-load, or this proves nothing.
    expect(signal).toBe('SIGKILL');
    expect(acked.size).toBeLessThan(CRASH_BATCHES);

    wh = await openWorkspace({ db });
    for (let i = 0; i < CRASH_BATCHES; i++) {
      const b = crashBatch(i);
      const a = await ingestBatch(wh, 'orders', b.rows, { idempotencyKey: b.key });
      // An acknowledged batch was committed: its re-send is a replay. Any other is stored now, or was whole.
      if (acked.has(b.key)) expect(a).toEqual({ accepted: CRASH_ROWS, duplicates: 0, rejected: [], replayed: true });
      else expect(a).toMatchObject({ accepted: CRASH_ROWS, duplicates: 0, rejected: [] });
    }
    // 40 batches × 100 rows, each once.
    expect(await count(wh, `SELECT count(*) FROM orders`)).toBe(CRASH_BATCHES * CRASH_ROWS);
    expect(await count(wh, `SELECT count(DISTINCT order_id) FROM orders`)).toBe(CRASH_BATCHES * CRASH_ROWS);
    expect(await count(wh, `SELECT count(*) FROM _ingest_keys`)).toBe(CRASH_BATCHES);
  }, 60_000);
});
