/**
 * People and sessions against a real `retain serve` on loopback: the first owner's one-time setup
 * link, the session cookie's attributes, CSRF on unsafe requests, signing out, invitations and
 * who may grant which role, keys made and revoked over the API, secrets stored hashed, and the
 * sign-in limit (last: it spends the test address's tries). The accounts store's functions are
 * checked on each engine.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashPassword, verifyPassword } from '../src/warehouse/accounts/passwords.js';
import { createInvite, createSession, endSession, findInvite, sessionUser, useInvite } from '../src/warehouse/accounts/tokens.js';
import { findUser, hasOwner, membersOf, membershipsOf, saveUser, setRole } from '../src/warehouse/accounts/users.js';
import { openClickHouse } from '../src/warehouse/engines/clickhouse/driver.js';
import { openWorkspace } from '../src/warehouse/open.js';
import type { Warehouse } from '../src/warehouse/warehouse.js';
import { serve, stop, type Served } from './helpers/serve.js';
import { memoryWorkspace, tmp } from './helpers/workspace.js';

const BIN = join(import.meta.dirname, '..', 'bin', 'retain.js');
const cli = (args: string[], input?: string) => spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', ...(input ? { input } : {}) });
const db = join(tmp(), 'team.duckdb');
const PASSWORD = 'a long enough passphrase';

const json = (body: unknown, headers: Record<string, string> = {}) => ({ headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
const cookieOf = (res: Response) => res.headers.get('set-cookie')!.split(';')[0]!;

describe('accounts on a server with no owner yet', () => {
  let s: Served;
  let owner = { cookie: '', csrf: '' };

  beforeAll(async () => {
    expect(cli(['demo', '--customers', '30', '--months', '2', '--end', '2026-01-01', '--db', db]).status).toBe(0);
    s = await serve(db, { args: ['--trust-proxy'] });
  }, 120_000);
  afterAll(() => stop(s));

  const post = (path: string, body: unknown, headers: Record<string, string> = {}) => fetch(s.base + path, { method: 'POST', ...json(body, headers) });
  const signIn = (email: string, password = PASSWORD) => post('/v1/session', { email, password });

  it('prints a one-time setup link that makes the first owner and signs them in', async () => {
    expect(s.setupUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/setup\?token=ri_[A-Za-z0-9_-]{43}$/);
    const token = new URL(s.setupUrl!).searchParams.get('token')!;
    // Too short a password is refused, and the link is not spent by it.
    const weak = await post('/v1/setup', { token, email: 'Owner@Example.com', password: 'short' });
    expect(weak.status).toBe(400);
    expect(await weak.json()).toMatchObject({ code: 'weak-password' });
    const res = await post('/v1/setup', { token, email: 'Owner@Example.com', password: PASSWORD });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { email: string; csrf: string; workspaces: unknown };
    expect(body).toMatchObject({ email: 'owner@example.com', workspaces: [{ name: 'team', role: 'owner' }] });
    // The cookie: HttpOnly, SameSite=Lax, the whole site, 14 days; not Secure over plain HTTP.
    const set = res.headers.get('set-cookie')!;
    expect(set).toMatch(/^retain_session=rs_[A-Za-z0-9_-]{43}; Path=\/; HttpOnly; SameSite=Lax; Max-Age=1209600$/);
    owner = { cookie: cookieOf(res), csrf: body.csrf };
    // Used once: a second time it is unknown.
    expect(await (await post('/v1/setup', { token, email: 'x@example.com', password: PASSWORD })).json()).toMatchObject({ code: 'unknown-invite' });
    const me = await fetch(`${s.base}/v1/session`, { headers: { cookie: owner.cookie } });
    expect(await me.json()).toEqual({ email: 'owner@example.com', csrf: owner.csrf, workspaces: [{ name: 'team', role: 'owner' }] });
  });

  it('needs the CSRF token for a signed-in request that changes something, not for a read', async () => {
    const without = await post(s.v1('/keys').slice(s.base.length), { kind: 'read' }, { cookie: owner.cookie });
    expect(without.status).toBe(403);
    expect(await without.json()).toMatchObject({ code: 'csrf' });
    const wrong = await post(s.v1('/keys').slice(s.base.length), { kind: 'read' }, { cookie: owner.cookie, 'x-csrf-token': 'x'.repeat(43) });
    expect(wrong.status).toBe(403);
    expect((await fetch(s.v1('/keys'), { headers: { cookie: owner.cookie } })).status).toBe(200);
  });

  it('makes a key over the API that works at once and is refused once revoked', async () => {
    const made = await post(s.v1('/keys').slice(s.base.length), { kind: 'read' }, { cookie: owner.cookie, 'x-csrf-token': owner.csrf });
    expect(made.status).toBe(201);
    const { key, id } = (await made.json()) as { key: string; id: string };
    expect(key).toMatch(/^rk_read_/);
    expect((await fetch(s.v1('/status'), { headers: { authorization: `Bearer ${key}` } })).status).toBe(200);
    const revoked = await fetch(s.v1(`/keys/${id}`), { method: 'DELETE', headers: { cookie: owner.cookie, 'x-csrf-token': owner.csrf } });
    expect(await revoked.json()).toMatchObject({ id, revoked_at: expect.any(String) });
    expect(await (await fetch(s.v1('/status'), { headers: { authorization: `Bearer ${key}` } })).json()).toMatchObject({ status: 401, detail: 'The API key was revoked.' });
  });

  it('invites a person with a one-time link; their role limits what they may do', async () => {
    const o = { cookie: owner.cookie, 'x-csrf-token': owner.csrf };
    const invited = await post(s.v1('/users').slice(s.base.length), { email: 'ana@example.com', role: 'admin' }, o);
    expect(invited.status).toBe(201);
    const { invite_path } = (await invited.json()) as { invite_path: string };
    expect(invite_path).toMatch(/^\/setup\?token=ri_/);
    // An invitation is for its email only.
    const token = new URLSearchParams(invite_path.split('?')[1]).get('token')!;
    expect(await (await post('/v1/setup', { token, email: 'eve@example.com', password: PASSWORD })).json()).toMatchObject({ code: 'wrong-email' });
    const accepted = await post('/v1/setup', { token, password: PASSWORD });
    expect(await accepted.clone().json()).toMatchObject({ email: 'ana@example.com', workspaces: [{ name: 'team', role: 'admin' }] });
    const ana = { cookie: cookieOf(accepted), 'x-csrf-token': ((await accepted.json()) as { csrf: string }).csrf };
    // An admin adds viewers, but may not make an owner; the owner may.
    expect((await post(s.v1('/users').slice(s.base.length), { email: 'vic@example.com', role: 'viewer' }, ana)).status).toBe(201);
    expect(await (await post(s.v1('/users').slice(s.base.length), { email: 'vic@example.com', role: 'owner' }, ana)).json()).toMatchObject({ status: 403, code: 'forbidden' });
    expect((await post(s.v1('/users').slice(s.base.length), { email: 'vic@example.com', role: 'owner' }, o)).status).toBe(200);
    // …nor take an owner's role away.
    expect((await fetch(s.v1('/users/vic@example.com'), { method: 'DELETE', headers: ana })).status).toBe(403);
    const members = (await (await fetch(s.v1('/users'), { headers: ana })).json()) as { users: unknown };
    expect(members.users).toEqual([
      { email: 'owner@example.com', role: 'owner', active: true },
      { email: 'vic@example.com', role: 'owner', active: false },
      { email: 'ana@example.com', role: 'admin', active: true },
    ]);
    // Removed, ana keeps her session but not the workspace: 404, as for a stranger.
    expect((await fetch(s.v1('/users/ana@example.com'), { method: 'DELETE', headers: o })).status).toBe(200);
    expect(await (await fetch(s.v1('/status'), { headers: ana })).json()).toMatchObject({ status: 404, code: 'unknown-workspace' });
    expect(await (await fetch(`${s.base}/v1/workspaces`, { headers: ana })).json()).toMatchObject({ status: 403 });
  });

  it('marks the cookie Secure when the request came over HTTPS (behind a proxy it trusts)', async () => {
    const res = await fetch(`${s.base}/v1/session`, { method: 'POST', ...json({ email: 'owner@example.com', password: PASSWORD }, { 'x-forwarded-proto': 'https' }) });
    expect(res.headers.get('set-cookie')).toMatch(/; SameSite=Lax; Max-Age=1209600; Secure$/);
  });

  it('signs out at once: the cookie is cleared and the session refused', async () => {
    const res = await signIn('owner@example.com');
    const session = { cookie: cookieOf(res), 'x-csrf-token': ((await res.json()) as { csrf: string }).csrf };
    const out = await fetch(`${s.base}/v1/session`, { method: 'DELETE', headers: session });
    expect(out.status).toBe(200);
    expect(out.headers.get('set-cookie')).toMatch(/^retain_session=; Path=\/; HttpOnly; SameSite=Lax; Max-Age=0$/);
    expect(await (await fetch(`${s.base}/v1/session`, { headers: session })).json()).toMatchObject({ status: 401, code: 'session-ended' });
  });

  it('keeps scrypt hashes of passwords and SHA-256 hashes of sessions and links, never the secrets', async () => {
    const res = await signIn('owner@example.com');
    const token = cookieOf(res).split('=')[1]!;
    stop(s);
    await new Promise((r) => s.server.once('exit', r));
    const wh = await openWorkspace({ db, readOnly: true });
    try {
      const text = JSON.stringify([await wh.query('SELECT * FROM _users'), await wh.query('SELECT * FROM _sessions'), await wh.query('SELECT * FROM _invites')]);
      expect(text).not.toContain(PASSWORD);
      expect(text).not.toContain(token);
      expect(text).toContain('scrypt$32768$8$1$');
      expect((await wh.query('SELECT password FROM _users')).every((r) => r.password === '' || String(r.password).startsWith('scrypt$'))).toBe(true);
    } finally {
      await wh.close();
    }
    // Restarted with an owner: no setup link.
    s = await serve(db);
    expect(s.setupUrl).toBeNull();
  }, 60_000);

  it('refuses sign-in after 10 failures in 15 minutes, for the account and for the address', async () => {
    for (let i = 0; i < 10; i++) expect((await signIn('owner@example.com', 'wrong password!')).status).toBe(401);
    // The 11th try is refused even with the right password, and says when to come back.
    const limited = await signIn('owner@example.com');
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(800);
    expect(await limited.json()).toMatchObject({ code: 'too-many-attempts' });
    // The address spent its tries too: another account from it is refused.
    expect((await signIn('vic@example.com')).status).toBe(429);
  }, 60_000);
});

describe('users on the command line', () => {
  it('adds a person with a one-time link, lists them, removes them', () => {
    const file = join(tmp(), 'cli-users.duckdb');
    const added = cli(['users', 'add', 'Bo@Example.com', '--role', 'viewer', '--db', file, '--format', 'json']);
    expect(added.status, added.stderr).toBe(0);
    expect(JSON.parse(added.stdout)).toMatchObject({ email: 'bo@example.com', workspace: 'cli-users', role: 'viewer', invite_path: expect.stringMatching(/^\/setup\?token=ri_/) });
    expect(JSON.parse(cli(['users', 'list', '--db', file, '--format', 'json']).stdout)).toEqual([{ email: 'bo@example.com', role: 'viewer', active: false }]);
    expect(cli(['users', 'remove', 'bo@example.com', '--db', file]).stdout).toBe('bo@example.com no longer has a role in cli-users.\n');
    expect(JSON.parse(cli(['users', 'list', '--db', file, '--format', 'json']).stdout)).toEqual([]);
    const bad = cli(['users', 'add', 'not-an-email', '--role', 'viewer', '--db', file]);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('"not-an-email" is not an email address.');
  }, 60_000);
});

const CLICKHOUSE = process.env.RETAIN_TEST_CLICKHOUSE;
const stores: { name: string; open: () => Promise<Warehouse>; drop?: (wh: Warehouse) => Promise<void> }[] = [
  { name: 'duckdb', open: memoryWorkspace },
  ...(CLICKHOUSE
    ? [{ name: 'clickhouse', open: () => openClickHouse({ url: CLICKHOUSE, database: `retain_test_accounts_${process.pid}` }), drop: (wh: Warehouse) => wh.exec(`DROP DATABASE IF EXISTS retain_test_accounts_${process.pid}`) }]
    : []),
];

describe.each(stores)('the accounts store on $name', ({ open, drop }) => {
  it('keeps the newest role, ends sessions and spends links at once, and expires both', async () => {
    const wh = await open();
    try {
      const u = await saveUser(wh, 'Kim@Example.com', await hashPassword(PASSWORD));
      expect(await verifyPassword(PASSWORD, (await findUser(wh, 'kim@example.com'))!.password)).toBe(true);
      expect(await verifyPassword('another passphrase', u.password)).toBe(false);
      expect(await hasOwner(wh, ['a'])).toBe(false);
      await setRole(wh, u.id, 'a', 'viewer');
      await setRole(wh, u.id, 'a', 'owner');
      await setRole(wh, u.id, 'b', 'analyst');
      await setRole(wh, u.id, 'b', 'none');
      expect(await membershipsOf(wh, u.id)).toEqual([{ workspace: 'a', role: 'owner' }]);
      expect(await membersOf(wh, 'a')).toEqual([{ email: 'kim@example.com', role: 'owner', active: true }]);
      expect(await hasOwner(wh, ['a'])).toBe(true);
      const now = Date.now();
      const session = await createSession(wh, u.id, now);
      expect(await sessionUser(wh, session, now)).toBe(u.id);
      // 14 days later it has expired.
      expect(await sessionUser(wh, session, now + 14 * 86_400_000 + 1)).toBeNull();
      await endSession(wh, session);
      expect(await sessionUser(wh, session, now)).toBeNull();
      const link = await createInvite(wh, { email: 'lee@example.com', workspace: 'a', role: 'viewer' }, 7, now);
      expect(await findInvite(wh, link, now + 7 * 86_400_000 + 1)).toBeNull();
      const invite = (await findInvite(wh, link, now))!;
      expect(invite).toMatchObject({ email: 'lee@example.com', workspace: 'a', role: 'viewer' });
      await useInvite(wh, invite);
      expect(await findInvite(wh, link, now)).toBeNull();
    } finally {
      await drop?.(wh);
      await wh.close();
    }
  }, 60_000);
});
