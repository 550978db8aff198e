/**
 * Rows of a canonical table from one engine to another through a CSV file: the source engine
 * writes it (each value as portable text), the target engine reads it with its own CSV reader. No
 * row passes through JavaScript, so a table of tens of millions of rows moves at the engines'
 * speed and never sits in memory.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TableDef } from '../schema/tables.js';
import type { Warehouse } from '../warehouse.js';

/** The stored columns of a table: its fields, and the FX rate of a table with money. */
export const storedColumns = (t: TableDef): string[] => [...t.fields.map((f) => f.name), ...(t.fx ? ['_rate'] : [])];

/**
 * Copy `columns` of the rows of table `t` that `from` (a table expression of the source, default
 * the table as queries read it) holds into the same table of `target`.
 */
export async function transferRows(source: Warehouse, target: Warehouse, t: TableDef, columns: readonly string[], from?: string): Promise<void> {
  const d = source.dialect;
  const kind = (c: string) => t.fields.find((f) => f.name === c)?.kind ?? 'decimal'; // _rate: a number
  const select = `SELECT ${columns.map((c) => `${d.portableText(kind(c), `x.${d.ident(c)}`)} AS ${d.ident(c)}`).join(', ')} FROM ${from ?? d.table(t.name)} x`;
  const dir = mkdtempSync(join(tmpdir(), 'retain-transfer-'));
  try {
    const file = join(dir, `${t.name}.csv`);
    await source.writeCsv(select, file);
    await target.readCsv(t.name, columns, file);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
