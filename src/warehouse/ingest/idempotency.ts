/**
 * Idempotency keys of ingested batches (`_ingest_keys`): a batch sent again with its key gets the
 * answer it got the first time, nothing stored twice; the same key with another body is a
 * client's mistake, refused. The record is written in the batch's transaction, so a key is known
 * exactly when its rows are committed.
 */
import { createHash } from 'node:crypto';
import { UsageError } from '../errors.js';
import type { Warehouse } from '../warehouse.js';

/** JSON with every object's keys sorted: the same rows written in another key order are the same body. */
export function canonicalJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`;
  if (v !== null && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    return `{${Object.keys(o)
      .filter((k) => o[k] !== undefined)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonicalJson(o[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(v) ?? 'null';
}

/** The SHA-256 (hex) of a batch's canonical body: its table and its rows. */
export const bodyHash = (table: string, rows: readonly unknown[]): string => createHash('sha256').update(canonicalJson({ table, rows })).digest('hex');

/** The same key sent with another body (→ 422 over HTTP). */
export class IdempotencyConflict extends UsageError {
  constructor(key: string) {
    super(
      'idempotency-key-reused',
      `Idempotency key ${JSON.stringify(key)} was used for another batch (a different table or different rows).`,
      'Send a new key with each new batch; re-send a batch only with the key it was first sent with, and its body unchanged.',
    );
  }
}

/** The longest idempotency key taken (a UUID is 36 characters). */
export const MAX_KEY_LENGTH = 255;

/** Refuse a key that is empty or longer than MAX_KEY_LENGTH. */
export function checkKey(key: string): void {
  if (key.length === 0 || key.length > MAX_KEY_LENGTH) {
    throw new UsageError('bad-idempotency-key', `An idempotency key has 1 to ${MAX_KEY_LENGTH} characters; this one has ${key.length}.`, 'Send a fresh UUID as the key of each new batch.');
  }
}

/** What a key was first sent with: its body's hash and the answer it got (JSON text). */
export interface StoredKey {
  hash: string;
  answer: string;
}

/**
 * The keys of `keys` already answered, with their first body's hash and answer: one query for a
 * whole group, the keys bound as one JSON parameter. A caller compares the hashes (IdempotencyConflict).
 */
export async function storedKeys(wh: Warehouse, keys: readonly string[]): Promise<Map<string, StoredKey>> {
  if (!keys.length) return new Map();
  const d = wh.dialect;
  const rows = await wh.query(
    `SELECT idempotency_key AS k, body_sha256 AS h, answer AS a FROM _ingest_keys WHERE idempotency_key IN (SELECT ${d.jsonText('_json', 'k')} FROM (${d.jsonArrayRows('$1')}) s)`,
    [JSON.stringify(keys.map((k) => ({ k })))],
  );
  return new Map(rows.map((r) => [String(r.k), { hash: String(r.h), answer: String(r.a) }]));
}

/**
 * Record the answers of keys stored by import `importId`, in one statement (undoing that import
 * forgets them: a re-send then stores the rows again).
 */
export async function recordAnswers(wh: Warehouse, answers: readonly { key: string; hash: string; answer: unknown }[], importId: number): Promise<void> {
  if (!answers.length) return;
  const d = wh.dialect;
  const field = (k: string) => d.jsonText('_json', k);
  await wh.exec(
    `INSERT INTO _ingest_keys (idempotency_key, body_sha256, answer, created_at, import_id)
     SELECT ${field('k')}, ${field('h')}, ${field('a')}, ${d.nowUtc()}, $2 FROM (${d.jsonArrayRows('$1')}) s`,
    [JSON.stringify(answers.map((a) => ({ k: a.key, h: a.hash, a: JSON.stringify(a.answer) }))), importId],
  );
}
