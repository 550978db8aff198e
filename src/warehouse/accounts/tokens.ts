/**
 * Sessions and one-time invitations: a random token goes to the browser (a cookie) or into a
 * link, the table keeps its SHA-256 hash only. Nothing is cached: signing out or using an
 * invitation holds from the next request on.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { Warehouse } from '../warehouse.js';
import { newest, nextVersion } from './tables.js';
import type { Role } from './users.js';

export const SESSION_DAYS = 14;
export const INVITE_DAYS = 7;
const DAY_MS = 86_400_000;

export const sha256 = (token: string) => createHash('sha256').update(token).digest('hex');
const token = (prefix: string) => `${prefix}_${randomBytes(32).toString('base64url')}`;

/**
 * The CSRF token of a session: derived from the session token, so it needs no storage, and
 * unguessable without the cookie, which a page of another site cannot read.
 */
export const csrfOf = (session: string) => createHash('sha256').update(`csrf:${session}`).digest('base64url');

export async function createSession(wh: Warehouse, userId: string, now = Date.now()): Promise<string> {
  const t = token('rs');
  await wh.exec('INSERT INTO _sessions (hash, user_id, expires_ms, revoked, version) VALUES ($1, $2, $3, 0, $4)', [sha256(t), userId, now + SESSION_DAYS * DAY_MS, nextVersion()]);
  return t;
}

/** The user of a live session (known, not signed out, not expired), or null. */
export async function sessionUser(wh: Warehouse, session: string, now = Date.now()): Promise<string | null> {
  if (!/^rs_[A-Za-z0-9_-]{43}$/.test(session)) return null;
  const rows = await wh.query('SELECT user_id, expires_ms, revoked, version FROM _sessions WHERE hash = $1', [sha256(session)]);
  if (rows.length === 0 || rows.some((r) => Number(r.revoked) === 1)) return null;
  const r = rows[0]!;
  return Number(r.expires_ms) > now ? String(r.user_id) : null;
}

export async function endSession(wh: Warehouse, session: string): Promise<void> {
  const rows = await wh.query('SELECT user_id, expires_ms FROM _sessions WHERE hash = $1 LIMIT 1', [sha256(session)]);
  if (rows[0]) await wh.exec('INSERT INTO _sessions (hash, user_id, expires_ms, revoked, version) VALUES ($1, $2, $3, 1, $4)', [sha256(session), String(rows[0].user_id), Number(rows[0].expires_ms), nextVersion()]);
}

export interface Invite {
  hash: string;
  /** '' when the redeemer names the email (the first owner's setup link). */
  email: string;
  /** '*' for every workspace the server serves. */
  workspace: string;
  role: Role;
}

export async function createInvite(wh: Warehouse, i: Omit<Invite, 'hash'>, days = INVITE_DAYS, now = Date.now()): Promise<string> {
  const t = token('ri');
  await wh.exec('INSERT INTO _invites (hash, email, workspace, role, expires_ms, used, version) VALUES ($1, $2, $3, $4, $5, 0, $6)', [sha256(t), i.email, i.workspace, i.role, now + days * DAY_MS, nextVersion()]);
  return t;
}

/** The invitation of a token not yet used nor expired, or null. */
export async function findInvite(wh: Warehouse, invite: string, now = Date.now()): Promise<Invite | null> {
  if (!/^ri_[A-Za-z0-9_-]{43}$/.test(invite)) return null;
  const rows = await wh.query('SELECT hash, email, workspace, role, expires_ms, used, version FROM _invites WHERE hash = $1', [sha256(invite)]);
  if (rows.length === 0 || rows.some((r) => Number(r.used) === 1)) return null;
  const r = newest(rows, (x) => String(x.hash))[0]!;
  return Number(r.expires_ms) > now ? { hash: String(r.hash), email: String(r.email), workspace: String(r.workspace), role: String(r.role) as Role } : null;
}

export async function useInvite(wh: Warehouse, i: Invite): Promise<void> {
  await wh.exec('INSERT INTO _invites (hash, email, workspace, role, expires_ms, used, version) VALUES ($1, $2, $3, $4, 0, 1, $5)', [i.hash, i.email, i.workspace, i.role, nextVersion()]);
}
