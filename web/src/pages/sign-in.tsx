/**
 * Signing in, and the one-time links (the first owner's setup, an invitation): both end signed in,
 * on the first workspace.
 */
import { useState } from 'preact/hooks';
import { api, ApiError, setCsrf, type Session } from '../api.js';
import { navigate } from '../route.js';

export function SignIn(p: { token?: string; onSession: (s: Session) => void }) {
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const setup = p.token !== undefined;
  const submit = async (e: Event) => {
    e.preventDefault();
    setError(null);
    try {
      const s = setup
        ? await api<Session>('/v1/setup', { method: 'POST', body: { token: p.token, ...(email ? { email } : {}), password } })
        : await api<Session>('/v1/session', { method: 'POST', body: { email, password } });
      setCsrf(s.csrf);
      p.onSession(s);
      navigate(s.workspaces[0] ? `/w/${encodeURIComponent(s.workspaces[0].name)}` : '/', true);
    } catch (err) {
      setError(err instanceof ApiError ? `${err.problem.detail}${err.problem.hint ? ` ${err.problem.hint}` : ''}` : String(err));
    }
  };
  return (
    <main class="sign-in">
      <h1>Retain</h1>
      <form onSubmit={submit} aria-describedby={error ? 'sign-in-error' : undefined}>
        <h2>{setup ? 'Set your password' : 'Sign in'}</h2>
        {setup && <p>Choose the password you will sign in with (at least 10 characters). Give your email if the link did not come with one.</p>}
        <label class="field">
          <span>Email</span>
          <input type="email" name="email" value={email} required={!setup} autocomplete="username" onInput={(e) => setEmail(e.currentTarget.value)} />
        </label>
        <label class="field">
          <span>Password</span>
          <input type="password" name="password" value={password} required minLength={setup ? 10 : undefined} autocomplete={setup ? 'new-password' : 'current-password'} onInput={(e) => setPassword(e.currentTarget.value)} />
        </label>
        {error && (
          <p id="sign-in-error" class="error" role="alert">
            {error}
          </p>
        )}
        <button type="submit">{setup ? 'Set password and sign in' : 'Sign in'}</button>
      </form>
    </main>
  );
}
