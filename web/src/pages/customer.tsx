/**
 * One customer: their scores (CLV, P(alive), churn risk with the inputs behind it) beside one
 * timeline of everything the workspace knows about them — orders, subscriptions, answers,
 * tickets, loyalty, email, web and product events — newest first.
 */
import { useEffect, useState } from 'preact/hooks';
import type { CustomerProfile } from '../../../src/metrics/customer-profile.js';
import { api, ApiError, currencyOf } from '../api.js';
import { formatValue } from '../format.js';

const summary = (fields: Record<string, unknown>) =>
  Object.entries(fields)
    .filter(([k, v]) => v !== null && v !== '' && k !== 'customer_id' && !k.startsWith('_'))
    .slice(0, 6)
    .map(([k, v]) => `${k}: ${typeof v === 'object' ? JSON.stringify(v) : String(v)}`)
    .join(' · ');

export function CustomerPage(p: { workspace: string; id: string }) {
  const [profile, setProfile] = useState<CustomerProfile | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [currency, setCurrency] = useState('USD');
  useEffect(() => void currencyOf(p.workspace).then(setCurrency), [p.workspace]);
  useEffect(() => {
    setProfile(null);
    api<CustomerProfile>(`/v1/workspaces/${encodeURIComponent(p.workspace)}/customers/${encodeURIComponent(p.id)}`).then(setProfile, (e) => setError(e instanceof ApiError ? e.problem.detail : String(e)));
  }, [p.workspace, p.id]);
  if (error)
    return (
      <p class="error" role="alert">
        {error}
      </p>
    );
  if (!profile) return <p aria-busy="true">Loading…</p>;
  const s = profile.scores;
  const c = profile.customer ?? {};
  const timeline = [...profile.timeline].sort((a, b) => b.at.localeCompare(a.at));
  return (
    <article class="customer">
      <h1>{String(c.name ?? p.id)}</h1>
      <p class="muted">
        {p.id}
        {c.email ? ` · ${String(c.email)}` : ''}
        {c.country ? ` · ${String(c.country)}` : ''} · as of {profile.asOf}
      </p>
      {s && (
        <div class="cards">
          {(
            [
              ['CLV', formatValue(s.clv, 'money', currency), 'clv'],
              ['P(alive)', s.p_alive === null ? '—' : `${Math.round(s.p_alive * 100)} %`, 'p_alive'],
              ['Churn risk', s.risk === null ? '—' : String(s.risk), 'risk'],
              ['Revenue', formatValue(s.revenue, 'money', currency), 'revenue'],
              ['RFM', s.rfm ?? '—', 'rfm'],
            ] as const
          ).map(([label, value, key]) => (
            <article class="card" data-score={key}>
              <h3>{label}</h3>
              <p class="value">{value}</p>
            </article>
          ))}
        </div>
      )}
      {s?.risk_inputs && (
        <section>
          <h2>Risk inputs</h2>
          <p class="muted small">{profile.method}</p>
          <ul>
            {Object.entries(s.risk_inputs).map(([k, v]) => (
              <li data-input={k}>
                {k.replace('_', ' ')}: {v === null ? '—' : Math.round(Number(v) * 100) / 100}
              </li>
            ))}
          </ul>
        </section>
      )}
      <h2>Timeline</h2>
      {profile.truncated.length > 0 && <p class="muted">Latest 500 rows shown of {profile.truncated.join(', ')}.</p>}
      <ol class="timeline">
        {timeline.map((e) => (
          <li data-table={e.table}>
            <time datetime={e.at}>{e.at.slice(0, 16).replace('T', ' ')}</time> <strong>{e.table.replace('_', ' ')}</strong> <span class="muted">{summary(e.fields)}</span>
          </li>
        ))}
      </ol>
    </article>
  );
}
