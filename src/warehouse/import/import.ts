/**
 * Import a file into a canonical table. The engine reads the file and, in the same streaming
 * pass, every record is parsed and checked in SQL into a temp table of checked rows. Then — in
 * one transaction — the good new rows go into the table, the rejected ones into the quarantine
 * (verbatim, with their reasons) and the import into the log. A crash before COMMIT leaves
 * nothing; running the same import again then does the whole file.
 * Invariant: read = accepted + duplicates + quarantined.
 */
import { UsageError } from '../errors.js';
import { faultPoint } from '../fault.js';
import { getSettings } from '../schema/settings.js';
import { storedColumns, tableDef, type TableDef } from '../schema/tables.js';
import { noteTouchedSessions, refreshWebSessions } from '../derived/web-sessions.js';
import type { MalformedRecord, QueryProgress, Warehouse } from '../warehouse.js';
import { describeSource, mapColumns, parseMap, type InputFormat } from './source.js';
import { checkQuery, foreignCurrency, fxQuery } from './validate-sql.js';

export interface ImportSummary {
  table: string;
  file: string;
  read: number;
  accepted: number;
  duplicates: number;
  quarantined: number;
  orphans: number;
  seconds: number;
  /** The preset that mapped the file onto this table, when one did. */
  preset?: string;
}

export interface ImportOptions {
  table: string;
  file: string;
  format?: InputFormat;
  delimiter?: string;
  /** `source_column=canonical_field` pairs. */
  map?: readonly string[];
  onProgress?: (phase: 'reading' | 'writing', p: QueryProgress) => void;
  /**
   * Keep the derived tables (web sessions) up to date; default true. False in a staging
   * workspace: its target derives them itself.
   */
  derived?: boolean;
}

/** The view of checked records, numbered by `_row`, with FX rates (over NUMBERED). */
export const CHECKED = '_chk';
/** The checked records, numbered, before FX. */
export const NUMBERED = '_chk_n';

export async function importFile(wh: Warehouse, opts: ImportOptions): Promise<ImportSummary> {
  const started = performance.now();
  const t = tableDefOrUsage(opts.table);
  const map = parseMap(opts.map ?? []);
  let src = await describeSource(opts.file, { format: opts.format, delimiter: opts.delimiter });
  if (src.format === 'jsonl') {
    // JSON keys to look up: the mapped source key, else the field's own name.
    const bySrc = new Map([...map].map(([s, dst]) => [dst, s]));
    src = { ...src, columns: t.fields.map((f) => bySrc.get(f.name) ?? f.name) };
  }
  if (src.format !== 'parquet') mapColumns(t, src.columns, map, opts.file);
  const { currency } = await getSettings(wh);

  let phase: 'reading' | 'writing' = 'reading';
  const stop = opts.onProgress ? wh.watchProgress((p) => opts.onProgress?.(phase, p)) : () => undefined;
  await dropChecked(wh);
  try {
    // Checking is pure computation into connection-local temp tables, so it runs before the
    // transaction; the transaction holds only the writes.
    const { malformed } = await wh.loadChecked(
      src,
      (staged) => {
        const cols = mapColumns(t, staged.columns, map, opts.file);
        // Verbatim copies keep canonical names for mapped columns, so an exported quarantine
        // can be corrected and imported again without --map.
        const names = staged.columns.map((c, i) => [...cols].find(([, j]) => j === i)?.[0] ?? c);
        return checkQuery(wh.dialect, t, staged.table, (f) => ((cols.get(f) ?? -1) < 0 ? null : `c${cols.get(f)}`), staged.rawExpr(names), {
          currency,
          recordError: staged.recordError,
          fileExpr: wh.dialect.str(opts.file),
          rowColumn: staged.hasRowColumn,
        });
      },
      NUMBERED,
    );
    await addFx(wh, t, currency);
    phase = 'writing';
    return await wh.transaction(async () => {
      const importId = await nextImportId(wh);
      const counts = await storeChecked(wh, t, importId, { file: opts.file, records: malformed }, opts.derived ?? true);
      const summary: ImportSummary = { table: t.name, file: opts.file, ...counts, seconds: 0 };
      summary.seconds = Math.round(performance.now() - started) / 1000;
      await logImport(wh, importId, summary, src.format);
      faultPoint('kill-before-commit');
      return summary;
    });
  } finally {
    stop();
    await dropChecked(wh).catch(() => undefined);
  }
}

/** CHECKED: the numbered checked rows with their FX rates. */
export async function addFx(wh: Warehouse, t: TableDef, currency: string): Promise<void> {
  const foreign = t.fx
    ? Number((await wh.query(`SELECT count(*) AS n FROM ${NUMBERED} WHERE ${foreignCurrency(wh.dialect, t, currency)} <> ${wh.dialect.str(currency)}`))[0]?.n ?? 0)
    : 0;
  await wh.exec(`CREATE TEMP VIEW ${CHECKED} AS ${fxQuery(wh.dialect, t, NUMBERED, { currency, foreignRows: foreign > 0 })}`);
}

export async function dropChecked(wh: Warehouse): Promise<void> {
  await wh.exec(`DROP VIEW IF EXISTS ${CHECKED}`);
  await wh.dropLoad(NUMBERED);
}

/**
 * The writes shared by import and quarantine retry, from the checked rows in CHECKED: insert the
 * good new ones, quarantine the bad ones (and the malformed records), resolve quarantined rows
 * whose key has now arrived, and count.
 */
export async function storeChecked(
  wh: Warehouse,
  t: TableDef,
  importId: number,
  malformed: { file: string; records: readonly MalformedRecord[] } = { file: '', records: [] },
  derived = true,
): Promise<Omit<ImportSummary, 'table' | 'file' | 'seconds'>> {
  const d = wh.dialect;
  const stored = storedColumns(t).map((c) => d.ident(c));
  const keys = t.key.map((k) => d.ident(k));
  const tbl = d.ident(t.name);
  const good = `SELECT * FROM ${CHECKED} WHERE _reasons IS NULL`;

  // The rows to store: good, first of their key in the file, key not yet in the table. A
  // "latest snapshot wins" table keeps the last of its key and replaces rows that changed.
  // Ranking rows within a key is costly and most files repeat no key, which a count tells cheaply.
  // Distinct 64-bit hashes of the key are cheaper to count than the keys; a collision can only
  // make this say "repeats" when there are none, which takes the slower exact path, never the reverse.
  const [u] = await wh.query(`SELECT count(*) AS n, count(DISTINCT ${d.hash64(keys)}) AS k FROM (${good}) g`);
  const firstOfKey =
    Number(u?.n ?? 0) === Number(u?.k ?? 0)
      ? good
      : `SELECT * FROM (SELECT *, row_number() OVER (PARTITION BY ${keys.join(', ')} ORDER BY _row ${t.upsert ? 'DESC' : ''}) AS _n
         FROM (${good}) g) r WHERE _n = 1`;
  const same = keys.map((k) => `t.${k} = c.${k}`).join(' AND ');
  const identical = stored.map((c) => `t.${c} IS NOT DISTINCT FROM c.${c}`).join(' AND ');
  // Into an empty table (a first load), nothing can be a duplicate of an existing row.
  const firstLoad = await isEmpty(wh, t.name);
  const toStore = firstLoad
    ? firstOfKey
    : `SELECT * FROM (${firstOfKey}) c WHERE NOT EXISTS (SELECT 1 FROM ${tbl} t WHERE ${t.upsert ? identical : same})`;

  // Count what will be stored, and its orphans (rows referencing a customer or order the
  // workspace does not know), before storing it.
  const orphanConds: string[] = [];
  for (const r of t.references) {
    const f = `c.${d.ident(r.field)}`;
    orphanConds.push(
      (await isEmpty(wh, r.table))
        ? `${f} IS NOT NULL`
        : `(${f} IS NOT NULL AND NOT EXISTS (SELECT 1 FROM ${d.ident(r.table)} x WHERE x.${d.ident(r.column)} = ${f}))`,
    );
  }
  const orphan = orphanConds.length ? orphanConds.join(' OR ') : 'FALSE';
  const [a] = await wh.query(`SELECT count(*) AS accepted, coalesce(sum(CASE WHEN ${orphan} THEN 1 ELSE 0 END), 0) AS orphans FROM (${toStore}) c`);
  const [q] = await wh.query(`SELECT count(*) AS n FROM ${CHECKED} WHERE _reasons IS NOT NULL`);

  // A quarantined row whose key is now accepted is resolved.
  const [open] = await wh.query(`SELECT count(*) AS n FROM _quarantine WHERE table_name = ${d.str(t.name)}`);
  if (Number(open?.n ?? 0) > 0) {
    const keyText = d.concat(t.key.flatMap((k, i) => (i ? [d.str('|'), `CAST(${d.ident(k)} AS VARCHAR)`] : [`CAST(${d.ident(k)} AS VARCHAR)`])));
    await wh.exec(`DELETE FROM _quarantine WHERE table_name = ${d.str(t.name)} AND key_text IN (SELECT ${keyText} FROM (${toStore}) s)`);
  }
  if (t.upsert) await wh.exec(`DELETE FROM ${tbl} t WHERE EXISTS (SELECT 1 FROM (${toStore}) c WHERE ${same})`);
  const sessions = derived && t.name === 'web_events';
  if (sessions) await noteTouchedSessions(wh, firstLoad ? null : toStore);
  await wh.exec(`INSERT INTO ${tbl} (${stored.join(', ')}) SELECT ${stored.join(', ')} FROM (${toStore}) c`);
  if (sessions) await refreshWebSessions(wh, firstLoad);

  // Quarantine the rejected rows, once: a re-import finds them there already.
  await wh.exec(`INSERT INTO _quarantine
    SELECT ${d.str(t.name)}, ${d.hashText('_raw')}, _key, _file, _row, _raw, ${d.listToJson('_reasons')}, ${importId}, ${d.nowUtc()}
    FROM ${CHECKED} c WHERE _reasons IS NOT NULL
      AND NOT EXISTS (SELECT 1 FROM _quarantine z WHERE z.table_name = ${d.str(t.name)} AND z.row_hash = ${d.hashText('c._raw')})`);
  for (const m of malformed.records) {
    const raw = JSON.stringify({ '(line)': m.raw });
    await wh.exec(
      `INSERT INTO _quarantine SELECT $1, ${d.hashText('$2')}, NULL, $6, $3, $2, $4, $5, ${d.nowUtc()}
       WHERE NOT EXISTS (SELECT 1 FROM _quarantine WHERE table_name = $1 AND row_hash = ${d.hashText('$2')})`,
      [t.name, raw, m.row, JSON.stringify([m.reason]), importId, malformed.file],
    );
  }
  const [r] = await wh.query(`SELECT count(*) AS n FROM ${CHECKED}`);
  const read = Number(r?.n ?? 0) + malformed.records.length;
  const accepted = Number(a?.accepted ?? 0);
  const quarantined = Number(q?.n ?? 0) + malformed.records.length;
  return { read, accepted, duplicates: read - accepted - quarantined, quarantined, orphans: Number(a?.orphans ?? 0) };
}

async function isEmpty(wh: Warehouse, table: string): Promise<boolean> {
  const [r] = await wh.query(`SELECT count(*) AS n FROM ${wh.dialect.ident(table)}`);
  return Number(r?.n ?? 0) === 0;
}

export async function logImport(wh: Warehouse, importId: number, s: ImportSummary, format: string): Promise<void> {
  await wh.exec(`INSERT INTO _imports VALUES ($1, $2, $3, $4, ${wh.dialect.nowUtc()}, $5, $6, $7, $8, $9, $10)`, [
    importId,
    s.table,
    s.file,
    format,
    s.seconds,
    s.read,
    s.accepted,
    s.duplicates,
    s.quarantined,
    s.orphans,
  ]);
}

/** Import ids number the log; the workspace file lock keeps two imports from racing. */
export async function nextImportId(wh: Warehouse): Promise<number> {
  const [r] = await wh.query(`SELECT coalesce(max(import_id), 0) + 1 AS id FROM _imports`);
  return Number(r?.id ?? 1);
}

export function tableDefOrUsage(name: string): TableDef {
  try {
    return tableDef(name);
  } catch {
    throw new UsageError('unknown-table', `Unknown table ${name}.`, 'See retain import --help for the tables.');
  }
}
