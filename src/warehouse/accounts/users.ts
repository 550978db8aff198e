/**
 * Users and their roles per workspace. A user is an email (lower-cased) with a password hash;
 * a role is granted per workspace: owner, admin, analyst or viewer. Owners manage admins and
 * owners; admins manage analysts and viewers, keys and data (server/auth.ts says what each may
 * call).
 */
import { randomBytes } from 'node:crypto';
import { UsageError } from '../errors.js';
import { didYouMean } from '../suggest.js';
import type { Warehouse } from '../warehouse.js';
import { newest, nextVersion } from './tables.js';

export const ROLES = ['owner', 'admin', 'analyst', 'viewer'] as const;
export type Role = (typeof ROLES)[number];

export interface User {
  id: string;
  email: string;
  /** The scrypt hash, '' until the user sets a password. */
  password: string;
}

export interface Membership {
  workspace: string;
  role: Role;
}

// One @, something on each side, a dot in the domain: what a typo breaks; the invitation link proves the rest.
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** The email as stored: trimmed, lower-cased, and checked. */
export function normalEmail(email: string): string {
  const e = email.trim().toLowerCase();
  if (!EMAIL.test(e) || e.length > 320) throw new UsageError('bad-email', `"${email}" is not an email address.`, 'Give it as name@example.com.');
  return e;
}

export function assertRole(role: string): asserts role is Role {
  if (!(ROLES as readonly string[]).includes(role)) throw new UsageError('bad-role', `Unknown role ${role}.`, `${didYouMean(role, ROLES)}Roles: ${ROLES.join(', ')}.`);
}

export async function findUser(wh: Warehouse, email: string): Promise<User | null> {
  const rows = await wh.query('SELECT id, email, password, version FROM _users WHERE email = $1 ORDER BY version DESC LIMIT 1', [normalEmail(email)]);
  return rows[0] ? { id: String(rows[0].id), email: String(rows[0].email), password: String(rows[0].password) } : null;
}

export async function userById(wh: Warehouse, id: string): Promise<User | null> {
  const rows = await wh.query('SELECT id, email, password, version FROM _users WHERE id = $1 ORDER BY version DESC LIMIT 1', [id]);
  return rows[0] ? { id: String(rows[0].id), email: String(rows[0].email), password: String(rows[0].password) } : null;
}

/** The user with this email, made if new; `password` (a hash) replaces the stored one when given. */
export async function saveUser(wh: Warehouse, email: string, password?: string): Promise<User> {
  const had = await findUser(wh, email);
  if (had && password === undefined) return had;
  const user = { id: had?.id ?? `usr_${randomBytes(6).toString('hex')}`, email: normalEmail(email), password: password ?? had?.password ?? '' };
  await wh.exec('INSERT INTO _users (email, id, password, version) VALUES ($1, $2, $3, $4)', [user.email, user.id, user.password, nextVersion()]);
  return user;
}

/** Grant a role in a workspace (replacing the one held), or remove the user from it with 'none'. */
export async function setRole(wh: Warehouse, userId: string, workspace: string, role: Role | 'none'): Promise<void> {
  await wh.exec('INSERT INTO _members (user_id, workspace, role, version) VALUES ($1, $2, $3, $4)', [userId, workspace, role, nextVersion()]);
}

/** The workspaces a user belongs to, with the role in each. */
export async function membershipsOf(wh: Warehouse, userId: string): Promise<Membership[]> {
  const rows = await wh.query('SELECT workspace, role, version FROM _members WHERE user_id = $1', [userId]);
  return newest(rows, (r) => String(r.workspace))
    .filter((r) => r.role !== 'none')
    .map((r) => ({ workspace: String(r.workspace), role: String(r.role) as Role }))
    .sort((a, b) => a.workspace.localeCompare(b.workspace));
}

export async function roleIn(wh: Warehouse, userId: string, workspace: string): Promise<Role | null> {
  return (await membershipsOf(wh, userId)).find((m) => m.workspace === workspace)?.role ?? null;
}

/** A workspace's members: email, role and whether they have set a password yet. */
export async function membersOf(wh: Warehouse, workspace: string): Promise<{ email: string; role: Role; active: boolean }[]> {
  const rows = await wh.query('SELECT user_id, role, version FROM _members WHERE workspace = $1', [workspace]);
  const out: { email: string; role: Role; active: boolean }[] = [];
  for (const m of newest(rows, (r) => String(r.user_id)).filter((r) => r.role !== 'none')) {
    const u = await userById(wh, String(m.user_id));
    if (u) out.push({ email: u.email, role: String(m.role) as Role, active: u.password !== '' });
  }
  return out.sort((a, b) => ROLES.indexOf(a.role) - ROLES.indexOf(b.role) || a.email.localeCompare(b.email));
}

/** Whether any of these workspaces has an owner who can sign in. */
export async function hasOwner(wh: Warehouse, workspaces: readonly string[]): Promise<boolean> {
  for (const w of workspaces) if ((await membersOf(wh, w)).some((m) => m.role === 'owner' && m.active)) return true;
  return false;
}
