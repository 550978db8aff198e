/**
 * The quarantine: rejected records, verbatim, with their file, record number, file line and
 * reasons. list shows the open ones, export writes them back out as a file to correct and import
 * again, retry re-validates them in place (after missing customers or FX rates have arrived) by
 * the import's own rules. A record leaves once its key is stored (see resolveQuarantine in import.ts).
 */
import { getSettings } from '../schema/settings.js';
import { TABLES } from '../schema/tables.js';
import type { Dialect } from '../dialect.js';
import type { Row, Warehouse } from '../warehouse.js';
import { checkRecords, dropRecordsSource } from './check-records.js';
import { dropChecked, importMode, logImport, nextImportId, storeChecked, tableDefOrUsage, type ImportSummary } from './import.js';
import { EXTRA_FIELDS_ERROR, EXTRA_FIELDS_KEY, WHOLE_LINE_KEY } from './record-errors.js';

/**
 * The reasons of a record taken out of the quarantine where the engine cannot delete
 * (ClickHouse): a newer row of the same hash with no reasons, which readers skip.
 */
export const RESOLVED = '[]';

/** The records in quarantine (of one table), each once: a table expression for any engine. */
export function liveQuarantine(d: Dialect, table?: string): string {
  return `(SELECT * FROM ${d.table('_quarantine')} q WHERE q.reasons <> ${d.str(RESOLVED)}${table ? ` AND q.table_name = ${d.str(table)}` : ''})`;
}

export interface QuarantinedRow {
  table: string;
  file: string;
  /** The record's number in its file (data records after the header; JSON lines: its line). */
  row: number;
  /** Its line in the file, what an editor shows (null for Parquet, or a record quarantined before lines were kept). */
  line: number | null;
  reasons: string[];
  raw: Record<string, unknown>;
}

export async function listQuarantine(wh: Warehouse, opts: { table?: string; limit?: number } = {}): Promise<QuarantinedRow[]> {
  if (opts.table) tableDefOrUsage(opts.table);
  // The limit is a checked whole number written into the SQL: ClickHouse takes no expression there.
  const limit = Math.max(0, Math.trunc(opts.limit ?? 1_000_000_000));
  const rows = await wh.query(
    // Every column: a workspace opened read-only may predate the line column.
    `SELECT * FROM ${liveQuarantine(wh.dialect, opts.table)} l ORDER BY table_name, file, "row" LIMIT ${limit}`,
  );
  return rows.map(toQuarantined);
}

export async function quarantineCounts(wh: Warehouse): Promise<Record<string, number>> {
  const rows = await wh.query(`SELECT table_name, count(*) AS n FROM ${liveQuarantine(wh.dialect)} l GROUP BY table_name ORDER BY table_name`);
  return Object.fromEntries(rows.map((r) => [String(r.table_name), Number(r.n)]));
}

function toQuarantined(r: Row): QuarantinedRow {
  return {
    table: String(r.table_name),
    file: String(r.file),
    row: Number(r.row),
    line: r.line === null || r.line === undefined ? null : Number(r.line),
    reasons: JSON.parse(String(r.reasons)) as string[],
    raw: JSON.parse(String(r.raw)) as Record<string, unknown>,
  };
}

/**
 * The quarantined records of one table as columns and rows for a CSV: the canonical fields first
 * (so the corrected file imports without --map), then any other source columns, then where the
 * record came from and why it was rejected (ignored on re-import).
 */
export async function exportQuarantine(wh: Warehouse, table: string): Promise<{ columns: string[]; rows: Record<string, string>[] }> {
  const t = tableDefOrUsage(table);
  const list = await listQuarantine(wh, { table });
  const columns = t.fields.map((f) => f.name);
  for (const q of list) for (const k of Object.keys(q.raw)) if (!columns.includes(k)) columns.push(k);
  columns.push('_file', '_row', '_line', '_reasons');
  const rows = list.map((q) => {
    const out: Record<string, string> = {};
    for (const c of columns) out[c] = q.raw[c] === null || q.raw[c] === undefined ? '' : String(q.raw[c]);
    out._file = q.file;
    out._row = String(q.row);
    out._line = q.line === null ? '' : String(q.line);
    out._reasons = q.reasons.join('; ');
    return out;
  });
  return { columns, rows };
}

/**
 * Re-validate quarantined records of one table (or every table); good ones move into the table.
 * A record is checked exactly as its import checked it: the same query over the same fields of
 * its verbatim copy, and a record that had more fields than the header is still broken as a
 * whole. A copy that is the record's whole text (a JSON line that is no object, a record the
 * reader could not split) has no fields to check again: it stays as its import left it.
 */
export async function retryQuarantine(wh: Warehouse, table?: string, o: { derived?: boolean } = {}): Promise<ImportSummary[]> {
  const tables = table ? [tableDefOrUsage(table)] : TABLES;
  const counts = await quarantineCounts(wh);
  const { currency } = await getSettings(wh);
  const d = wh.dialect;
  const out: ImportSummary[] = [];
  for (const t of tables) {
    if (!counts[t.name]) continue;
    const started = performance.now();
    // The quarantined rows become the source, exactly as a file would be: checked into CHECKED,
    // then stored in one transaction that also removes them from the quarantine.
    const retried = `table_name = ${d.str(t.name)} AND ${d.jsonText('raw', WHOLE_LINE_KEY)} IS NULL`;
    await dropChecked(wh);
    const recordError = `CASE WHEN ${d.jsonText('_qraw', EXTRA_FIELDS_KEY)} IS NOT NULL THEN ${d.str(EXTRA_FIELDS_ERROR)} END`;
    await checkRecords(wh, t, `SELECT "row" AS _row, line AS _line, file AS _qfile, raw AS _qraw FROM _quarantine WHERE ${retried}`, { currency, recordError });
    const summary = await wh.transaction(async () => {
      await wh.exec(`DELETE FROM _quarantine WHERE ${retried}`);
      const importId = await nextImportId(wh);
      const mode = importMode(t, undefined);
      const c = await storeChecked(wh, t, importId, undefined, o.derived ?? true, mode);
      const s: ImportSummary = { importId, table: t.name, file: '(quarantine)', ...c, seconds: Math.round(performance.now() - started) / 1000, unmapped: [], warnings: [] };
      await logImport(wh, importId, s, 'retry', mode);
      return s;
    });
    await dropChecked(wh);
    await dropRecordsSource(wh);
    out.push(summary);
  }
  return out;
}
