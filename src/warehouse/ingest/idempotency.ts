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

/** The first answer given to key `key` for this body, or undefined when the key is new; IdempotencyConflict when it came with another body. */
export async function storedAnswer<A>(wh: Warehouse, key: string, hash: string): Promise<A | undefined> {
  const [r] = await wh.query(`SELECT body_sha256, answer FROM _ingest_keys WHERE idempotency_key = $1`, [key]);
  if (!r) return undefined;
  if (r.body_sha256 !== hash) throw new IdempotencyConflict(key);
  return JSON.parse(String(r.answer)) as A;
}

/** Record the answer to a key, with the import that stored its rows (undoing that import forgets the key: a re-send then stores them again). */
export async function recordAnswer(wh: Warehouse, key: string, hash: string, answer: unknown, importId: number): Promise<void> {
  await wh.exec(`INSERT INTO _ingest_keys (idempotency_key, body_sha256, answer, created_at, import_id) VALUES ($1, $2, $3, ${wh.dialect.nowUtc()}, $4)`, [key, hash, JSON.stringify(answer), importId]);
}
