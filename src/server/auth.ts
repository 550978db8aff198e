/**
 * Who may call a route. A caller is anonymous, a signed-in user (the session cookie) or an API
 * key (`Authorization: Bearer rk_…`). Every route declares a permission; a user's role in the
 * workspace, or a key's kind, grants some of them. A workspace the caller has no part in, or one
 * that does not exist, is 404 alike: its existence is not told. A user's unsafe request (POST,
 * PUT, DELETE) needs the session's CSRF token in X-CSRF-Token; a key needs none, as it is never
 * sent by a browser on its own.
 */
import type { FastifyRequest } from 'fastify';
import { csrfOf, sessionUser, sha256 } from '../warehouse/accounts/tokens.js';
import { roleIn, membershipsOf, userById, type Role } from '../warehouse/accounts/users.js';
import { lookupApiKey, type KeyKind } from '../warehouse/api-keys.js';
import { HttpProblem } from './problems.js';
import type { Workspaces } from './workspaces.js';

export const PERMISSIONS = ['public', 'user', 'read', 'analyst', 'admin', 'owner', 'ingest'] as const;
export type Permission = (typeof PERMISSIONS)[number];

const ADMIN: readonly Permission[] = ['read', 'analyst', 'admin', 'ingest'];
export const ROLE_GRANTS: Record<Role, readonly Permission[]> = { viewer: ['read'], analyst: ['read', 'analyst'], admin: ADMIN, owner: [...ADMIN, 'owner'] };
export const KEY_GRANTS: Record<KeyKind, readonly Permission[]> = { read: ['read'], ingest: ['ingest'], admin: ADMIN };

export type Caller =
  | { kind: 'anonymous' }
  | { kind: 'user'; userId: string; email: string; session: string }
  | { kind: 'key'; id: string; keyKind: KeyKind; workspace: string };

export const SESSION_COOKIE = 'retain_session';
const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
const HINT = 'Sign in (POST /v1/session), or send an API key as "Authorization: Bearer rk_…" (retain keys create).';

export function cookieOf(request: FastifyRequest, name: string): string | undefined {
  for (const part of (request.headers.cookie ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return decodeURIComponent(part.slice(eq + 1).trim());
  }
  return undefined;
}

/** The caller a request presents; a key or session that is presented but not live is 401. */
export async function identify(ws: Workspaces, request: FastifyRequest, workspace?: string): Promise<Caller> {
  const bearer = /^Bearer\s+(\S+)$/i.exec(request.headers.authorization ?? '')?.[1];
  if (bearer) {
    const hash = sha256(bearer);
    const known = ws.knownKey(hash);
    const generation = ws.keyGeneration;
    if (known) return { kind: 'key', id: known.id, keyKind: known.kind, workspace: known.workspace };
    // The route's workspace first: a key of another one is found too, to answer 404 rather than 401.
    const order = [...ws.all()].sort((a, b) => Number(b.name === workspace) - Number(a.name === workspace));
    for (const w of order) {
      const key = await lookupApiKey(w.wh, bearer);
      if (key === 'revoked') throw new HttpProblem(401, 'unauthorized', 'The API key was revoked.', 'Ask an admin for a new key (retain keys create).');
      if (key) {
        ws.rememberKey(hash, { workspace: w.name, id: key.id, kind: key.kind }, generation);
        return { kind: 'key', id: key.id, keyKind: key.kind, workspace: w.name };
      }
    }
    throw new HttpProblem(401, 'unauthorized', 'The API key is not known.', HINT);
  }
  const session = cookieOf(request, SESSION_COOKIE);
  if (session) {
    const userId = await sessionUser(ws.accounts, session);
    const user = userId ? await userById(ws.accounts, userId) : null;
    if (!user) throw new HttpProblem(401, 'session-ended', 'Your session has ended.', 'Sign in again (POST /v1/session).');
    return { kind: 'user', userId: user.id, email: user.email, session };
  }
  return { kind: 'anonymous' };
}

/** What the caller may do in a workspace: null when it has no part in it (or it is not served). */
export async function grantsIn(ws: Workspaces, caller: Caller, workspace: string): Promise<readonly Permission[] | null> {
  if (!ws.get(workspace)) return null;
  if (caller.kind === 'key') return caller.workspace === workspace ? KEY_GRANTS[caller.keyKind] : null;
  if (caller.kind === 'user') {
    const role = await roleIn(ws.accounts, caller.userId, workspace);
    return role ? ROLE_GRANTS[role] : null;
  }
  return null;
}

/** The workspaces a caller may see, with the role (a user's) or the key's kind. */
export async function workspacesOf(ws: Workspaces, caller: Caller): Promise<{ name: string; role: Role | `${KeyKind} key` }[]> {
  if (caller.kind === 'key') return [{ name: caller.workspace, role: `${caller.keyKind} key` }];
  if (caller.kind !== 'user') return [];
  return (await membershipsOf(ws.accounts, caller.userId)).filter((m) => ws.get(m.workspace)).map((m) => ({ name: m.workspace, role: m.role }));
}

/**
 * Admit the request or throw its problem: 401 without a live credential, 403 for a missing CSRF
 * token or a permission the role or key lacks, 404 for a workspace that is not the caller's.
 */
export async function authorize(ws: Workspaces, request: FastifyRequest, permission: Permission, workspace?: string): Promise<Caller> {
  if (permission === 'public') return { kind: 'anonymous' };
  const caller = await identify(ws, request, workspace);
  if (caller.kind === 'anonymous') throw new HttpProblem(401, 'unauthorized', 'This route needs a signed-in user or an API key.', HINT);
  if (caller.kind === 'user' && UNSAFE.has(request.method) && request.headers['x-csrf-token'] !== csrfOf(caller.session)) {
    throw new HttpProblem(403, 'csrf', 'A signed-in request that changes something needs the session’s CSRF token.', 'Send X-CSRF-Token with the csrf value of POST or GET /v1/session.');
  }
  if (permission === 'user') {
    if (caller.kind !== 'user') throw new HttpProblem(403, 'forbidden', 'This route is for a signed-in user, not an API key.', 'Sign in with POST /v1/session.');
    return caller;
  }
  const grants =
    workspace !== undefined
      ? await grantsIn(ws, caller, workspace)
      : // A server route that needs a workspace permission: any of the caller's workspaces grants it.
        (await Promise.all((await workspacesOf(ws, caller)).map((w) => grantsIn(ws, caller, w.name)))).flatMap((g) => g ?? []);
  if (grants === null) throw new HttpProblem(404, 'unknown-workspace', `No workspace ${workspace}.`, 'GET /v1/workspaces lists yours.');
  if (!grants.includes(permission)) {
    const who = caller.kind === 'key' ? `A ${caller.keyKind} key` : 'Your role';
    throw new HttpProblem(403, 'forbidden', `${who} may not call this route (it needs ${permission}).`, permission === 'ingest' ? 'Use an ingest or admin key.' : 'Ask an owner or admin of the workspace for the role it needs.');
  }
  return caller;
}
