/**
 * Ingest: rows sent by a client (a JSON array, one batch) stored by the file import's own rules.
 * Each row is first checked for what only its JSON shows (row-checks.ts: an object of the
 * table's fields, its size, sent_at); the rows that pass are staged as JSON records, the whole
 * group's in one statement, and checked by the import's SQL (checkRecords) — once per group and
 * table, its reasons the answer's — and stored by its storeChecked, so validation, duplicates (a
 * key stored, or repeated earlier in the batch), upserts, orphans and FX are decided exactly as
 * for a file. A row the SQL rejects is quarantined as a file's would be, and answered as rejected.
 * (The SQL writes the zod validator's reasons, word for word — test/validators-agree — so
 * running zod on each row first, as ingest once did, only repeated the work in JS.)
 *
 * Atomic: every batch of a group is stored, logged in `_imports` (format `ingest`; a group's
 * batches of one table as one import) and its idempotency record written in one transaction, so
 * a crash before COMMIT leaves none of it and an answer is only given once it is committed.
 * Invariant, per batch: rows = accepted + duplicates + rejected.length. A quarantined row's
 * record number is its place among the rows its group staged for the table, from 1.
 *
 * DuckDB only for now: ClickHouse has no transactions, so a batch could not be committed together
 * with its idempotency record; there it is refused with a UsageError rather than half-kept.
 */
import { UsageError } from '../errors.js';
import { faultPoint } from '../fault.js';
import { getSettings } from '../schema/settings.js';
import { IMPORT_ID, TABLES, type TableDef } from '../schema/tables.js';
import type { Warehouse } from '../warehouse.js';
import { checkRecords, dropRecordsSource } from '../import/check-records.js';
import { CHECKED, dropChecked, importMode, logImport, nextImportId, storeChecked, tableDefOrUsage, type StoreCounts } from '../import/import.js';
import { bodyHash, checkKey, IdempotencyConflict, recordAnswers, storedKeys } from './idempotency.js';
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
 * Several batches in one transaction (the group commit of writer.ts). The batches of one table
 * are checked and stored together, as one import: numbered in submission order, so a row whose
 * key an earlier batch of the group brings is that batch's and this one's duplicate, as if they
 * had been stored one after the other. A latest-snapshot table's batches are stored one after the
 * other (each replaces what the one before stored). A batch with an unknown table or a reused key
 * gets its error; the others are stored. Any other failure rolls the whole group back and is
 * thrown: no batch of it is stored.
 */
export async function ingestGroup(wh: Warehouse, batches: readonly IngestRequest[]): Promise<IngestOutcome[]> {
  requireTransactions(wh);
  const settings = await getSettings(wh);
  return wh.transaction(async () => {
    const jobs = await planJobs(wh, batches, settings);
    const toStore = jobs.filter((j) => !j.outcome && j.sameKeyAs === undefined);
    for (const t of new Set(toStore.map((j) => j.t))) {
      const mine = toStore.filter((j) => j.t === t);
      if (importMode(t, undefined) === 'upsert') for (const j of mine) await storeJobs(wh, t, [j], settings);
      else await storeJobs(wh, t, mine, settings);
    }
    faultPoint('kill-ingest-before-commit');
    return jobs.map((j) => {
      const first = j.sameKeyAs === undefined ? undefined : jobs[j.sameKeyAs]?.outcome;
      if (first) return first.ok ? { ok: true, answer: { ...first.answer, replayed: true } } : first;
      return j.outcome ?? { ok: false, error: new Error('ingest job left without an outcome') };
    });
  });
}

/** A batch on its way through a group. */
interface Job {
  readonly request: IngestRequest;
  readonly t: TableDef;
  readonly hash: string;
  /** Its rejections, the row checks' first, then the SQL's. */
  readonly rejected: Rejection[];
  /** The rows that passed the row checks: their index in the batch, and their JSON. */
  readonly staged: [index: number, raw: string][];
  /** An earlier batch of the group with the same key and body: this one gets its answer. */
  sameKeyAs?: number;
  outcome?: IngestOutcome;
}

/** Each batch's table, replay or key conflict, and row checks; nothing written yet. */
async function planJobs(wh: Warehouse, batches: readonly IngestRequest[], settings: { timezone: string }): Promise<Job[]> {
  // Every key of the group looked up at once; a malformed one is then refused by checkKey below.
  const stored = await storedKeys(wh, [...new Set(batches.flatMap((b) => (b.idempotencyKey === undefined ? [] : [b.idempotencyKey])))]);
  const keysInGroup = new Map<string, [job: number, hash: string]>();
  const jobs: Job[] = [];
  for (const [n, b] of batches.entries()) {
    let t: TableDef;
    try {
      t = tableDefOrUsage(b.table);
    } catch (e) {
      // Answered with its error, it is never stored: the table it names stands in for none.
      jobs.push({ request: b, t: TABLES[0]!, hash: '', rejected: [], staged: [], outcome: { ok: false, error: e as Error } });
      continue;
    }
    const job: Job = { request: b, t, hash: b.idempotencyKey === undefined ? '' : bodyHash(t.name, b.rows), rejected: [], staged: [] };
    jobs.push(job);
    const key = b.idempotencyKey;
    if (key !== undefined) {
      try {
        checkKey(key);
        const first = stored.get(key);
        if (first && first.hash !== job.hash) throw new IdempotencyConflict(key);
        if (first) {
          job.outcome = { ok: true, answer: { ...(JSON.parse(first.answer) as IngestAnswer), replayed: true } };
          continue;
        }
        const earlier = keysInGroup.get(key);
        if (earlier && earlier[1] !== job.hash) throw new IdempotencyConflict(key);
        if (earlier) {
          job.sameKeyAs = earlier[0];
          continue;
        }
        keysInGroup.set(key, [n, job.hash]);
      } catch (e) {
        if (!(e instanceof UsageError)) throw e;
        job.outcome = { ok: false, error: e };
        continue;
      }
    }
    const receivedAt = b.receivedAt ?? new Date();
    // The table's own rules are the import's SQL's (run once for the group, in storeJobs); here
    // only what SQL cannot see: the row's shape, its size and sent_at.
    b.rows.forEach((raw, index) => {
      const p = prepareRow(t, raw, index, receivedAt, settings.timezone);
      if (!p.ok) job.rejected.push(p.rejection);
      else job.staged.push([index, p.json]);
    });
  }
  return jobs;
}

/**
 * Store the staged rows of batches of table t as one import: checked by the import's SQL (its
 * rejections join their batch's), stored by storeChecked, logged, each batch answered and its key
 * recorded. Staged rows are numbered in batch order from 1 (the quarantine's record number).
 */
async function storeJobs(wh: Warehouse, t: TableDef, jobs: readonly Job[], settings: { currency: string; timezone: string }): Promise<void> {
  const started = performance.now();
  const d = wh.dialect;
  const importId = await nextImportId(wh);
  const mode = importMode(t, undefined);
  // Record number → [job, index in its batch].
  const origin: [Job, number][] = jobs.flatMap((j) => j.staged.map(([index]) => [j, index] as [Job, number]));
  const rows = jobs.flatMap((j) => j.staged.map(([, raw]) => raw));
  // Record number → the job (its place in jobs) it came from, staged beside each row.
  const batchOf = jobs.flatMap((j, n) => j.staged.map(() => n));
  const storedBy = new Map<Job, number>();
  let counts: Omit<StoreCounts, 'read' | 'quarantined'> = { accepted: 0, updated: 0, duplicates: 0, orphans: 0 };
  if (rows.length) {
    await stage(wh, t, rows, batchOf, settings);
    try {
      const stored = await storeChecked(wh, t, importId, undefined, true, mode);
      counts = stored;
      // Each query only when its answer is not known from the counts already: a group whose
      // rows all pass and are all new (the usual one) runs neither.
      if (stored.quarantined > 0) {
        const bad = await wh.query(`SELECT _row, ${d.listToJson('_reasons')} AS reasons FROM ${CHECKED} WHERE _reasons IS NOT NULL`);
        for (const r of bad) {
          const [j, index] = origin[Number(r._row) - 1]!;
          j.rejected.push(rejectionOf(index, JSON.parse(String(r.reasons)) as string[]));
        }
      }
      const storedRows = stored.accepted + stored.updated;
      if (jobs.length === 1) storedBy.set(jobs[0]!, storedRows);
      else if (storedRows === rows.length) for (const j of jobs) storedBy.set(j, j.staged.length);
      else if (storedRows > 0) for (const [n, k] of await storedByBatch(wh, t, importId)) storedBy.set(jobs[n]!, k);
    } finally {
      await dropChecked(wh);
      await dropRecordsSource(wh);
      await wh.exec(`DROP TABLE IF EXISTS ${STAGED}`);
    }
  }
  const rejected = jobs.reduce((n, j) => n + j.rejected.length, 0);
  await logImport(
    wh,
    importId,
    {
      table: t.name,
      file: INGEST_FILE,
      seconds: Math.round(performance.now() - started) / 1000,
      read: jobs.reduce((n, j) => n + j.request.rows.length, 0),
      accepted: counts.accepted,
      updated: counts.updated,
      duplicates: counts.duplicates,
      // Every rejected row, whether the quarantine kept it (the SQL's rejections) or only the answer told it (the row checks').
      quarantined: rejected,
      orphans: counts.orphans,
    },
    'ingest',
    mode,
  );
  const keyed: { key: string; hash: string; answer: IngestAnswer }[] = [];
  for (const j of jobs) {
    j.rejected.sort((x, y) => x.index - y.index);
    const accepted = storedBy.get(j) ?? 0;
    // rows = accepted + duplicates + rejected, per batch as for the whole.
    const answer: IngestAnswer = { accepted, duplicates: j.request.rows.length - accepted - j.rejected.length, rejected: j.rejected };
    j.outcome = { ok: true, answer };
    if (j.request.idempotencyKey !== undefined) keyed.push({ key: j.request.idempotencyKey, hash: j.hash, answer });
  }
  await recordAnswers(wh, keyed, importId);
}

/**
 * The staged rows as JSON records, each with its batch (`_batch`, the job's place), checked into
 * CHECKED by the import's SQL. They cross into the engine as JSON arrays, one parameter each,
 * whatever the group's size: binding a parameter or two per row cost more than checking the
 * rows. What an earlier group left is dropped by its own finally, not here: a statement less.
 */
async function stage(wh: Warehouse, t: TableDef, rows: readonly string[], batchOf: readonly number[], settings: { currency: string; timezone: string }): Promise<void> {
  const d = wh.dialect;
  await wh.exec(
    `CREATE TEMP TABLE ${STAGED} AS SELECT r._row, r._json AS _qraw, CAST(b._json AS BIGINT) AS _batch
     FROM (${d.jsonArrayRows('$1')}) r JOIN (${d.jsonArrayRows('$2')}) b ON b._row = r._row`,
    [`[${rows.join(',')}]`, JSON.stringify(batchOf)],
  );
  await checkRecords(wh, t, `SELECT _row, CAST(NULL AS BIGINT) AS _line, ${d.str(INGEST_FILE)} AS _qfile, _qraw FROM ${STAGED}`, {
    currency: settings.currency,
    parse: { timezone: settings.timezone },
  });
}

/**
 * How many rows of each batch import `importId` stored (insert mode), by the batch's place: the
 * first good row of each key, where the table now holds that key from this import.
 */
async function storedByBatch(wh: Warehouse, t: TableDef, importId: number): Promise<[batch: number, stored: number][]> {
  const d = wh.dialect;
  const keys = t.key.map((k) => d.ident(k));
  const same = keys.map((k) => `t.${k} = c.${k}`).join(' AND ');
  const rows = await wh.query(
    `SELECT s._batch AS b, count(*) AS n FROM (SELECT c._row, row_number() OVER (PARTITION BY ${keys.map((k) => `c.${k}`).join(', ')} ORDER BY c._row) AS _n,
        EXISTS (SELECT 1 FROM ${d.ident(t.name)} t WHERE ${same} AND t.${d.ident(IMPORT_ID)} = $1) AS _mine
      FROM ${CHECKED} c WHERE c._reasons IS NULL) f JOIN ${STAGED} s ON s._row = f._row WHERE f._n = 1 AND f._mine GROUP BY s._batch`,
    [importId],
  );
  return rows.map((r) => [Number(r.b), Number(r.n)]);
}
