/** Test helpers: a real DuckDB workspace (in memory) and real files in a temp folder. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach } from 'vitest';
import { openWorkspace } from '../../src/warehouse/open.js';
import type { Warehouse } from '../../src/warehouse/warehouse.js';

export const tmp = (): string => mkdtempSync(join(tmpdir(), 'retain-test-'));

export function writeFixture(dir: string, name: string, content: string): string {
  const p = join(dir, name);
  writeFileSync(p, content);
  return p;
}

export async function memoryWorkspace(): Promise<Warehouse> {
  return openWorkspace({ db: ':memory:' });
}

/** For each test of a file: a fresh in-memory workspace and temp folder (read them inside the tests). */
export function eachWorkspace(): { wh: Warehouse; dir: string } {
  const ctx = {} as { wh: Warehouse; dir: string };
  beforeEach(async () => {
    ctx.wh = await memoryWorkspace();
    ctx.dir = tmp();
  });
  afterEach(async () => ctx.wh.close());
  return ctx;
}

export async function count(wh: Warehouse, sql: string): Promise<number> {
  const [r] = await wh.query(sql);
  return Number(Object.values(r ?? {})[0]);
}

export async function reasonsByRow(wh: Warehouse, table: string): Promise<Record<number, string[]>> {
  const rows = await wh.query(`SELECT "row", reasons FROM _quarantine WHERE table_name = $1 ORDER BY "row"`, [table]);
  return Object.fromEntries(rows.map((r) => [Number(r.row), JSON.parse(String(r.reasons)) as string[]]));
}
