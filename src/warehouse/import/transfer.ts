/**
 * Rows from one engine to another through a CSV file: the source engine
 * writes it (each value as portable text), the target engine reads it with its own CSV reader. No
 * row passes through JavaScript, so a table of tens of millions of rows moves at the engines'
 * speed and never sits in memory.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FieldKind } from '../schema/fields.js';
import { storedColumns, TABLES, type TableDef } from '../schema/tables.js';
import type { Warehouse } from '../warehouse.js';

/** A column to transfer and the kind of value it holds (how it is written portably). */
export interface Column {
  readonly name: string;
  readonly kind: FieldKind;
}

/** Columns of a canonical table by name (and _rate, the FX rate: a number). */
export const columnsOf = (t: TableDef, names: readonly string[]): Column[] =>
  names.map((name) => {
    const kind = name === '_rate' && t.fx ? 'decimal' : t.fields.find((f) => f.name === name)?.kind;
    if (!kind) throw new Error(`${t.name} has no column ${name}.`);
    return { name, kind };
  });

/**
 * Copy `columns` of the rows of `from` (a table expression of the source, default the table as
 * queries read it) into the table of the same name in `target`.
 */
export async function transferRows(source: Warehouse, target: Warehouse, table: string, columns: readonly Column[], from?: string): Promise<void> {
  const d = source.dialect;
  const select = `SELECT ${columns.map((c) => `${d.portableText(c.kind, `x.${d.ident(c.name)}`)} AS ${d.ident(c.name)}`).join(', ')} FROM ${from ?? d.table(table)} x`;
  const dir = mkdtempSync(join(tmpdir(), 'retain-transfer-'));
  try {
    const file = join(dir, 'rows.csv');
    await source.writeCsv(select, file);
    await target.readCsv(table, columns.map((c) => c.name), file);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Copy every canonical table's rows (or those named) from one workspace into another; returns rows per table. */
export async function copyTables(from: Warehouse, to: Warehouse, tables: readonly string[] = TABLES.map((t) => t.name)): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const t of TABLES.filter((x) => tables.includes(x.name))) {
    await transferRows(from, to, t.name, columnsOf(t, storedColumns(t)));
    counts[t.name] = Number((await from.query(`SELECT count(*) AS n FROM ${from.dialect.table(t.name)} x`))[0]?.n ?? 0);
  }
  return counts;
}
