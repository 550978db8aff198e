/**
 * Signing in and out, the one-time setup and invitation links, and a workspace's members and API
 * keys. A session is a cookie (HttpOnly, SameSite=Lax, Secure over HTTPS) holding a random token
 * whose hash the accounts store keeps; its CSRF token comes with every session answer.
 */
import { z } from 'zod';
import { checkPassword, hashPassword, verifyPassword } from '../warehouse/accounts/passwords.js';
import { createInvite, createSession, csrfOf, endSession, findInvite, SESSION_DAYS, useInvite } from '../warehouse/accounts/tokens.js';
import { findUser, membersOf, normalEmail, roleIn, ROLES, saveUser, setRole, type Role } from '../warehouse/accounts/users.js';
import { createApiKey, KEY_KINDS, listApiKeys, revokeApiKey } from '../warehouse/api-keys.js';
import { grantsIn, SESSION_COOKIE, workspacesOf, type Caller } from './auth.js';
import { LoginLimiter } from './login-limit.js';
import { HttpProblem } from './problems.js';
import { Answer, defineRoute, type RouteContext } from './route.js';
import type { Workspaces } from './workspaces.js';

// One per process: the server is one process per set of workspaces.
const limiter = new LoginLimiter();

const cookie = (value: string, secure: boolean, maxAge: number) =>
  `${SESSION_COOKIE}=${value}; Path=/; HttpOnly; SameSite=Lax; Max-Age=${maxAge}${secure ? '; Secure' : ''}`;

async function sessionAnswer(server: Workspaces, caller: Extract<Caller, { kind: 'user' }>) {
  return { email: caller.email, csrf: csrfOf(caller.session), workspaces: await workspacesOf(server, caller) };
}

/** Sign the user in: a new session, its cookie and the session answer. */
async function signIn(ctx: Pick<RouteContext<unknown, unknown>, 'server' | 'secure'>, userId: string, email: string): Promise<Answer> {
  const session = await createSession(ctx.server.accounts, userId);
  const body = await sessionAnswer(ctx.server, { kind: 'user', userId, email, session });
  return new Answer(body, { 'set-cookie': cookie(session, ctx.secure, SESSION_DAYS * 86_400) });
}

// Redeeming is one at a time, so a link used twice at once admits only the first.
let redeeming: Promise<unknown> = Promise.resolve();
const oneAtATime = <T>(fn: () => Promise<T>): Promise<T> => {
  const run = redeeming.then(fn, fn);
  redeeming = run.catch(() => undefined);
  return run;
};

const signInBody = z.object({ email: z.string().max(320), password: z.string().max(1024) });
const setupBody = z.object({ token: z.string().max(200), email: z.string().max(320).optional(), password: z.string().max(1024) });
const memberBody = z.object({ email: z.string().max(320), role: z.enum(ROLES) });
const keyBody = z.object({ kind: z.enum(KEY_KINDS) });

/** Who may grant or take away a role: owners for owners, admins (and admin keys) for the rest. */
async function mayManage(ctx: RouteContext<unknown, unknown>, role: Role | null): Promise<void> {
  if (role !== 'owner') return;
  const grants = await grantsIn(ctx.server, ctx.caller, ctx.workspace);
  if (!grants?.includes('owner')) throw new HttpProblem(403, 'forbidden', 'Only an owner may grant or take away the owner role.', 'Ask an owner of the workspace.');
}

export const ACCOUNT_ROUTES = [
  defineRoute({
    method: 'POST',
    url: '/v1/session',
    scope: 'server',
    permission: 'public',
    schemas: { body: signInBody },
    summary: 'Sign in with email and password: sets the session cookie; answers the email, the CSRF token and the workspaces with their roles. 10 failures in 15 minutes per account or address are refused (429).',
    handler: async (ctx) => {
      const email = ctx.body.email.trim().toLowerCase();
      limiter.check(email, ctx.ip);
      const user = await findUser(ctx.server.accounts, email).catch(() => null);
      // Verified even for an unknown email (against a dummy hash), so the answer's time tells nothing.
      const ok = await verifyPassword(ctx.body.password, user?.password ?? null);
      if (!user || !ok) {
        limiter.fail(email, ctx.ip);
        throw new HttpProblem(401, 'bad-credentials', 'The email or the password is wrong.', 'Ask an admin for a new invitation if you forgot the password.');
      }
      return signIn(ctx, user.id, user.email);
    },
  }),
  defineRoute({
    method: 'GET',
    url: '/v1/session',
    scope: 'server',
    permission: 'user',
    schemas: {},
    summary: 'The signed-in user: email, CSRF token, workspaces and roles.',
    handler: ({ server, caller }) => sessionAnswer(server, caller as Extract<Caller, { kind: 'user' }>),
  }),
  defineRoute({
    method: 'DELETE',
    url: '/v1/session',
    scope: 'server',
    permission: 'user',
    schemas: {},
    summary: 'Sign out: the session ends at once and the cookie is cleared.',
    handler: async ({ server, caller, secure }) => {
      await endSession(server.accounts, (caller as Extract<Caller, { kind: 'user' }>).session);
      return new Answer({ signed_out: true }, { 'set-cookie': cookie('', secure, 0) });
    },
  }),
  defineRoute({
    method: 'POST',
    url: '/v1/setup',
    scope: 'server',
    permission: 'public',
    schemas: { body: setupBody },
    summary: 'Use a one-time link (the first owner’s, printed when the server starts with no owner, or an invitation): set the password, take the role, sign in.',
    handler: (ctx) =>
      oneAtATime(async () => {
        const invite = await findInvite(ctx.server.accounts, ctx.body.token);
        if (!invite) throw new HttpProblem(404, 'unknown-invite', 'This link is unknown, used or expired.', 'Ask an admin for a new one (or restart the server for a new setup link while there is no owner).');
        const email = normalEmail(invite.email || ctx.body.email || '');
        if (invite.email && ctx.body.email && normalEmail(ctx.body.email) !== invite.email) throw new HttpProblem(400, 'wrong-email', `This invitation is for ${invite.email}.`);
        checkPassword(ctx.body.password);
        const user = await saveUser(ctx.server.accounts, email, await hashPassword(ctx.body.password));
        for (const w of invite.workspace === '*' ? ctx.server.names : [invite.workspace]) await setRole(ctx.server.accounts, user.id, w, invite.role);
        await useInvite(ctx.server.accounts, invite);
        return signIn(ctx, user.id, user.email);
      }),
  }),
  defineRoute({
    method: 'GET',
    url: '/v1/workspaces',
    scope: 'server',
    permission: 'read',
    schemas: {},
    summary: 'The workspaces the caller may read, with its role in each (a key: its own workspace).',
    handler: async ({ server, caller }) => ({ workspaces: await workspacesOf(server, caller) }),
  }),
  defineRoute({
    method: 'GET',
    url: '/v1/users',
    permission: 'admin',
    schemas: {},
    summary: 'The workspace’s members: email, role, and whether they have signed in (set a password).',
    handler: async ({ server, workspace }) => ({ users: await membersOf(server.accounts, workspace) }),
  }),
  defineRoute({
    method: 'POST',
    url: '/v1/users',
    permission: 'admin',
    schemas: { body: memberBody },
    summary: 'Give a person a role in the workspace; someone without a password gets a one-time link (invite_path) to set one.',
    handler: async (ctx) => {
      const { accounts } = ctx.server;
      const had = await findUser(accounts, ctx.body.email);
      await mayManage(ctx, ctx.body.role);
      if (had) await mayManage(ctx, await roleIn(accounts, had.id, ctx.workspace));
      const user = had ?? (await saveUser(accounts, ctx.body.email));
      await setRole(accounts, user.id, ctx.workspace, ctx.body.role);
      const invite = user.password ? null : await createInvite(accounts, { email: user.email, workspace: ctx.workspace, role: ctx.body.role });
      return new Answer({ email: user.email, role: ctx.body.role, invite_path: invite ? `/setup?token=${invite}` : null }, {}, had ? 200 : 201);
    },
  }),
  defineRoute({
    method: 'DELETE',
    url: '/v1/users/:email',
    permission: 'admin',
    schemas: { params: z.object({ email: z.string().describe('the member’s email') }) },
    summary: 'Take a person’s role in the workspace away (their sessions stay, with no access to it).',
    handler: async (ctx) => {
      const user = await findUser(ctx.server.accounts, ctx.params.email);
      const role = user ? await roleIn(ctx.server.accounts, user.id, ctx.workspace) : null;
      if (!user || !role) throw new HttpProblem(404, 'unknown-user', `${ctx.params.email} is not a member of this workspace.`, 'GET /v1/workspaces/…/users lists them.');
      await mayManage(ctx, role);
      await setRole(ctx.server.accounts, user.id, ctx.workspace, 'none');
      return { email: user.email, removed: true };
    },
  }),
  defineRoute({ method: 'GET', url: '/v1/keys', permission: 'admin', schemas: {}, summary: 'The workspace’s API keys: id, kind, prefix, made and revoked (no secrets).', handler: async ({ wh }) => ({ keys: await listApiKeys(wh) }) }),
  defineRoute({
    method: 'POST',
    url: '/v1/keys',
    permission: 'admin',
    schemas: { body: keyBody },
    summary: 'Make an API key of a kind (read, admin, ingest); the answer is the only time the key is shown.',
    handler: async ({ wh, body }) => new Answer(await createApiKey(wh, body.kind), {}, 201),
  }),
  defineRoute({
    method: 'DELETE',
    url: '/v1/keys/:id',
    permission: 'admin',
    schemas: { params: z.object({ id: z.string().describe('the key id (GET …/keys)') }) },
    summary: 'Revoke a key: refused from the next request on.',
    handler: async ({ wh, params, server }) => {
      try {
        const revoked = await revokeApiKey(wh, params.id);
        // Refused from the next request on: no remembered key outlives its revocation.
        server.forgetKeys();
        return revoked;
      } catch (e) {
        if ((e as { code?: string }).code === 'unknown-key') throw new HttpProblem(404, 'unknown-key', (e as Error).message);
        throw e;
      }
    },
  }),
];
