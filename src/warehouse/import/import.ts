/**
 * Import a file into a canonical table. The file is read by the engine into a staging table of
 * text, every record is parsed and checked in SQL, and then — in one transaction — good new rows
 * go into the table, rejected rows into the quarantine (verbatim, with their reasons) and the
 * import into the log. A crash before COMMIT leaves nothing; running the same import again
 * then does the whole file. Invariant: read = accepted + duplicates + quarantined.
 */
import { UsageError } from '../errors.js';
import { getSettings } from '../schema/settings.js';
import { tableDef, type TableDef } from '../schema/tables.js';
import type { QueryProgress, Warehouse } from '../warehouse.js';
import { describeSource, mapColumns, parseMap, type InputFormat } from './source.js';
import { checkQuery } from './validate-sql.js';

export interface ImportSummary {
  table: string;
  file: string;
  read: number;
  accepted: number;
  duplicates: number;
  quarantined: number;
  orphans: number;
  seconds: number;
}

export interface ImportOptions {
  table: string;
  file: string;
  format?: InputFormat;
  delimiter?: string;
  /** `source_column=canonical_field` pairs. */
  map?: readonly string[];
  onProgress?: (phase: 'reading' | 'validating' | 'writing', p: QueryProgress) => void;
}

export const STG = '_stg';

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

  let phase: 'reading' | 'validating' | 'writing' = 'reading';
  const stop = opts.onProgress ? wh.watchProgress((p) => opts.onProgress?.(phase, p)) : () => undefined;
  try {
    // Staging is connection-local scratch (temp tables), so it happens before the transaction;
    // record numbers come from the staging table's row order, which is file order.
    await dropStaging(wh);
    const staged = await wh.stage(src, STG);
    const cols = mapColumns(t, staged.columns, map, opts.file);
    const text = (field: string) => {
      const i = cols.get(field) ?? -1;
      return i < 0 ? null : `c${i}`;
    };
    // Verbatim copies keep canonical names for mapped columns, so an exported quarantine
    // can be corrected and imported again without --map.
    const names = staged.columns.map((c, i) => [...cols].find(([, j]) => j === i)?.[0] ?? c);
    const rawExpr = staged.rawExpr(names);
    const extra = staged.extraColumns[0];
    return await wh.transaction(async () => {
      phase = 'validating';
      const importId = await nextImportId(wh);
      const counts = await validateAndStore(wh, t, { currency, text, rawExpr, file: opts.file, importId, extraFieldsColumn: extra });
      phase = 'writing';
      const malformed = await wh.stagedMalformed();
      const d = wh.dialect;
      for (const m of malformed) {
        await wh.exec(
          `INSERT INTO _quarantine SELECT $1, ${d.hashText('$2')}, NULL, $3, $4, $2, $5, $6, ${d.nowUtc()}
           WHERE NOT EXISTS (SELECT 1 FROM _quarantine WHERE table_name = $1 AND row_hash = ${d.hashText('$2')})`,
          [t.name, JSON.stringify({ '(line)': m.raw }), opts.file, m.row, JSON.stringify([m.reason]), importId],
        );
      }
      const summary: ImportSummary = {
        table: t.name,
        file: opts.file,
        read: counts.read + malformed.length,
        accepted: counts.accepted,
        duplicates: counts.read - counts.accepted - counts.quarantined,
        quarantined: counts.quarantined + malformed.length,
        orphans: counts.orphans,
        seconds: 0,
      };
      summary.seconds = round3((performance.now() - started) / 1000);
      await wh.exec(
        `INSERT INTO _imports VALUES ($10, $1, $2, $3, ${d.nowUtc()}, $4, $5, $6, $7, $8, $9)`,
        [t.name, opts.file, src.format, summary.seconds, summary.read, summary.accepted, summary.duplicates, summary.quarantined, summary.orphans, importId],
      );
      // Fault injection for the crash-safety test: die at the worst moment, everything written, nothing committed.
      if (process.env.RETAIN_FAULT === 'kill-before-commit') process.kill(process.pid, 'SIGKILL');
      return summary;
    });
  } finally {
    stop();
    await dropStaging(wh).catch(() => undefined);
  }
}

export interface StoreInput {
  currency: string;
  text: (field: string) => string | null;
  rawExpr: string;
  file: string;
  importId: number;
  /** A staged column that is non-NULL when a record has more fields than the header. */
  extraFieldsColumn?: string;
  /** SQL for each record's file, when records come from several (quarantine retry). */
  fileExpr?: string;
}

/**
 * The SQL core shared by import and quarantine retry: check every staged record, insert the good
 * new ones, quarantine the bad ones, resolve quarantined rows whose key now arrived.
 */
export async function validateAndStore(
  wh: Warehouse,
  t: TableDef,
  input: StoreInput,
): Promise<{ read: number; accepted: number; quarantined: number; orphans: number }> {
  const d = wh.dialect;
  const fields = t.fields.map((f) => d.ident(f.name));
  const stored = t.fx ? [...fields, '_rate'] : fields;
  const keys = t.key.map((k) => d.ident(k));
  const tbl = d.ident(t.name);

  // 1. Parse and check every record once; the verbatim copy is built only for rejected ones.
  const check = checkQuery(d, t, STG, input.text, input.rawExpr, {
    currency: input.currency,
    extraFieldsColumn: input.extraFieldsColumn,
    fileExpr: input.fileExpr ?? d.str(input.file),
  });
  await wh.exec(`CREATE TEMP TABLE _chk AS ${check}`);

  // 2. The rows to store: good, first of their key in the file, key not yet in the table.
  //    A "latest snapshot wins" table keeps the last of its key and replaces changed rows.
  const same = keys.map((k) => `t.${k} = c.${k}`).join(' AND ');
  const identical = stored.map((c) => `t.${c} IS NOT DISTINCT FROM c.${c}`).join(' AND ');
  const good = `SELECT * FROM _chk WHERE ${d.listLength('_reasons')} = 0`;
  // Ranking rows within a key is costly; most files repeat no key, which a count tells cheaply.
  const [u] = await wh.query(`SELECT count(*) - count(DISTINCT (${keys.join(', ')})) AS repeats FROM (${good}) g`);
  const firstOfKey = Number(u?.repeats ?? 0) === 0 ? good : `SELECT * FROM (
      SELECT *, row_number() OVER (PARTITION BY ${keys.join(', ')} ORDER BY _row ${t.upsert ? 'DESC' : ''}) AS _n
      FROM (${good}) g) r WHERE _n = 1`;
  await wh.exec(`CREATE TEMP TABLE _ok AS
    SELECT ${stored.join(', ')}, _row FROM (${firstOfKey}) c
    WHERE NOT EXISTS (SELECT 1 FROM ${tbl} t WHERE ${t.upsert ? identical : same})`);
  if (t.upsert) await wh.exec(`DELETE FROM ${tbl} t WHERE EXISTS (SELECT 1 FROM _ok c WHERE ${same})`);
  await wh.exec(`INSERT INTO ${tbl} (${stored.join(', ')}) SELECT ${stored.join(', ')} FROM _ok`);

  const [c] = await wh.query(`SELECT
      (SELECT count(*) FROM _chk) AS "read",
      (SELECT count(*) FROM _ok) AS accepted,
      (SELECT count(*) FROM _chk WHERE ${d.listLength('_reasons')} > 0) AS quarantined`);

  // 3. Quarantine the rejected rows (once: a re-import finds them there already).
  await wh.exec(`INSERT INTO _quarantine
    SELECT ${d.str(t.name)}, ${d.hashText('_raw')}, _key, _file, _row, _raw, ${d.listToJson('_reasons')},
           ${input.importId}, ${d.nowUtc()}
    FROM _chk c WHERE ${d.listLength('_reasons')} > 0
      AND NOT EXISTS (SELECT 1 FROM _quarantine z WHERE z.table_name = ${d.str(t.name)} AND z.row_hash = ${d.hashText('c._raw')})`);

  // 4. A quarantined row whose key has now been accepted is resolved.
  const keyOk = d.concat(t.key.flatMap((k, i) => (i ? [d.str('|'), `CAST(${d.ident(k)} AS VARCHAR)`] : [`CAST(${d.ident(k)} AS VARCHAR)`])));
  await wh.exec(`DELETE FROM _quarantine WHERE table_name = ${d.str(t.name)} AND key_text IN (SELECT ${keyOk} FROM _ok)`);

  // 5. Orphans: accepted rows that reference a customer or order the workspace does not know.
  let orphans = 0;
  if (t.references.length) {
    const cond = t.references
      .map((r) => `(o.${d.ident(r.field)} IS NOT NULL AND NOT EXISTS (SELECT 1 FROM ${d.ident(r.table)} x WHERE x.${d.ident(r.column)} = o.${d.ident(r.field)}))`)
      .join(' OR ');
    orphans = Number((await wh.query(`SELECT count(*) AS n FROM _ok o WHERE ${cond}`))[0]?.n ?? 0);
  }
  await wh.exec(`DROP TABLE IF EXISTS _ok; DROP TABLE IF EXISTS _chk`);
  return { read: Number(c?.read ?? 0), accepted: Number(c?.accepted ?? 0), quarantined: Number(c?.quarantined ?? 0), orphans };
}

export async function dropStaging(wh: Warehouse): Promise<void> {
  await wh.exec(`DROP VIEW IF EXISTS ${STG}; DROP TABLE IF EXISTS ${STG}_raw; DROP TABLE IF EXISTS ${STG}_lines;
    DROP TABLE IF EXISTS _ok; DROP TABLE IF EXISTS _chk`);
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

const round3 = (x: number) => Math.round(x * 1000) / 1000;
