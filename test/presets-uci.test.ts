/**
 * invoice-lines on the UCI Online Retail file (541,909 invoice lines, 2010-12 … 2011-12): the
 * preset's totals against the same totals computed by DuckDB directly from the file, in this test.
 * The whole file takes about 25 s here on a busy 2-core machine (the import alone about 20 s), so
 * by default the test reads a deterministic slice, its first 100,000 lines;
 * RETAIN_TEST_UCI_FULL=1 reads the whole file (and checks its known line counts too).
 * Skipped when the shared data folder is absent.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importPreset, type PresetImportSummary } from '../src/warehouse/import/presets/run.js';
import type { Warehouse } from '../src/warehouse/warehouse.js';
import { memoryWorkspace, tmp } from './helpers/workspace.js';

const SOURCE = join(import.meta.dirname, '..', '..', 'shared', 'data', 'uci_online_retail', 'online_retail_uci_2010_2011.csv.gz');
const FULL = process.env.RETAIN_TEST_UCI_FULL === '1';
const SLICE_LINES = 100_000;

/** The file the test reads: the whole one, or its header and first SLICE_LINES lines. */
function testFile(): string {
  if (FULL) return SOURCE;
  const text = gunzipSync(readFileSync(SOURCE)).toString('utf8');
  let end = 0;
  for (let n = 0; n <= SLICE_LINES; n++) end = text.indexOf('\n', end) + 1;
  const file = join(tmp(), 'online_retail_slice.csv');
  writeFileSync(file, text.slice(0, end));
  return file;
}

/** Totals straight from the file: every field read as text, as the file has it. */
async function direct(file: string, sql: string): Promise<Record<string, unknown>> {
  const db = await DuckDBInstance.create(':memory:');
  const con = await db.connect();
  try {
    await con.run(`CREATE VIEW f AS SELECT * FROM read_csv('${file}', header = true, all_varchar = true)`);
    const r = await con.runAndReadAll(sql);
    return r.getRowObjectsJson()[0] ?? {};
  } finally {
    con.closeSync();
  }
}

describe.skipIf(!existsSync(SOURCE))('invoice-lines on the UCI Online Retail file', () => {
  let wh: Warehouse;
  let s: PresetImportSummary;
  let file: string;
  beforeAll(async () => {
    file = testFile();
    wh = await memoryWorkspace();
    s = await importPreset(wh, { file, timezone: 'Europe/London' });
  }, 300_000);
  afterAll(async () => wh.close());

  it('reads every line: lines = order lines + credit lines + lines without a customer', async () => {
    const t = Object.fromEntries(s.tables.map((x) => [x.table, x]));
    const want = await direct(file, `SELECT count(*) AS lines, count(*) FILTER (WHERE CustomerID IS NULL) AS anonymous FROM f`);
    expect(s.lines).toBe(FULL ? 541_909 : SLICE_LINES);
    expect(s.lines).toBe(Number(want.lines));
    const skipped = s.skipped.find((k) => k.reason === 'lines without a customer')?.lines;
    expect(skipped).toBe(Number(want.anonymous));
    if (FULL) expect(skipped).toBe(135_080);
    expect(t.order_items!.read + t.returns!.read + skipped!).toBe(s.lines);
    for (const x of s.tables) expect(x.read).toBe(x.accepted + x.duplicates + x.quarantined);
  });

  it('gives the totals DuckDB computes from the file itself', async () => {
    const want = await direct(file, `SELECT
        count(DISTINCT InvoiceNo) FILTER (WHERE CustomerID IS NOT NULL AND NOT (InvoiceNo LIKE 'C%' OR Quantity LIKE '-%')) AS invoices,
        count(DISTINCT InvoiceNo) FILTER (WHERE CustomerID IS NOT NULL AND InvoiceNo LIKE 'C%') AS c_invoices,
        count(*) FILTER (WHERE CustomerID IS NOT NULL AND (InvoiceNo LIKE 'C%' OR Quantity LIKE '-%')) AS credit_lines,
        count(DISTINCT CustomerID) FILTER (WHERE CustomerID IS NOT NULL) AS customers,
        round(sum(CAST(Quantity AS DECIMAL(18, 4)) * CAST(UnitPrice AS DECIMAL(18, 4))) FILTER (WHERE CustomerID IS NOT NULL AND NOT (InvoiceNo LIKE 'C%' OR Quantity LIKE '-%')), 2) AS sales,
        round(sum(-CAST(Quantity AS DECIMAL(18, 4))) FILTER (WHERE CustomerID IS NOT NULL AND (InvoiceNo LIKE 'C%' OR Quantity LIKE '-%')), 2) AS units_back
      FROM f`);
    const [got] = await wh.query(`SELECT
        (SELECT count(*) FROM orders) AS invoices,
        (SELECT count(DISTINCT reason) FROM returns WHERE reason LIKE 'credit note C%') AS c_invoices,
        (SELECT count(*) FROM returns) AS credit_lines,
        (SELECT count(*) FROM customers) AS customers,
        (SELECT round(CAST(sum(quantity * unit_price) AS DOUBLE), 2) FROM order_items) AS sales,
        (SELECT round(CAST(sum(quantity) AS DOUBLE), 2) FROM returns) AS units_back`);
    // Every line with a customer in this file is well-formed: nothing is quarantined.
    expect(s.tables.map((t) => [t.table, t.quarantined])).toEqual([['customers', 0], ['orders', 0], ['order_items', 0], ['returns', 0]]);
    expect(got).toEqual({
      invoices: Number(want.invoices),
      c_invoices: Number(want.c_invoices),
      credit_lines: Number(want.credit_lines),
      customers: Number(want.customers),
      sales: Number(want.sales),
      units_back: Number(want.units_back),
    });
  });
});
