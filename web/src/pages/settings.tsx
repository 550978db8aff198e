/**
 * A workspace's settings (currency, time zone, margin, industry, activity window …), its members
 * and its API keys. Everyone who may read the workspace sees the settings; admins and owners
 * change them, invite people (a one-time link to pass on) and make or revoke keys (a key is
 * shown once).
 */
import { useEffect, useState } from 'preact/hooks';
import { TableHead } from '../table-head.js';
import { api, ApiError } from '../api.js';

interface Member {
  email: string;
  role: string;
  active: boolean;
}
interface Key {
  id: string;
  kind: string;
  prefix: string;
  created_at: string;
  revoked_at: string | null;
}

const ROLES = ['viewer', 'analyst', 'admin', 'owner'];
const message = (e: unknown) => (e instanceof ApiError ? `${e.problem.detail}${e.problem.hint ? ` ${e.problem.hint}` : ''}` : String(e));

export function SettingsPage(p: { workspace: string; role: string }) {
  const base = `/v1/workspaces/${encodeURIComponent(p.workspace)}`;
  const admin = p.role === 'admin' || p.role === 'owner';
  const [settings, setSettings] = useState<Record<string, string> | null>(null);
  const [draft, setDraft] = useState<Record<string, string>>({});
  const [members, setMembers] = useState<Member[]>([]);
  const [keys, setKeys] = useState<Key[]>([]);
  const [status, setStatus] = useState<string | null>(null);
  const [email, setEmail] = useState('');
  const [role, setRole] = useState('viewer');
  const load = () => {
    api<Record<string, string>>(`${base}/settings`).then((s) => (setSettings(s), setDraft(s)));
    if (admin) {
      api<{ users: Member[] }>(`${base}/users`).then((r) => setMembers(r.users));
      api<{ keys: Key[] }>(`${base}/keys`).then((r) => setKeys(r.keys));
    }
  };
  useEffect(load, [base, admin]);
  const act = async (f: () => Promise<string | void>) => {
    setStatus(null);
    try {
      setStatus((await f()) ?? 'Saved.');
      load();
    } catch (e) {
      setStatus(message(e));
    }
  };
  const save = (e: Event) => {
    e.preventDefault();
    const changed = Object.fromEntries(Object.entries(draft).filter(([k, v]) => v !== settings?.[k]));
    void act(async () => void (await api(`${base}/settings`, { method: 'PUT', body: changed })));
  };
  const invite = (e: Event) => {
    e.preventDefault();
    void act(async () => {
      const r = await api<{ email: string; role: string; invite_path: string | null }>(`${base}/users`, { method: 'POST', body: { email, role } });
      setEmail('');
      return r.invite_path ? `${r.email} is ${r.role}. Send them this one-time link (7 days): ${location.origin}${r.invite_path}` : `${r.email} is now ${r.role}.`;
    });
  };
  return (
    <section>
      <h1>Settings</h1>
      {status && (
        <p role="status" class="notice">
          {status}
        </p>
      )}
      {settings && (
        <form class="settings" onSubmit={save}>
          {Object.keys(settings).map((k) => (
            <label class="field">
              <span>{k.replace(/_/g, ' ')}</span>
              <input name={k} value={draft[k] ?? ''} readOnly={!admin} onInput={(e) => setDraft({ ...draft, [k]: e.currentTarget.value })} />
            </label>
          ))}
          {admin && <button type="submit">Save settings</button>}
        </form>
      )}
      {admin && (
        <>
          <h2>People</h2>
          <table class="series">
            <TableHead cols={['Email', 'Role', 'Signed in']} />
            <tbody>
              {members.map((m) => (
                <tr data-member={m.email}>
                  <td>{m.email}</td>
                  <td>{m.role}</td>
                  <td>{m.active ? 'yes' : 'invited'}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <form class="period" onSubmit={invite}>
            <label for="invite-email">Email</label>
            <input id="invite-email" type="email" required value={email} onInput={(e) => setEmail(e.currentTarget.value)} />
            <label for="invite-role">Role</label>
            <select id="invite-role" value={role} onChange={(e) => setRole(e.currentTarget.value)}>
              {ROLES.map((r) => (
                <option value={r}>{r}</option>
              ))}
            </select>
            <button type="submit">Invite</button>
          </form>
          <h2>API keys</h2>
          <table class="series">
            <TableHead cols={['Key', 'Kind', 'Made', 'Revoked']} />
            <tbody>
              {keys.map((k) => (
                <tr data-key={k.id}>
                  <td>
                    <code>{k.prefix}…</code>
                  </td>
                  <td>{k.kind}</td>
                  <td>{k.created_at.slice(0, 16)}</td>
                  <td>
                    {k.revoked_at?.slice(0, 16) ?? (
                      <button type="button" onClick={() => act(async () => void (await api(`${base}/keys/${k.id}`, { method: 'DELETE' })))}>
                        Revoke {k.prefix}…
                      </button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          <p>
            {['read', 'ingest', 'admin'].map((kind) => (
              <button type="button" onClick={() => act(async () => `New ${kind} key, shown this once: ${(await api<{ key: string }>(`${base}/keys`, { method: 'POST', body: { kind } })).key}`)}>
                New {kind} key
              </button>
            ))}
          </p>
        </>
      )}
    </section>
  );
}
