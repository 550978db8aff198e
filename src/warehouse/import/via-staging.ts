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
import { tableDef } from '../schema/tables.js';
import type { Row, Warehouse } from '../warehouse.js';
import { importFile, tableDefOrUsage, type ImportOptions, type ImportSummary } from './import.js';
import { storedColumns, transferRows } from './transfer.js';

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
  if (t.fx) await transferRows(target, staging, tableDef('fx_rates'), ['currency', 'date', 'rate']);
  // The table's existing rows (whole, for a latest-snapshot table whose changed rows replace
  // them; else their keys) and the referenced tables' keys.
  await transferRows(target, staging, t, t.upsert ? storedColumns(t) : t.key);
  await staging.exec(`CREATE TEMP TABLE _primed AS SELECT * FROM ${d.ident(t.name)}`);
  for (const ref of t.references) if (ref.table !== t.name) await transferRows(target, staging, tableDef(ref.table), [ref.column]);

  const staged = await importFile(staging, { ...opts, derived: false });

  // The rows to write: what the staging table holds beyond what was primed, sent through a
  // file (a file of tens of millions of rows never sits in memory). A latest-snapshot table
  // sends new keys and changed rows; any other, the rows whose key was not there (its primed
  // rows hold only their keys).
  const primed = Number((await staging.query('SELECT count(*) AS n FROM _primed'))[0]?.n ?? 0);
  const sameKey = t.key.map((k) => `p.${d.ident(k)} = n.${d.ident(k)}`).join(' AND ');
  const fresh = primed === 0
    ? undefined
    : t.upsert
      ? `(SELECT * FROM ${d.ident(t.name)} EXCEPT SELECT * FROM _primed)`
      : `(SELECT * FROM ${d.ident(t.name)} n WHERE NOT EXISTS (SELECT 1 FROM _primed p WHERE ${sameKey}))`;
  await transferRows(staging, target, t, storedColumns(t), fresh);

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
