/**
 * The quarantine tells the truth: each record with its record number and its file line (they
 * differ after blank lines and quoted line breaks, counted here by hand), records leaving once
 * their key is stored by any import, status and list counting open records only, and retry
 * giving a record the verdict its import gave.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { importFile } from '../src/warehouse/import/import.js';
import { exportQuarantine, listQuarantine, quarantineCounts, retryQuarantine } from '../src/warehouse/import/quarantine.js';
import { openWorkspace } from '../src/warehouse/open.js';
import type { Warehouse } from '../src/warehouse/warehouse.js';
import { memoryWorkspace, tmp, writeFixture } from './helpers/workspace.js';

const BIN = join(import.meta.dirname, '..', 'bin', 'retain.js');

let wh: Warehouse;
let dir: string;
beforeEach(async () => {
  wh = await memoryWorkspace();
  dir = tmp();
});
afterEach(async () => wh.close());

/** Lines numbered as an editor shows them, beside each record's number. */
const CUSTOMERS = [
  'customer_id,created_at,name', //          line 1: the header
  'c1,2024-01-01,Ann', //                     line 2: record 1
  '', //                                      line 3: blank
  'c2,2024-01-02,"two', //                    line 4: record 2 …
  'lines"', //                                line 5: … its quoted line break
  '', //                                      line 6: blank
  '', //                                      line 7: blank
  'c3,notadate,Bob', //                       line 8: record 3, bad date
  'c4,2024-01-03,Cy,extra', //                line 9: record 4, a field too many
  '"c5",2024-01-04,"x', //                    line 10: record 5 …
  '', //                                      line 11: … a blank line inside its value …
  'y"', //                                    line 12: … its end
  ',2024-01-05,NoId', //                      line 13: record 6, no id
];
const EXPECTED = [
  { row: 3, line: 8, reasons: ['created_at: "notadate" is not an ISO 8601 timestamp (e.g. 2024-03-01 or 2024-03-01T14:30:00Z)'] },
  { row: 4, line: 9, reasons: ['record has more fields than the header (check the delimiter and quoting)'] },
  { row: 6, line: 13, reasons: ['customer_id: missing (required)'] },
];

describe('record and line numbers', () => {
  it('CSV: blank lines and quoted line breaks before a bad record move its line, not its number', async () => {
    const s = await importFile(wh, { table: 'customers', file: writeFixture(dir, 'c.csv', CUSTOMERS.join('\n') + '\n') });
    expect(s).toMatchObject({ read: 6, accepted: 3, quarantined: 3 });
    expect((await listQuarantine(wh)).map(({ row, line, reasons }) => ({ row, line, reasons }))).toEqual(EXPECTED);
    const exported = await exportQuarantine(wh, 'customers');
    expect(exported.columns.slice(-4)).toEqual(['_file', '_row', '_line', '_reasons']);
    expect(exported.rows.map((r) => [r.customer_id, r._row, r._line])).toEqual([['c3', '3', '8'], ['c4', '4', '9'], ['', '6', '13']]);
  });

  it('CSV with CRLF line ends: the same lines', async () => {
    await importFile(wh, { table: 'customers', file: writeFixture(dir, 'c.csv', CUSTOMERS.join('\r\n') + '\r\n') });
    expect((await listQuarantine(wh)).map(({ row, line }) => ({ row, line }))).toEqual(EXPECTED.map(({ row, line }) => ({ row, line })));
  });

  it('a file with no record to quarantine needs no line pass, and its good rows all arrive', async () => {
    const s = await importFile(wh, { table: 'customers', file: writeFixture(dir, 'c.csv', CUSTOMERS.slice(0, 8).join('\n').replace('notadate', '2024-01-09') + '\n') });
    expect(s).toMatchObject({ read: 3, accepted: 3, quarantined: 0 });
  });

  it('JSON lines: a record number is its line, blank lines counted', async () => {
    const f = writeFixture(dir, 'c.jsonl', ['{"customer_id":"a","created_at":"2024-01-01"}', '', '{"customer_id":"b","created_at":"bad"}', '[1,2]', ''].join('\n'));
    await importFile(wh, { table: 'customers', file: f });
    expect((await listQuarantine(wh)).map(({ row, line }) => ({ row, line }))).toEqual([
      { row: 3, line: 3 },
      { row: 4, line: 4 },
    ]);
  });

  it('a workspace made before the line column gets it on open; its records show no line', async () => {
    const db = join(dir, 'old.duckdb');
    const old = await openWorkspace({ db });
    await old.exec(`DROP TABLE _quarantine`);
    await old.exec(`CREATE TABLE _quarantine (table_name VARCHAR, row_hash VARCHAR, key_text VARCHAR, file VARCHAR, "row" BIGINT,
      raw VARCHAR, reasons VARCHAR, import_id BIGINT, quarantined_at TIMESTAMPTZ)`);
    await old.exec(`INSERT INTO _quarantine VALUES ('customers', 'h', 'x', 'f.csv', 2, '{"customer_id":"x"}', '["created_at: missing (required)"]', 1, now())`);
    await old.close();
    const reopened = await openWorkspace({ db });
    try {
      expect((await listQuarantine(reopened)).map(({ row, line }) => ({ row, line }))).toEqual([{ row: 2, line: null }]);
      await importFile(reopened, { table: 'customers', file: writeFixture(dir, 'c.csv', CUSTOMERS.join('\n')) });
      // Ordered by file: the temp folder's path sorts before f.csv.
      expect((await listQuarantine(reopened)).map((q) => q.line)).toEqual([8, 9, 13, null]);
    } finally {
      await reopened.close();
    }
  });
});

const H = 'order_id,customer_id,ordered_at,amount\n';

describe('resolution: a record leaves once its key is stored', () => {
  it('by a later import of another file (insert mode)', async () => {
    await importFile(wh, { table: 'orders', file: writeFixture(dir, 'a.csv', `${H}1,c1,2024-01-01,10\n2,c1,2024-01-02,x\n3,c1,2024-01-03,y\n`) });
    expect(await quarantineCounts(wh)).toEqual({ orders: 2 });
    const b = await importFile(wh, { table: 'orders', file: writeFixture(dir, 'b.csv', `${H}2,c1,2024-01-02,7\n`) });
    expect(b).toMatchObject({ read: 1, accepted: 1 });
    expect((await listQuarantine(wh)).map((q) => q.raw.order_id)).toEqual(['3']);
  });

  it('when its key was stored before it was quarantined: nothing is left to correct', async () => {
    await importFile(wh, { table: 'orders', file: writeFixture(dir, 'a.csv', `${H}5,c1,2024-01-01,10\n`) });
    const b = await importFile(wh, { table: 'orders', file: writeFixture(dir, 'b.csv', `${H}5,c1,2024-01-01,oops\n6,c1,2024-01-01,oops\n`) });
    // Both records were rejected, and the summary says so; only 6 is open.
    expect(b).toMatchObject({ read: 2, accepted: 0, duplicates: 0, quarantined: 2 });
    expect((await listQuarantine(wh)).map((q) => q.raw.order_id)).toEqual(['6']);
    expect(await quarantineCounts(wh)).toEqual({ orders: 1 });
  });

  it('when the same file stores its key after it (a bad row, then the good one)', async () => {
    const s = await importFile(wh, { table: 'orders', file: writeFixture(dir, 'a.csv', `${H}8,c1,2024-01-01,bad\n8,c1,2024-01-01,8\n`) });
    expect(s).toMatchObject({ read: 2, accepted: 1, quarantined: 1 });
    expect(await quarantineCounts(wh)).toEqual({});
  });

  it('a latest-snapshot table keeps a bad newer row open until a row of its key arrives', async () => {
    const h = 'post_id,channel,posted_at,likes\n';
    await importFile(wh, { table: 'social_posts', file: writeFixture(dir, 'a.csv', `${h}p1,x,2024-01-01,3\n`) });
    await importFile(wh, { table: 'social_posts', file: writeFixture(dir, 'b.csv', `${h}p1,x,2024-01-01,many\n`) });
    // Corrected, it would replace the stored row: it is open.
    expect(await quarantineCounts(wh)).toEqual({ social_posts: 1 });
    await importFile(wh, { table: 'social_posts', file: writeFixture(dir, 'c.csv', `${h}p1,x,2024-01-01,9\n`) });
    expect(await quarantineCounts(wh)).toEqual({});
  });

  it('retry resolves too, and status and quarantine list count open records only', async () => {
    const db = join(dir, 'w.duckdb');
    const w = await openWorkspace({ db });
    try {
      await importFile(w, { table: 'orders', file: writeFixture(dir, 'a.csv', `${H}1,c1,2024-01-01,10\n2,c1,2024-01-02,x\n3,c1,2024-01-03,y\n1,c1,2024-01-01,z\n`) });
      await importFile(w, { table: 'orders', file: writeFixture(dir, 'b.csv', `${H}3,c1,2024-01-03,3\n`) });
    } finally {
      await w.close();
    }
    const status = spawnSync(process.execPath, [BIN, 'status', '--db', db, '--format', 'json'], { encoding: 'utf8' });
    expect(status.status).toBe(0);
    const orders = (JSON.parse(status.stdout) as { tables: { table: string; rows: number; quarantined: number }[] }).tables.find((t) => t.table === 'orders');
    expect(orders).toEqual({ table: 'orders', rows: 2, quarantined: 1 });
    const list = spawnSync(process.execPath, [BIN, 'quarantine', 'list', '--db', db, '--format', 'json'], { encoding: 'utf8' });
    expect(list.status).toBe(0);
    expect((JSON.parse(list.stdout) as { row: number; line: number }[]).map(({ row, line }) => ({ row, line }))).toEqual([{ row: 2, line: 3 }]);
  }, 120_000);
});

describe('retry applies exactly the import rules', () => {
  it('a record with more fields than the header stays quarantined, with every reason it had', async () => {
    const f = writeFixture(dir, 'c.csv', 'customer_id,created_at,name\nc1,2024-01-01,Ann,extra\nc2,notadate,Bo,x,y\nc3,2024-01-01,Cy\n');
    await importFile(wh, { table: 'customers', file: f });
    const before = await listQuarantine(wh);
    expect(before.map((q) => q.reasons)).toEqual([
      ['record has more fields than the header (check the delimiter and quoting)'],
      ['record has more fields than the header (check the delimiter and quoting)', 'created_at: "notadate" is not an ISO 8601 timestamp (e.g. 2024-03-01 or 2024-03-01T14:30:00Z)'],
    ]);
    const [s] = await retryQuarantine(wh, 'customers');
    expect(s).toMatchObject({ read: 2, accepted: 0, duplicates: 0, quarantined: 2 });
    expect(await listQuarantine(wh)).toEqual(before);
    expect(await wh.query(`SELECT customer_id FROM customers`)).toEqual([{ customer_id: 'c3' }]);
  });

  it('a JSON line that is no object stays as its import left it', async () => {
    await importFile(wh, { table: 'customers', file: writeFixture(dir, 'c.jsonl', '[1]\n"text"\n{"customer_id":"a","created_at":"x"}\n') });
    const before = await listQuarantine(wh);
    expect(before.map((q) => q.reasons[0])).toEqual(['line is not a JSON object', 'line is not a JSON object', 'created_at: "x" is not an ISO 8601 timestamp (e.g. 2024-03-01 or 2024-03-01T14:30:00Z)']);
    await retryQuarantine(wh, 'customers');
    expect(await listQuarantine(wh)).toEqual(before);
  });
});
