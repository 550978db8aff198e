/**
 * Ingest: rows sent by a client (a JSON array, one batch) stored by the file import's own rules.
 * Each row is first checked for its shape (row-checks.ts) and by the table's zod validator, which
 * gives the answer's reasons; the rows that pass are staged as JSON records and checked again by
 * the import's SQL (checkRecords) and stored by its storeChecked, so duplicates (a key stored, or
 * repeated earlier in the batch), upserts, orphans and FX are decided exactly as for a file. A
 * row the SQL still rejects (a foreign currency with no FX rate) is quarantined as a file's
 * would be, and answered as rejected.
 *
 * Atomic: every batch of a group is stored, logged in `_imports` (format `ingest`) and its
 * idempotency record written in one transaction, so a crash before COMMIT leaves none of it and
 * an answer is only given once it is committed. Invariant, per batch:
 * rows = accepted + duplicates + rejected.length.
 *
 * DuckDB only for now: ClickHouse has no transactions, so a batch could not be committed together
 * with its idempotency record; there it is refused with a UsageError rather than half-kept.
 */
import { UsageError } from '../errors.js';
import { faultPoint } from '../fault.js';
import { getSettings } from '../schema/settings.js';
import type { TableDef, TableName } from '../schema/tables.js';
import { validateRow } from '../schema/zod.js';
import type { Warehouse } from '../warehouse.js';
import { checkRecords, dropRecordsSource } from '../import/check-records.js';
import { CHECKED, dropChecked, importMode, logImport, nextImportId, storeChecked, tableDefOrUsage } from '../import/import.js';
import { bodyHash, recordAnswer, storedAnswer } from './idempotency.js';
import { prepareRow, rejectionOf, type Rejection } from './row-checks.js';

export interface IngestAnswer {
  /** Rows stored: new keys, and changed rows of a latest-snapshot table that replaced theirs. */
  accepted: number;
  /** Rows whose key was stored already, or came earlier in the same batch. */
  duplicates: number;
  /** One entry per rejected row, in batch order. */
  rejected: Rejection[];
  /** The first answer to this idempotency key, given again; nothing was stored this time. */
  replayed?: true;
}

export interface IngestOptions {
  idempotencyKey?: string;
  /** When the server received the batch (the clock `sent_at` is corrected against); now when absent. */
  receivedAt?: Date;
}

export interface IngestRequest extends IngestOptions {
  table: string;
  rows: readonly unknown[];
}

/** Each batch's own outcome in a group: its answer, or the error that batch alone met (a reused key). */
export type IngestOutcome = { ok: true; answer: IngestAnswer } | { ok: false; error: Error };

/** What a quarantined ingested row names as its file. */
export const INGEST_FILE = '(ingest)';
/** Rows staged per INSERT statement (each row binds two parameters). */
const STAGE_CHUNK = 500;
const STAGED = '_ingest_rows';

/** Ingest one batch in its own transaction; a reused key or an unknown table throws. */
export async function ingestBatch(wh: Warehouse, table: string, rows: readonly unknown[], o: IngestOptions = {}): Promise<IngestAnswer> {
  tableDefOrUsage(table);
  const [outcome] = await ingestGroup(wh, [{ table, rows, ...o }]);
  if (!outcome) throw new Error('ingestGroup gave no outcome');
  if (!outcome.ok) throw outcome.error;
  return outcome.answer;
}

/** Refuse an engine that cannot commit a batch together with its idempotency record. */
export function requireTransactions(wh: Warehouse): void {
  if (!wh.dialect.canDelete) {
    throw new UsageError(
      'ingest-not-supported',
      `Row ingest needs transactions, which ${wh.dialect.name} does not have: a batch and its idempotency record could not be committed together.`,
      'Ingest into a DuckDB workspace, or import files (retain import), which ClickHouse workspaces take.',
    );
  }
}

/**
 * Several batches in one transaction (the group commit of writer.ts), each in turn so that a
 * batch sees the rows of those before it as stored: its duplicates are counted against them.
 * A batch with an unknown table or a reused key gets its error; the others are stored. Any other
 * failure rolls the whole group back and is thrown: no batch of it is stored.
 */
export async function ingestGroup(wh: Warehouse, batches: readonly IngestRequest[]): Promise<IngestOutcome[]> {
  requireTransactions(wh);
  const settings = await getSettings(wh);
  return wh.transaction(async () => {
    const out: IngestOutcome[] = [];
    for (const b of batches) {
      try {
        out.push({ ok: true, answer: await storeBatch(wh, b, settings) });
      } catch (e) {
        // Both are found before the batch writes anything, so the transaction is still whole.
        if (!(e instanceof UsageError)) throw e;
        out.push({ ok: false, error: e });
      }
    }
    faultPoint('kill-ingest-before-commit');
    return out;
  });
}

async function storeBatch(wh: Warehouse, b: IngestRequest, settings: { currency: string; timezone: string }): Promise<IngestAnswer> {
  const started = performance.now();
  const t = tableDefOrUsage(b.table);
  const hash = b.idempotencyKey === undefined ? '' : bodyHash(t.name, b.rows);
  if (b.idempotencyKey !== undefined) {
    const first = await storedAnswer<IngestAnswer>(wh, b.idempotencyKey, hash);
    if (first) return { ...first, replayed: true };
  }
  const receivedAt = b.receivedAt ?? new Date();
  const rejected: Rejection[] = [];
  const staged: [row: number, raw: string][] = [];
  b.rows.forEach((raw, index) => {
    const p = prepareRow(t, raw, index, receivedAt, settings.timezone);
    if (!p.ok) return void rejected.push(p.rejection);
    const v = validateRow(t.name as TableName, p.row, { timezone: settings.timezone });
    if (!v.ok) return void rejected.push(rejectionOf(index, v.reasons));
    // Record numbers count from 1, as a file's do.
    staged.push([index + 1, JSON.stringify(p.row)]);
  });

  const importId = await nextImportId(wh);
  const mode = importMode(t, undefined);
  const counts = staged.length ? await storeStaged(wh, t, importId, staged, settings, rejected, mode) : { accepted: 0, updated: 0, duplicates: 0, orphans: 0 };
  rejected.sort((x, y) => x.index - y.index);
  const answer: IngestAnswer = { accepted: counts.accepted + counts.updated, duplicates: counts.duplicates, rejected };
  await logImport(
    wh,
    importId,
    {
      table: t.name,
      file: INGEST_FILE,
      seconds: Math.round(performance.now() - started) / 1000,
      read: b.rows.length,
      accepted: counts.accepted,
      updated: counts.updated,
      duplicates: counts.duplicates,
      // Every rejected row, whether the quarantine kept it (the SQL's rejections) or only the answer told it (the row checks').
      quarantined: rejected.length,
      orphans: counts.orphans,
    },
    'ingest',
    mode,
  );
  if (b.idempotencyKey !== undefined) await recordAnswer(wh, b.idempotencyKey, hash, answer, importId);
  return answer;
}

/** Stage the rows that passed the row checks, check them by the import's SQL and store them; its rejections join `rejected`. */
async function storeStaged(
  wh: Warehouse,
  t: TableDef,
  importId: number,
  staged: readonly [number, string][],
  settings: { currency: string; timezone: string },
  rejected: Rejection[],
  mode: ReturnType<typeof importMode>,
) {
  await dropChecked(wh);
  await wh.exec(`DROP TABLE IF EXISTS ${STAGED}`);
  await wh.exec(`CREATE TEMP TABLE ${STAGED} (_row BIGINT, _qraw VARCHAR)`);
  for (let i = 0; i < staged.length; i += STAGE_CHUNK) {
    const chunk = staged.slice(i, i + STAGE_CHUNK);
    await wh.exec(`INSERT INTO ${STAGED} VALUES ${chunk.map((_, j) => `($${2 * j + 1}, $${2 * j + 2})`).join(', ')}`, chunk.flat());
  }
  const d = wh.dialect;
  await checkRecords(wh, t, `SELECT _row, CAST(NULL AS BIGINT) AS _line, ${d.str(INGEST_FILE)} AS _qfile, _qraw FROM ${STAGED}`, {
    currency: settings.currency,
    parse: { timezone: settings.timezone },
  });
  try {
    const counts = await storeChecked(wh, t, importId, undefined, true, mode);
    const bad = await wh.query(`SELECT _row, ${d.listToJson('_reasons')} AS reasons FROM ${CHECKED} WHERE _reasons IS NOT NULL`);
    for (const r of bad) rejected.push(rejectionOf(Number(r._row) - 1, JSON.parse(String(r.reasons)) as string[]));
    return counts;
  } finally {
    await dropChecked(wh);
    await dropRecordsSource(wh);
    await wh.exec(`DROP TABLE IF EXISTS ${STAGED}`);
  }
}
