/**
 * Import into a server engine that does not check files itself (ClickHouse). The file is checked
 * by the embedded engine in a fresh staging workspace — the same validation SQL, reasons, row
 * numbers and quarantine as a local import — primed with what the checks need from the target:
 * its settings, FX rates, the keys the table already holds (so they count as duplicates), and
 * the keys of the tables it references (so orphans count as locally). Then the new rows, the
 * quarantined records and the log entry are written to the target.
 *
 * The target has no transactions: rows go first, the log entry last, so a crash leaves the import
 * unlogged; running it again finds the rows already there (duplicates) and the table's
 * ReplacingMergeTree key keeps each row once.
 * Invariant, as everywhere: read = accepted + duplicates + quarantined.
 */
import { tableDef, type TableDef } from '../schema/tables.js';
import type { Param, Row, Warehouse } from '../warehouse.js';
import { importFile, tableDefOrUsage, type ImportOptions, type ImportSummary } from './import.js';
import { portableRow } from './rows.js';

const BATCH = 500;
/** Rows read from staging and sent to the server at a time. */
const PAGE = 200_000;

/** Rows into a table by parameterised multi-row INSERTs (portable SQL; the staging side is small or key-only). */
async function insertValues(wh: Warehouse, table: string, columns: readonly string[], rows: readonly Param[][]): Promise<void> {
  for (let i = 0; i < rows.length; i += BATCH) {
    const part = rows.slice(i, i + BATCH);
    const params: Param[] = [];
    const tuples = part.map((r) => `(${r.map((v) => (params.push(v), `$${params.length}`)).join(', ')})`);
    await wh.exec(`INSERT INTO ${wh.dialect.ident(table)} (${columns.map((c) => wh.dialect.ident(c)).join(', ')}) VALUES ${tuples.join(', ')}`, params);
  }
}

/**
 * Copy columns of the target's rows (key columns only, or all) into the staging workspace, each
 * value rendered by its field kind as for the other direction (instants as UTC wall time, which
 * the embedded engine's UTC session reads as UTC).
 */
async function prime(target: Warehouse, staging: Warehouse, t: TableDef, fields: readonly string[]): Promise<void> {
  const d = target.dialect;
  const rows = await target.query(`SELECT ${fields.map((f) => d.ident(f)).join(', ')} FROM ${d.table(t.name)} p`);
  await insertValues(staging, t.name, fields, rows.map((r) => {
    const rendered = portableRow(t, r);
    return fields.map((f) => (rendered[f] ?? null) as Param);
  }));
}

export interface RowTarget extends Warehouse {
  insertRows(table: string, rows: readonly Row[]): Promise<void>;
}

export async function importViaStaging(target: RowTarget, staging: Warehouse, opts: ImportOptions): Promise<ImportSummary> {
  const started = performance.now();
  const t = tableDefOrUsage(opts.table);
  const d = staging.dialect;
  // Settings as the target has them (the latest value of each key).
  const settings = new Map<string, string>();
  for (const r of await target.query('SELECT key, value FROM _settings')) settings.set(String(r.key), String(r.value));
  for (const [k, v] of settings) await staging.exec('INSERT INTO _settings VALUES ($1, $2)', [k, v]);
  if (t.fx) await prime(target, staging, tableDef('fx_rates'), ['currency', 'date', 'rate']);
  // The table's existing rows (whole, for a latest-snapshot table whose changed rows replace
  // them; else their keys) and the referenced tables' keys.
  await prime(target, staging, t, t.upsert ? [...t.fields.map((f) => f.name), ...(t.fx ? ['_rate'] : [])] : t.key);
  await staging.exec(`CREATE TEMP TABLE _primed AS SELECT * FROM ${d.ident(t.name)}`);
  for (const ref of t.references) if (ref.table !== t.name) await prime(target, staging, tableDef(ref.table), [ref.column]);

  const staged = await importFile(staging, opts);

  // The rows to write: what the staging table holds beyond what was primed (new keys, and
  // changed rows of a latest-snapshot table), numbered and sent in pages, so a file of tens of
  // millions of rows never sits in memory at once.
  await staging.exec(`CREATE TEMP TABLE _fresh AS SELECT row_number() OVER () AS _page_row, * FROM (SELECT * FROM ${d.ident(t.name)} EXCEPT SELECT * FROM _primed) f`);
  const fresh = Number((await staging.query('SELECT count(*) AS n FROM _fresh'))[0]?.n ?? 0);
  for (let from = 0; from < fresh; from += PAGE) {
    const rows = await staging.query('SELECT * FROM _fresh WHERE _page_row > $1 AND _page_row <= $2', [from, from + PAGE]);
    await target.insertRows(t.name, rows.map((r) => portableRow(t, r)));
  }

  // The quarantined records, then the log entry.
  const quarantine = await staging.query(`SELECT table_name, row_hash, key_text, file, ${d.ident('row')}, raw, reasons, quarantined_at FROM _quarantine`);
  const importId = Number((await target.query('SELECT max(import_id) AS n FROM _imports'))[0]?.n ?? 0) + 1;
  if (quarantine.length) {
    await target.insertRows(
      '_quarantine',
      quarantine.map((q) => ({ ...q, row: Number(q.row), import_id: importId, quarantined_at: String(q.quarantined_at).slice(0, 19) })),
    );
  }
  const summary: ImportSummary = { ...staged, seconds: Math.round(performance.now() - started) / 1000 };
  await target.insertRows('_imports', [
    {
      import_id: importId,
      table_name: t.name,
      file: opts.file,
      format: opts.format ?? '',
      started_at: new Date().toISOString().slice(0, 19).replace('T', ' '),
      seconds: summary.seconds,
      read: summary.read,
      accepted: summary.accepted,
      duplicates: summary.duplicates,
      quarantined: summary.quarantined,
      orphans: summary.orphans,
    },
  ]);
  return summary;
}

/** Import a file into the workspace: checked by the engine itself, or in a staging workspace for one that does not check files. */
export async function importInto(wh: Warehouse, opts: ImportOptions): Promise<ImportSummary> {
  if (!wh.staging || !wh.insertRows) return importFile(wh, opts);
  const staging = await wh.staging();
  try {
    return await importViaStaging(wh as RowTarget, staging, opts);
  } finally {
    await staging.close();
  }
}
