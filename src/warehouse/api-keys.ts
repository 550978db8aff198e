/**
 * API keys of a workspace. A key is its kind's prefix and 32 random bytes in base64url
 * (`rk_read_…`, `rk_admin_…`, `rk_ingest_…`), shown once when made; `_api_keys` keeps its SHA-256
 * hash and the first 12 characters to find and show it by, never the key. Revoking appends the
 * key's row again with revoked_at set (ClickHouse cannot update), and a key with any such row is
 * refused. Nothing is cached: every request looks its key up, so a revocation holds at once.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { UsageError } from './errors.js';
import { didYouMean } from './suggest.js';
import type { Warehouse } from './warehouse.js';

export const KEY_KINDS = ['read', 'admin', 'ingest'] as const;
export type KeyKind = (typeof KEY_KINDS)[number];

/** The characters of a key shown in lists and used to find it (its kind and a few of its own). */
const PREFIX_LENGTH = 12;

export interface ApiKeyInfo {
  id: string;
  kind: KeyKind;
  prefix: string;
  created_at: string;
  revoked_at: string | null;
}

const sha256 = (key: string) => createHash('sha256').update(key).digest('hex');

export function assertKeyKind(kind: string): asserts kind is KeyKind {
  if (!(KEY_KINDS as readonly string[]).includes(kind)) {
    throw new UsageError('bad-key-kind', `Unknown key kind ${kind}.`, `${didYouMean(kind, KEY_KINDS)}Kinds: ${KEY_KINDS.join(', ')}.`);
  }
}

/** Make a key of this kind; the answer is the only place the key itself ever appears. */
export async function createApiKey(wh: Warehouse, kind: string): Promise<{ key: string; id: string }> {
  assertKeyKind(kind);
  const key = `rk_${kind}_${randomBytes(32).toString('base64url')}`;
  const id = `key_${randomBytes(6).toString('hex')}`;
  await wh.exec(`INSERT INTO _api_keys (id, kind, hash, prefix, created_at, revoked_at) VALUES ($1, $2, $3, $4, ${wh.dialect.nowUtc()}, NULL)`, [
    id,
    kind,
    sha256(key),
    key.slice(0, PREFIX_LENGTH),
  ]);
  return { key, id };
}

/** Every key, oldest first, without secrets: one entry per id, revoked_at from its revocation if any. */
export async function listApiKeys(wh: Warehouse): Promise<ApiKeyInfo[]> {
  const rows = await wh.query(
    // Aliases unlike the columns: ClickHouse would read min(created_at) AS created_at into the ORDER BY's.
    `SELECT id, min(kind) AS key_kind, min(prefix) AS key_prefix, min(created_at) AS made_at, max(revoked_at) AS revoked FROM _api_keys GROUP BY id ORDER BY made_at, id`,
  );
  return rows.map((r) => ({
    id: String(r.id),
    kind: String(r.key_kind) as KeyKind,
    prefix: String(r.key_prefix),
    created_at: String(r.made_at),
    revoked_at: r.revoked === null || r.revoked === undefined ? null : String(r.revoked),
  }));
}

export async function revokeApiKey(wh: Warehouse, id: string): Promise<ApiKeyInfo> {
  const keys = await listApiKeys(wh);
  const k = keys.find((x) => x.id === id);
  if (!k) throw new UsageError('unknown-key', `No API key ${id}.`, `${didYouMean(id, keys.map((x) => x.id))}retain keys list shows them.`);
  if (k.revoked_at !== null) return k;
  await wh.exec(`INSERT INTO _api_keys (id, kind, hash, prefix, created_at, revoked_at) SELECT id, kind, hash, prefix, created_at, ${wh.dialect.nowUtc()} FROM _api_keys WHERE id = $1 AND revoked_at IS NULL`, [id]);
  return (await listApiKeys(wh)).find((x) => x.id === id)!;
}

/**
 * The key a request presents: its id and kind when it is known and not revoked, 'revoked', or
 * null. Candidates are found by prefix, and their hashes compared in constant time.
 */
export async function lookupApiKey(wh: Warehouse, key: string): Promise<{ id: string; kind: KeyKind } | 'revoked' | null> {
  if (!/^rk_[a-z]+_[A-Za-z0-9_-]+$/.test(key)) return null;
  const presented = Buffer.from(sha256(key), 'hex');
  const rows = await wh.query(`SELECT id, kind, hash, revoked_at FROM _api_keys WHERE prefix = $1`, [key.slice(0, PREFIX_LENGTH)]);
  let found: { id: string; kind: KeyKind } | null = null;
  for (const r of rows) {
    const stored = Buffer.from(String(r.hash), 'hex');
    if (stored.length === presented.length && timingSafeEqual(stored, presented)) found = { id: String(r.id), kind: String(r.kind) as KeyKind };
  }
  if (!found) return null;
  return rows.some((r) => r.id === found.id && r.revoked_at !== null && r.revoked_at !== undefined) ? 'revoked' : found;
}
