/**
 * The dashboard's shell: who is signed in, the workspace switcher, and the page the URL names —
 * /login, /setup?token=…, /w/NAME (a workspace's overview), /w/NAME/metrics/ID (one metric),
 * /w/NAME/customers (the lists), /w/NAME/customers/ID (one customer), /w/NAME/settings.
 */
import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { api, ApiError, setCsrf, type Session } from './api.js';
import { CustomerPage } from './pages/customer.js';
import { CustomersPage } from './pages/customers.js';
import { MetricPage } from './pages/metric.js';
import { SettingsPage } from './pages/settings.js';
import { Overview } from './pages/overview.js';
import { SignIn } from './pages/sign-in.js';
import { navigate, useLocation } from './route.js';
import './style.css';

function App() {
  const url = useLocation();
  const [session, setSession] = useState<Session | null | undefined>(undefined);
  useEffect(() => {
    api<Session>('/v1/session').then(
      (s) => (setCsrf(s.csrf), setSession(s)),
      (e) => (e instanceof ApiError && e.problem.status === 401 ? setSession(null) : setSession(null)),
    );
  }, []);
  if (url.pathname === '/setup') return <SignIn token={url.searchParams.get('token') ?? ''} onSession={setSession} />;
  if (session === undefined) return <p class="muted">Loading…</p>;
  if (session === null || url.pathname === '/login') return <SignIn onSession={setSession} />;
  const m = /^\/w\/([^/]+)(?:\/(metrics|customers|settings)(?:\/([^/]+))?)?/.exec(url.pathname);
  const section = m?.[2] ?? 'overview';
  const item = m?.[3] ? decodeURIComponent(m[3]) : null;
  const workspace = m ? decodeURIComponent(m[1]!) : session.workspaces[0]?.name;
  if (!m && workspace) {
    navigate(`/w/${encodeURIComponent(workspace)}`, true);
    return null;
  }
  const signOut = async () => {
    await api('/v1/session', { method: 'DELETE' });
    setSession(null);
    navigate('/login');
  };
  return (
    <>
      <header>
        <strong>Retain</strong>
        {session.workspaces.length > 0 && (
          <label>
            Workspace{' '}
            <select value={workspace} onChange={(e) => navigate(`/w/${encodeURIComponent((e.target as HTMLSelectElement).value)}`)}>
              {session.workspaces.map((w) => (
                <option value={w.name}>{w.name}</option>
              ))}
            </select>
          </label>
        )}
        {workspace && (
          <nav class="sections" aria-label="Sections">
            {(
              [
                ['overview', 'Overview', ''],
                ['customers', 'Customers', '/customers'],
                ['settings', 'Settings', '/settings'],
              ] as const
            ).map(([id, label, path]) => {
              const href = `/w/${encodeURIComponent(workspace)}${path}`;
              return (
                <a href={href} aria-current={section === id || (id === 'overview' && section === 'metrics') ? 'page' : undefined} onClick={(e) => (e.preventDefault(), navigate(href))}>
                  {label}
                </a>
              );
            })}
          </nav>
        )}
        <span class="muted">{session.email}</span>
        <button type="button" onClick={signOut}>
          Sign out
        </button>
      </header>
      <main>
        {!workspace || !session.workspaces.some((w) => w.name === workspace) ? (
          <p role="alert">No workspace {workspace ?? ''} for you.</p>
        ) : section === 'metrics' && item ? (
          <MetricPage workspace={workspace} id={item} url={url} />
        ) : section === 'customers' && item ? (
          <CustomerPage workspace={workspace} id={item} />
        ) : section === 'settings' ? (
          <SettingsPage workspace={workspace} role={session.workspaces.find((w) => w.name === workspace)!.role} />
        ) : section === 'customers' ? (
          <CustomersPage workspace={workspace} url={url} />
        ) : (
          <Overview workspace={workspace} url={url} />
        )}
      </main>
    </>
  );
}

render(<App />, document.getElementById('app')!);
