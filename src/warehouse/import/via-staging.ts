/**
 * Import into a server engine that does not check files itself (ClickHouse). The file is checked
 * by the embedded engine in a fresh staging workspace — the same validation SQL, reasons, row
 * numbers and quarantine as a local import — primed with what the checks need from the target:
 * its settings, FX rates, the keys the table already holds (so they count as duplicates), and
 * the keys of the tables it references (so orphans count as locally) and the table's open
 * quarantine (so a corrected row takes its record out, and a retry re-checks it). Then the new
 * rows, the quarantine's changes and the log entry are written to the target.
 *
 * The target has no transactions: rows go first, the quarantine's changes next (one write), the
 * log entry last, so a crash leaves the import unlogged; running it again finds the rows already
 * there (duplicates) and the table's ReplacingMergeTree key keeps each row once. Nor has it locks:
 * one writer at a time per workspace (two imports at once would take the same import id).
 * An upsert there is a newer row of the same key, which the ReplacingMergeTree keeps over the
 * older one (reads take the table FINAL). Undo is not offered there (imports-log.ts says why).
 * Invariant, as everywhere: read = accepted + updated + duplicates + quarantined.
 */
import { bumpVersions } from '../data-versions.js';
import { UsageError } from '../errors.js';
import { copySettings } from '../schema/settings.js';
import { storedColumns, TABLES, tableDef, type TableDef } from '../schema/tables.js';
import type { Warehouse } from '../warehouse.js';
import { importFile, importMode, logImport, nextImportId, tableDefOrUsage, type ImportMode, type ImportOptions, type ImportSummary } from './import.js';
import { liveQuarantine, quarantineCounts, RESOLVED, retryQuarantine } from './quarantine.js';
import { columnsOf, transferRows, type Column } from './transfer.js';

/** The quarantine's columns, as both engines store them. */
const QUARANTINE: readonly Column[] = [
  ...['table_name', 'row_hash', 'key_text', 'file'].map((name) => ({ name, kind: 'text' as const })),
  { name: 'row', kind: 'integer' },
  ...['raw', 'reasons'].map((name) => ({ name, kind: 'text' as const })),
  { name: 'import_id', kind: 'integer' },
  { name: 'quarantined_at', kind: 'timestamp' },
  { name: 'line', kind: 'integer' },
];

/**
 * Run `work` — an import or a quarantine retry of table t — in the staging workspace primed from
 * the target, then write its outcome to the target: settings, FX rates, the table's rows (whole
 * in upsert mode, to tell changed rows from identical ones; else keys), the referenced keys and the table's open quarantine
 * in; the new rows, the quarantine's changes and the log entry out, in that order.
 */
async function throughStaging(target: Warehouse, staging: Warehouse, t: TableDef, format: string, mode: ImportMode, work: () => Promise<ImportSummary>): Promise<ImportSummary> {
  const started = performance.now();
  const d = staging.dialect;
  await copySettings(target, staging);
  const fx = tableDef('fx_rates');
  if (t.fx) await transferRows(target, staging, fx.name, columnsOf(fx, ['currency', 'date', 'rate']));
  await transferRows(target, staging, t.name, columnsOf(t, mode === 'upsert' ? storedColumns(t) : t.key));
  await staging.exec(`CREATE TEMP TABLE _primed AS SELECT * FROM ${d.ident(t.name)}`);
  for (const ref of t.references) {
    const r = tableDef(ref.table);
    if (ref.table !== t.name) await transferRows(target, staging, r.name, columnsOf(r, [ref.column]));
  }
  await transferRows(target, staging, '_quarantine', QUARANTINE, liveQuarantine(target.dialect, t.name));
  await staging.exec(`CREATE TEMP TABLE _primed_quarantine AS SELECT * FROM _quarantine`);

  const done = await work();
  if (mode === 'upsert' && target.sharded) await refuseShardMoves(staging, t);
  // A dry run checked and counted in staging against the primed target, and writes nothing to it.
  if (done.dryRun) return done;

  // The rows to write: what the staging table holds beyond what was primed, sent through a
  // file (a file of tens of millions of rows never sits in memory). An upsert sends new keys and
  // changed rows; any other, the rows whose key was not there (its primed
  // rows hold only their keys).
  const primed = Number((await staging.query('SELECT count(*) AS n FROM _primed'))[0]?.n ?? 0);
  const sameKey = t.key.map((k) => `p.${d.ident(k)} = n.${d.ident(k)}`).join(' AND ');
  const fresh = primed === 0
    ? undefined
    : mode === 'upsert'
      ? `(SELECT * FROM ${d.ident(t.name)} EXCEPT SELECT * FROM _primed)`
      : `(SELECT * FROM ${d.ident(t.name)} n WHERE NOT EXISTS (SELECT 1 FROM _primed p WHERE ${sameKey}))`;
  await transferRows(staging, target, t.name, columnsOf(t, storedColumns(t)), fresh);

  // The quarantine: records new or changed under this import's id; records it took out (they
  // passed, or a corrected row replaced them) as tombstones, since the target cannot delete.
  const importId = await nextImportId(target);
  // Both selects list the columns in QUARANTINE's order (a union matches by position).
  const select = (set: Readonly<Record<string, string>>) => QUARANTINE.map((c) => (c.name in set ? `${set[c.name]} AS ${d.ident(c.name)}` : d.ident(c.name))).join(', ');
  const recorded = QUARANTINE.filter((c) => c.name !== 'import_id').map((c) => d.ident(c.name)).join(', ');
  const changed = `SELECT ${select({ import_id: String(importId) })} FROM (SELECT ${recorded} FROM _quarantine EXCEPT SELECT ${recorded} FROM _primed_quarantine) c`;
  const gone = `SELECT ${select({ raw: "''", reasons: d.str(RESOLVED), import_id: String(importId), quarantined_at: d.nowUtc() })}
    FROM _primed_quarantine p WHERE NOT EXISTS (SELECT 1 FROM _quarantine q WHERE q.table_name = p.table_name AND q.row_hash = p.row_hash)`;
  // One write, so the records a corrected row replaced close with the ones it opened.
  await transferRows(staging, target, '_quarantine', QUARANTINE, `(${changed} UNION ALL ${gone})`);

  const summary: ImportSummary = { ...done, importId, seconds: Math.round(performance.now() - started) / 1000 };
  await logImport(target, importId, summary, format, mode);
  // storeChecked bumped the staging workspace's version: the target's moves once its rows are there.
  if (summary.accepted + summary.updated > 0) await bumpVersions(target, [t.name]);
  return summary;
}

/**
 * An upsert on a sharded target cannot change a row's customer (where the table is not keyed by
 * it): the new row would go to the new customer's shard and the old one stay on its own, both
 * read. Refused before anything is written, naming the first such rows.
 */
async function refuseShardMoves(staging: Warehouse, t: TableDef): Promise<void> {
  if (!t.fields.some((f) => f.name === 'customer_id') || t.key.includes('customer_id')) return;
  const d = staging.dialect;
  const key = t.key.map((k) => d.ident(k));
  const moved = await staging.query(
    `SELECT ${d.concat(key.flatMap((k, i) => (i ? [d.str('|'), `n.${k}`] : [`n.${k}`])))} AS k, p.customer_id AS was, n.customer_id AS now
     FROM ${d.ident(t.name)} n JOIN _primed p ON ${key.map((k) => `p.${k} = n.${k}`).join(' AND ')}
     WHERE p.customer_id IS DISTINCT FROM n.customer_id ORDER BY k LIMIT 3`,
  );
  if (!moved.length) return;
  const examples = moved.map((m) => `${String(m.k)} (${String(m.was ?? 'no customer')} → ${String(m.now ?? 'no customer')})`).join(', ');
  throw new UsageError(
    'upsert-moves-shard',
    `The upsert into ${t.name} would change the customer of stored rows, e.g. ${examples}; this sharded workspace keeps each row on its customer's shard, so the old row would stay beside the new.`,
    'Nothing was written. Leave those rows out of the file (or keep their customer), or correct them in an unsharded workspace.',
  );
}

/** Import a file into a target that does not check files itself, through the staging workspace. */
export async function importViaStaging(target: Warehouse, staging: Warehouse, opts: ImportOptions): Promise<ImportSummary> {
  const t = tableDefOrUsage(opts.table);
  return throughStaging(target, staging, t, opts.format ?? '', importMode(t, opts.mode), () => importFile(staging, { ...opts, derived: false }));
}

/** Import a file into the workspace: checked by the engine itself, or in a staging workspace for one that does not check files. */
export async function importInto(wh: Warehouse, opts: ImportOptions): Promise<ImportSummary> {
  if (!wh.staging) return importFile(wh, opts);
  const staging = await wh.staging();
  try {
    return await importViaStaging(wh, staging, opts);
  } finally {
    await staging.close();
  }
}

/** Re-validate the quarantine (see retryQuarantine), in a staging workspace for an engine that does not check files. */
export async function retryInto(wh: Warehouse, table?: string): Promise<ImportSummary[]> {
  if (!wh.staging) return retryQuarantine(wh, table);
  const counts = await quarantineCounts(wh);
  const out: ImportSummary[] = [];
  for (const t of table ? [tableDefOrUsage(table)] : TABLES) {
    if (!counts[t.name]) continue;
    const staging = await wh.staging();
    try {
      const done = await throughStaging(wh, staging, t, 'retry', importMode(t, undefined), async () => {
        const [s] = await retryQuarantine(staging, t.name, { derived: false });
        if (!s) throw new Error(`The staging workspace found no quarantined ${t.name} to retry.`);
        return s;
      });
      out.push(done);
    } finally {
      await staging.close();
    }
  }
  return out;
}
