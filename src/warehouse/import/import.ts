/**
 * Import a file into a canonical table. The engine reads the file and, in the same streaming
 * pass, every record is parsed and checked in SQL into a temp table of checked rows. Then — in
 * one transaction — the good new rows go into the table, the rejected ones into the quarantine
 * (verbatim, with their reasons) and the import into the log. A crash before COMMIT leaves
 * nothing; running the same import again then does the whole file.
 * Invariant: read = accepted + updated + duplicates + quarantined.
 *
 * Insert mode (the default) skips a row whose key is stored as a duplicate; upsert mode lets a
 * changed row replace the stored one (updated), keeping the old row in the table's replaced-rows
 * table so that the import can be undone (imports-log.ts). A "latest snapshot wins" table
 * (`upsert` in tables.ts) is always imported in upsert mode.
 */
import { bumpVersions } from '../data-versions.js';
import { UsageError } from '../errors.js';
import { faultPoint } from '../fault.js';
import { getSettings } from '../schema/settings.js';
import { IMPORT_ID, replacedTable, storedColumns, TABLE_NAMES, tableDef, type TableDef } from '../schema/tables.js';
import { didYouMean } from '../suggest.js';
import { noteTouchedSessions, refreshWebSessions } from '../derived/web-sessions.js';
import type { MalformedRecord, QueryProgress, Warehouse } from '../warehouse.js';
import { ATTRIBUTES, describeSource, parseMap, planColumns, type ColumnPlan, type InputFormat } from './source.js';
import { WHOLE_LINE_KEY } from './record-errors.js';
import { checkParseOptions, type ParseOptions } from '../schema/parse-options.js';
import { checkQuery, foreignCurrency, fxQuery } from './validate-sql.js';

export interface ImportSummary {
  /** The import's number in the log (`retain imports`; `retain imports undo ID`). */
  importId: number;
  table: string;
  file: string;
  read: number;
  /** New keys stored. */
  accepted: number;
  /** Stored rows replaced by a changed row of the same key (upsert mode only). */
  updated: number;
  duplicates: number;
  quarantined: number;
  orphans: number;
  seconds: number;
  /** Source columns that went nowhere (CSV and Parquet; JSON lines' keys are looked up, not listed). */
  unmapped: string[];
  /** What the user should know and may want to change: unmapped columns, identifiers written as decimals. */
  warnings: string[];
  /** The zone offset-less timestamps were read in, when the file had any. */
  timezone?: string;
  /** With --dry-run: how the file would be read, and the first reasons; nothing was written. */
  dryRun?: DryRunReport;
  /** The preset that mapped the file onto this table, when one did. */
  preset?: string;
}

export interface DryRunReport {
  /** Source column → where it goes (a field, or attributes.<key>). */
  mapping: Record<string, string>;
  delimiter?: string;
  dateFormat?: string;
  /** The first ten rejected records, in file order, with their record number. */
  reasons: { record: number; reasons: string[] }[];
}

export interface ImportOptions {
  table: string;
  file: string;
  format?: InputFormat;
  delimiter?: string;
  /** `source_column=canonical_field` pairs. */
  map?: readonly string[];
  /** insert (default): a stored key makes a row a duplicate; upsert: a changed row replaces the stored one. */
  mode?: ImportMode;
  onProgress?: (phase: 'reading' | 'writing', p: QueryProgress) => void;
  /**
   * Keep the derived tables (web sessions) up to date; default true. False in a staging
   * workspace: its target derives them itself.
   */
  derived?: boolean;
  // How the file writes values (schema/parse-options.ts), and where its other columns go.
  /** Check and count exactly as the import would, then roll back: nothing is written. */
  dryRun?: boolean;
  dateFormat?: string;
  decimalComma?: boolean;
  thousands?: string;
  stripCurrency?: boolean;
  /** The zone of timestamps without an offset; the workspace time zone when absent. */
  timezone?: string;
  normalizeIds?: boolean;
  /** Every column no field takes goes into the table's attributes JSON. */
  extraAttributes?: boolean;
}

/** Thrown inside a dry run's transaction to roll it back, carrying what the import would report. */
class DryRunDone {
  constructor(readonly summary: ImportSummary) {}
}

export type ImportMode = 'insert' | 'upsert';

/** How rows of table t are stored: a latest-snapshot table always replaces changed rows. */
export const importMode = (t: TableDef, mode: ImportMode | undefined): ImportMode => (t.upsert ? 'upsert' : (mode ?? 'insert'));

/** What storing the checked rows counted. */
export type StoreCounts = Pick<ImportSummary, 'read' | 'accepted' | 'updated' | 'duplicates' | 'quarantined' | 'orphans'>;

/** The view of checked records, numbered by `_row`, with FX rates (over NUMBERED). */
export const CHECKED = '_chk';
/** The checked records, numbered, before FX. */
export const NUMBERED = '_chk_n';
/** The rows an upsert stores, while it stores them. */
const UPSERTING = '_upserting';

export async function importFile(wh: Warehouse, opts: ImportOptions): Promise<ImportSummary> {
  const started = performance.now();
  const t = tableDefOrUsage(opts.table);
  const map = parseMap(opts.map ?? []);
  let src = await describeSource(opts.file, { format: opts.format, delimiter: opts.delimiter });
  if (src.format === 'jsonl') {
    // JSON keys to look up: the mapped source key, else the field's own name; then the keys mapped into attributes.
    const bySrc = new Map([...map].map(([s, dst]) => [dst, s]));
    const intoAttributes = [...map].filter(([, dst]) => dst.startsWith(`${ATTRIBUTES}.`)).map(([s]) => s);
    src = { ...src, columns: [...t.fields.map((f) => bySrc.get(f.name) ?? f.name), ...intoAttributes] };
  }
  const columnOpts = { extraAttributes: opts.extraAttributes && src.format !== 'jsonl' };
  if (src.format !== 'parquet') planColumns(t, src.columns, map, opts.file, columnOpts);
  const settings = await getSettings(wh);
  const { currency } = settings;
  const parse = checkParseOptions({ ...parseOptionsOf(opts), timezone: opts.timezone ?? settings.timezone });

  let phase: 'reading' | 'writing' = 'reading';
  const stop = opts.onProgress ? wh.watchProgress((p) => opts.onProgress?.(phase, p)) : () => undefined;
  await dropChecked(wh);
  let plan: ColumnPlan | undefined;
  try {
    // Checking is pure computation into connection-local temp tables, so it runs before the
    // transaction; the transaction holds only the writes.
    const { malformed, staged } = await wh.loadChecked(
      src,
      (staged) => {
        const p = (plan = planColumns(t, staged.columns, map, opts.file, columnOpts));
        const cols = p.fields;
        // Verbatim copies keep canonical names for mapped columns, so an exported quarantine
        // can be corrected and imported again without --map.
        const names = staged.columns.map((c, i) => [...cols].find(([, j]) => j === i)?.[0] ?? c);
        return checkQuery(wh.dialect, t, staged.table, (f) => fieldText(wh, p, f), staged.rawExpr(names), {
          currency,
          recordError: staged.recordError,
          fileExpr: wh.dialect.str(opts.file),
          rowColumn: staged.hasRowColumn,
          keep: staged.keep,
          parse,
        });
      },
      NUMBERED,
    );
    const columnPlan = plan ?? planColumns(t, staged.columns, map, opts.file, columnOpts);
    const notes = await readNotes(wh, parse);
    const warnings = [...unmappedWarning(t, columnPlan.unmapped), ...notes.warnings];
    await addFx(wh, t, currency);
    phase = 'writing';
    const done = (importId: number, counts: StoreCounts): ImportSummary => ({
      importId,
      table: t.name,
      file: opts.file,
      ...counts,
      seconds: Math.round(performance.now() - started) / 1000,
      unmapped: [...columnPlan.unmapped],
      warnings,
      ...(notes.timezone ? { timezone: notes.timezone } : {}),
    });
    const mode = importMode(t, opts.mode);
    return await wh
      .transaction(async () => {
        const importId = await nextImportId(wh);
        const counts = await storeChecked(wh, t, importId, { file: opts.file, records: malformed }, opts.derived ?? true, mode);
        if (opts.dryRun) {
          // The same counting as the import itself, then rolled back, so the numbers are what it will report.
          throw new DryRunDone({ ...done(importId, counts), dryRun: await dryRunReport(wh, staged.columns, columnPlan, src.delimiter, parse.dateFormat, malformed) });
        }
        const summary = done(importId, counts);
        await logImport(wh, importId, summary, src.format, mode);
        faultPoint('kill-before-commit');
        return summary;
      })
      .catch((e: unknown) => {
        if (e instanceof DryRunDone) return e.summary;
        throw e;
      });
  } finally {
    stop();
    await dropChecked(wh).catch(() => undefined);
  }
}

/** The parse options among the import's options (the zone is the workspace's unless given). */
export function parseOptionsOf(o: ImportOptions): ParseOptions {
  const { dateFormat, decimalComma, thousands, stripCurrency, timezone, normalizeIds } = o;
  return Object.fromEntries(Object.entries({ dateFormat, decimalComma, thousands, stripCurrency, timezone, normalizeIds }).filter(([, v]) => v !== undefined && v !== false));
}

/** The staged text of a field: its column, or for attributes the object built from the columns mapped into it. */
function fieldText(wh: Warehouse, p: ColumnPlan, field: string): string | null {
  const d = wh.dialect;
  if (field === ATTRIBUTES && p.attributes.length) {
    const values = p.attributes.map(([key, i]) => [key, `NULLIF(c${i}, '')`] as [string, string]);
    return `CASE WHEN ${values.map(([, v]) => `${v} IS NULL`).join(' AND ')} THEN ${d.nullText} ELSE ${d.jsonObject(values)} END`;
  }
  const i = p.fields.get(field) ?? -1;
  return i < 0 ? null : `c${i}`;
}

function unmappedWarning(t: TableDef, unmapped: readonly string[]): string[] {
  if (!unmapped.length) return [];
  const one = unmapped.length === 1;
  const keep = t.fields.some((f) => f.name === ATTRIBUTES)
    ? `, or keep ${one ? 'it' : 'them'} with --map "${unmapped[0]}=attributes.<key>" or --extra-attributes`
    : '';
  return [
    `${one ? 'column' : `${unmapped.length} columns`} ${unmapped.map((c) => JSON.stringify(c)).join(', ')} map${one ? 's' : ''} to no field of ${t.name} and ${one ? 'was' : 'were'} not imported: name ${one ? 'its' : 'each'} field with --map "${unmapped[0]}=<field>"${keep}`,
  ];
}

/** What the checked rows tell beyond the counts: identifiers written as decimals, and whether a timestamp was read in the zone. */
async function readNotes(wh: Warehouse, parse: ParseOptions): Promise<{ warnings: string[]; timezone?: string }> {
  const d = wh.dialect;
  const [r] = await wh.query(`SELECT ${d.countIf('_float_id IS NOT NULL')} AS floats, min(_float_id) AS example, ${d.countIf('_naive')} AS naive FROM ${NUMBERED}`);
  const floats = Number(r?.floats ?? 0);
  const warnings: string[] = [];
  if (floats > 0) {
    const example = String(r?.example);
    warnings.push(
      parse.normalizeIds
        ? `${floats.toLocaleString('en-US')} record${floats === 1 ? '' : 's'} wrote identifiers as decimals (e.g. ${example}); stored as whole numbers (--normalize-ids)`
        : `${floats.toLocaleString('en-US')} record${floats === 1 ? '' : 's'} write identifiers as decimals, as spreadsheets do (e.g. ${example}), stored as written so they will not match the same id written without ".0": use --normalize-ids to store them as whole numbers`,
    );
  }
  return { warnings, ...(Number(r?.naive ?? 0) > 0 ? { timezone: parse.timezone ?? 'UTC' } : {}) };
}

/** How the file was read (column → field, delimiter, date format) and its first ten reasons, for --dry-run. */
async function dryRunReport(wh: Warehouse, columns: readonly string[], p: ColumnPlan, delimiter: string | undefined, dateFormat: string | undefined, malformed: readonly MalformedRecord[]): Promise<DryRunReport> {
  const mapping: Record<string, string> = {};
  for (const [field, i] of p.fields) if (i >= 0 && columns[i] !== undefined) mapping[columns[i]] = field;
  for (const [key, i] of p.attributes) if (columns[i] !== undefined) mapping[columns[i]] = `${ATTRIBUTES}.${key}`;
  const rows = await wh.query(`SELECT _row, ${wh.dialect.listToJson('_reasons')} AS reasons FROM ${CHECKED} WHERE _reasons IS NOT NULL ORDER BY _row LIMIT 10`);
  const reasons = [
    ...rows.map((r) => ({ record: Number(r._row), reasons: JSON.parse(String(r.reasons)) as string[] })),
    ...malformed.map((m) => ({ record: m.row, reasons: [m.reason] })),
  ]
    .sort((a, b) => a.record - b.record)
    .slice(0, 10);
  return { mapping, ...(delimiter ? { delimiter } : {}), ...(dateFormat ? { dateFormat } : {}), reasons };
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
 * good new ones (stamped with the import's id; in upsert mode replacing changed ones, kept aside
 * for undo), quarantine the bad ones (and the malformed records) with their record and line
 * numbers, resolve quarantined rows whose key is stored (resolveQuarantine), bump the table's
 * data version when rows were stored (data-versions.ts), and count.
 */
export async function storeChecked(
  wh: Warehouse,
  t: TableDef,
  importId: number,
  malformed: { file: string; records: readonly MalformedRecord[] } = { file: '', records: [] },
  derived = true,
  mode: ImportMode = importMode(t, undefined),
): Promise<StoreCounts> {
  const d = wh.dialect;
  const stored = storedColumns(t).map((c) => d.ident(c));
  const keys = t.key.map((k) => d.ident(k));
  const tbl = d.ident(t.name);
  const good = `SELECT * FROM ${CHECKED} WHERE _reasons IS NULL`;

  // The rows to store: good, first of their key in the file, key not yet in the table. In upsert
  // mode the last of its key in the file wins, and replaces a stored row that differs from it.
  const upsert = mode === 'upsert';
  // Ranking rows within a key is costly and most files repeat no key, which a count tells cheaply.
  // Distinct 64-bit hashes of the key are cheaper to count than the keys; a collision can only
  // make this say "repeats" when there are none, which takes the slower exact path, never the reverse.
  const [u] = await wh.query(`SELECT count(*) AS n, count(DISTINCT ${d.hash64(keys)}) AS k FROM (${good}) g`);
  const firstOfKey =
    Number(u?.n ?? 0) === Number(u?.k ?? 0)
      ? good
      : `SELECT * FROM (SELECT *, row_number() OVER (PARTITION BY ${keys.join(', ')} ORDER BY _row ${upsert ? 'DESC' : ''}) AS _n
         FROM (${good}) g) r WHERE _n = 1`;
  const same = keys.map((k) => `t.${k} = c.${k}`).join(' AND ');
  // Keys compare by equality (a hash join), the other columns NULL-safely.
  const identical = [same, ...stored.filter((c) => !keys.includes(c)).map((c) => `t.${c} IS NOT DISTINCT FROM c.${c}`)].join(' AND ');
  // Into an empty table (a first load), nothing can be a duplicate of an existing row.
  const firstLoad = await isEmpty(wh, t.name);
  let toStore = firstLoad
    ? firstOfKey
    : `SELECT * FROM (${firstOfKey}) c WHERE NOT EXISTS (SELECT 1 FROM ${tbl} t WHERE ${upsert ? identical : same})`;
  // An upsert reads the rows to store five times and comparing every column is dear: once, into
  // a temp table, dropped once they are stored.
  const upserting = upsert && !firstLoad;
  if (upserting) {
    await wh.exec(`CREATE TEMP TABLE ${UPSERTING} AS ${toStore}`);
    toStore = `SELECT * FROM ${UPSERTING}`;
  }

  // Count what will be stored, the stored rows it replaces, and its orphans (rows referencing a
  // customer or order the workspace does not know), before storing it.
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
  const replaces = upserting ? `EXISTS (SELECT 1 FROM ${tbl} t WHERE ${same})` : 'FALSE';
  const [a] = await wh.query(`SELECT count(*) AS stored, coalesce(sum(CASE WHEN ${replaces} THEN 1 ELSE 0 END), 0) AS updated,
    coalesce(sum(CASE WHEN ${orphan} THEN 1 ELSE 0 END), 0) AS orphans FROM (${toStore}) c`);
  const [q] = await wh.query(`SELECT count(*) AS n FROM ${CHECKED} WHERE _reasons IS NOT NULL`);

  // Quarantine the rejected rows, once: a re-import finds them there already. Then resolve
  // (before the table changes: toStore reads it) what has a key stored now.
  await wh.exec(`INSERT INTO _quarantine
    SELECT ${d.str(t.name)}, ${d.hashText('_raw')}, _key, _file, _row, _raw, ${d.listToJson('_reasons')}, ${importId}, ${d.nowUtc()}, _line
    FROM ${CHECKED} c WHERE _reasons IS NOT NULL
      AND NOT EXISTS (SELECT 1 FROM _quarantine z WHERE z.table_name = ${d.str(t.name)} AND z.row_hash = ${d.hashText('c._raw')})`);
  for (const m of malformed.records) {
    const raw = JSON.stringify({ [WHOLE_LINE_KEY]: m.raw });
    await wh.exec(
      `INSERT INTO _quarantine SELECT $1, ${d.hashText('$2')}, NULL, $6, $3, $2, $4, $5, ${d.nowUtc()}, $7
       WHERE NOT EXISTS (SELECT 1 FROM _quarantine WHERE table_name = $1 AND row_hash = ${d.hashText('$2')})`,
      [t.name, raw, m.row, JSON.stringify([m.reason]), importId, malformed.file, m.line],
    );
  }
  await resolveQuarantine(wh, t, upsert ? [toStore] : firstLoad ? [good] : [`SELECT * FROM ${tbl}`, good]);
  const updated = Number(a?.updated ?? 0);
  const replaced = `FROM ${tbl} t WHERE EXISTS (SELECT 1 FROM (${toStore}) c WHERE ${same})`;
  const sessions = derived && t.name === 'web_events';
  // The sessions a replaced event left need deriving again as much as those the new rows join.
  const touching = updated > 0 ? `SELECT session_id, visitor_id FROM (${toStore}) c UNION ALL SELECT t.session_id, t.visitor_id ${replaced}` : toStore;
  if (sessions) await noteTouchedSessions(wh, firstLoad ? null : touching);
  const stamped = [...stored, d.ident(IMPORT_ID)].join(', ');
  if (updated > 0) {
    // The replaced rows, kept for undo, then taken out.
    await wh.exec(`INSERT INTO ${d.ident(replacedTable(t))} (${stamped}, _replaced_by) SELECT ${stored.map((c) => `t.${c}`).join(', ')}, t.${d.ident(IMPORT_ID)}, ${importId} ${replaced}`);
    await wh.exec(`DELETE ${replaced}`);
    faultPoint('kill-mid-upsert');
  }
  await wh.exec(`INSERT INTO ${tbl} (${stamped}) SELECT ${stored.join(', ')}, ${importId} FROM (${toStore}) c`);
  if (sessions) await refreshWebSessions(wh, firstLoad);
  if (upserting) await wh.exec(`DROP TABLE ${UPSERTING}`);

  // The table's rows changed: results cached over it are out of date from this commit on.
  if (Number(a?.stored ?? 0) > 0) await bumpVersions(wh, [t.name]);

  const [r] = await wh.query(`SELECT count(*) AS n FROM ${CHECKED}`);
  const read = Number(r?.n ?? 0) + malformed.records.length;
  const accepted = Number(a?.stored ?? 0) - updated;
  const quarantined = Number(q?.n ?? 0) + malformed.records.length;
  return { read, accepted, updated, duplicates: read - accepted - updated - quarantined, quarantined, orphans: Number(a?.orphans ?? 0) };
}

/**
 * Take out of the quarantine every record of table t whose key one of `stores` holds (queries
 * with the key columns). An import passes the table and its good rows: a record
 * whose key is stored — by this import or any before it, from any file — has nothing left to
 * correct, since its corrected form would be a duplicate. A latest-snapshot table passes only
 * the rows this import stores: there a corrected record would replace the stored row, so a
 * record stays open until a row of its key arrives.
 */
async function resolveQuarantine(wh: Warehouse, t: TableDef, stores: readonly string[]): Promise<void> {
  const d = wh.dialect;
  const [open] = await wh.query(`SELECT count(*) AS n FROM _quarantine WHERE table_name = ${d.str(t.name)}`);
  if (Number(open?.n ?? 0) === 0) return;
  // The key as the quarantine writes it (key_text): the fields' text joined by |.
  const keyText = d.concat(t.key.flatMap((k, i) => (i ? [d.str('|'), `CAST(${d.ident(k)} AS VARCHAR)`] : [`CAST(${d.ident(k)} AS VARCHAR)`])));
  const keys = stores.map((s) => `SELECT ${keyText} FROM (${s}) s`).join(' UNION ALL ');
  await wh.exec(`DELETE FROM _quarantine WHERE table_name = ${d.str(t.name)} AND key_text IN (${keys})`);
}

async function isEmpty(wh: Warehouse, table: string): Promise<boolean> {
  const [r] = await wh.query(`SELECT count(*) AS n FROM ${wh.dialect.ident(table)}`);
  return Number(r?.n ?? 0) === 0;
}

/** Log an import (the columns named: a workspace upgraded on open has the newer ones last). */
export async function logImport(wh: Warehouse, importId: number, s: StoreCounts & Pick<ImportSummary, 'table' | 'file' | 'seconds'>, format: string, mode: ImportMode): Promise<void> {
  const cols = ['import_id', 'table_name', 'file', 'format', 'started_at', 'seconds', 'read', 'accepted', 'duplicates', 'quarantined', 'orphans', 'mode', 'updated'];
  await wh.exec(`INSERT INTO _imports (${cols.map((c) => wh.dialect.ident(c)).join(', ')}) VALUES ($1, $2, $3, $4, ${wh.dialect.nowUtc()}, $5, $6, $7, $8, $9, $10, $11, $12)`, [
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
    mode,
    s.updated,
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
    throw new UsageError('unknown-table', `Unknown table ${name}.`, `${didYouMean(name, TABLE_NAMES)}See retain import --help for the tables.`);
  }
}
