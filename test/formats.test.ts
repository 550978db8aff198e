/** Parquet, gzip-compressed CSV, --input-format, the progress bar and every command's --help. */
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { COMMANDS } from '../src/cli/commands.js';
import { progressBar } from '../src/cli/progress.js';
import { importFile } from '../src/warehouse/import/import.js';
import type { Warehouse } from '../src/warehouse/warehouse.js';
import { count, memoryWorkspace, reasonsByRow, tmp, writeFixture } from './helpers/workspace.js';

let wh: Warehouse;
let dir: string;
beforeEach(async () => {
  wh = await memoryWorkspace();
  dir = tmp();
});
afterEach(async () => wh.close());

describe('file formats', () => {
  it('imports Parquet, numbering rows from 1 and keeping typed columns as text for validation', async () => {
    const file = join(dir, 'orders.parquet');
    // The test writes its Parquet file with the engine itself (through the workspace's SQL).
    await wh.exec(`COPY (SELECT * FROM (VALUES ('1', 'c1', TIMESTAMP '2024-01-01 10:00:00', 12.5), ('2', 'c2', TIMESTAMP '2024-01-02', -1.0))
      t(order_id, customer_id, ordered_at, amount)) TO '${file}' (FORMAT parquet)`);
    const s = await importFile(wh, { table: 'orders', file });
    expect(s).toMatchObject({ read: 2, accepted: 1, quarantined: 1 });
    expect((await reasonsByRow(wh, 'orders'))[2]).toEqual(['amount: "-1.0" is negative']);
    expect(await wh.query(`SELECT order_id, amount, CAST(ordered_at AS VARCHAR) AS t FROM orders`)).toEqual([
      { order_id: '1', amount: 12.5, t: '2024-01-01 10:00:00+00' },
    ]);
  });

  it('imports gzip-compressed CSV', async () => {
    const file = join(dir, 'orders.csv.gz');
    writeFileSync(file, gzipSync('order_id;customer_id;ordered_at;amount\n1;c;2024-01-01;3\n2;c;2024-01-01;4\n'));
    expect(await importFile(wh, { table: 'orders', file })).toMatchObject({ read: 2, accepted: 2 });
  });

  it('takes the format from --input-format when the extension does not tell', async () => {
    const f = writeFixture(dir, 'export.data', '{"order_id":"1","customer_id":"c","ordered_at":"2024-01-01","amount":1}\n');
    await expect(importFile(wh, { table: 'orders', file: f })).rejects.toMatchObject({ code: 'unknown-format' });
    expect(await importFile(wh, { table: 'orders', file: f, format: 'jsonl' })).toMatchObject({ accepted: 1 });
    expect(await count(wh, 'SELECT count(*) FROM orders')).toBe(1);
  });
});

describe('for people', () => {
  it('draws a progress bar on a terminal and nothing in a pipe', () => {
    const out: string[] = [];
    const fake = (isTTY: boolean) => ({ isTTY, write: (s: string) => out.push(s) }) as unknown as NodeJS.WriteStream;
    const bar = progressBar(fake(true));
    bar.update('orders: reading', 50);
    bar.done();
    expect(out.join('')).toContain('███████████████░░░░░░░░░░░░░░░ 50%');
    out.length = 0;
    const piped = progressBar(fake(false));
    piped.update('orders: reading', 50);
    piped.done();
    expect(out).toEqual([]);
  });

  it('every command has --help with examples', async () => {
    const commands = await Promise.all(COMMANDS.map(async (c) => (await c.load())()));
    expect(commands.map((c) => c.name()).sort()).toEqual(['config', 'customers', 'demo', 'import', 'imports', 'keys', 'metrics', 'model', 'quarantine', 'report', 'serve', 'sql', 'status', 'users', 'whatif']);
    // Every command a user runs: the top-level ones and, for a group (model, keys, users), each of its own.
    const GROUPS = ['model', 'keys', 'users'];
    const paths = commands.flatMap((c) => [[c.name()], ...(GROUPS.includes(c.name()) ? c.commands.map((sub) => [c.name(), sub.name()]) : [])]);
    expect(paths.filter((p) => p[0] === 'model').map((p) => p.join(' '))).toEqual(['model', 'model fit', 'model evaluate', 'model rfm', 'model nps-growth']);
    expect(paths.filter((p) => p[0] === 'keys').map((p) => p.join(' '))).toEqual(['keys', 'keys create', 'keys list', 'keys revoke']);
    expect(paths.filter((p) => p[0] === 'users').map((p) => p.join(' '))).toEqual(['users', 'users add', 'users list', 'users remove']);
    for (const p of paths) {
      const r = spawnSync(process.execPath, [join(import.meta.dirname, '..', 'bin', 'retain.js'), ...p, '--help'], { encoding: 'utf8' });
      expect(r.status, p.join(' ')).toBe(0);
      expect(r.stdout, p.join(' ')).toMatch(/Examples:\n\s+\$ retain /);
    }
  }, 60_000);
});
