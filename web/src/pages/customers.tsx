/**
 * The customer lists (at-risk, promoters, detractors, the RFM segments …) a page at a time — the
 * server pages by cursor, so a million customers cost a page each — sorted as the API sorts, and
 * the whole list as CSV. The list, sort and page are in the URL.
 */
import { useEffect, useState } from 'preact/hooks';
import type { CustomerList } from '../../../src/metrics/customers.js';
import { api, ApiError, currencyOf } from '../api.js';
import { formatValue } from '../format.js';
import { navigate, withParams } from '../route.js';

interface Lists {
  lists: { id: string; name: string; action: string | null }[];
  sorts: string[];
}

export const PAGE_SIZE = 50;

export function CustomersPage(p: { workspace: string; url: URL }) {
  const base = `/v1/workspaces/${encodeURIComponent(p.workspace)}`;
  const segment = p.url.searchParams.get('segment') ?? 'all';
  const sort = p.url.searchParams.get('sort') ?? '';
  const cursor = p.url.searchParams.get('cursor') ?? '';
  const [lists, setLists] = useState<Lists | null>(null);
  const [page, setPage] = useState<CustomerList | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [currency, setCurrency] = useState('USD');
  useEffect(() => void currencyOf(p.workspace).then(setCurrency), [p.workspace]);
  useEffect(() => void api<Lists>(`${base}/customer-lists`).then(setLists), [base]);
  useEffect(() => {
    const q = new URLSearchParams({ segment, limit: String(PAGE_SIZE), ...(sort ? { sort } : {}), ...(cursor ? { cursor } : {}) });
    setPage(null);
    setError(null);
    api<CustomerList & { next_cursor: string | null }>(`${base}/customers?${q}`).then(setPage, (e) => setError(e instanceof ApiError ? e.problem.detail : String(e)));
  }, [base, segment, sort, cursor]);

  const download = async () => {
    const q = new URLSearchParams({ segment, ...(sort ? { sort } : {}) });
    const res = await fetch(`${base}/customers?${q}`, { headers: { accept: 'text/csv' }, credentials: 'same-origin' });
    const link = document.createElement('a');
    link.href = URL.createObjectURL(await res.blob());
    link.download = `${p.workspace}-${segment}.csv`;
    link.click();
    URL.revokeObjectURL(link.href);
  };
  const set = (changes: Record<string, string | null>) => navigate(withParams(p.url, { cursor: null, ...changes }));
  const next = (page as { next_cursor?: string | null } | null)?.next_cursor ?? null;
  const action = lists?.lists.find((l) => l.id === segment)?.action;
  const money = (v: number | null) => formatValue(v, 'money', currency);

  return (
    <section aria-busy={!page && !error}>
      <h1>Customers</h1>
      <form class="period" onSubmit={(e) => e.preventDefault()}>
        <label for="segment">List</label>
        <select id="segment" value={segment} onChange={(e) => set({ segment: e.currentTarget.value })}>
          {(lists?.lists ?? [{ id: segment, name: segment }]).map((l) => (
            <option value={l.id}>{l.name}</option>
          ))}
        </select>
        <label for="sort">Sorted by</label>
        <select id="sort" value={sort} onChange={(e) => set({ sort: e.currentTarget.value || null })}>
          <option value="">the list’s default</option>
          {(lists?.sorts ?? []).map((s) => (
            <option value={s}>{s.replace('_', ' ')}</option>
          ))}
        </select>
        <button type="button" onClick={download}>
          Download CSV
        </button>
      </form>
      {action && <p class="muted">{action}</p>}
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      {page && (
        <>
          <p class="muted" data-total={page.total}>
            {page.total.toLocaleString('en')} customers{cursor ? ' · a later page' : ''}
          </p>
          <div class="scroll">
            <table class="series customers">
              <thead>
                <tr>
                  {['Customer', 'Country', 'CLV', 'P(alive)', 'Risk', 'RFM', 'NPS', 'Revenue', 'Days since'].map((h) => (
                    <th scope="col">{h}</th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {page.customers.map((c) => (
                  <tr data-customer={c.customer_id}>
                    <td>
                      <a href={`/w/${encodeURIComponent(p.workspace)}/customers/${encodeURIComponent(c.customer_id)}`} onClick={(e) => (e.preventDefault(), navigate(e.currentTarget.getAttribute('href')!))}>
                        {c.name ?? c.customer_id}
                      </a>
                    </td>
                    <td>{c.country ?? ''}</td>
                    <td class="num">{money(c.clv)}</td>
                    <td class="num">{c.p_alive === null ? '—' : `${Math.round(c.p_alive * 100)} %`}</td>
                    <td class="num">{c.risk ?? '—'}</td>
                    <td>{c.rfm ?? ''}</td>
                    <td class="num">{c.nps ?? '—'}</td>
                    <td class="num">{money(c.revenue)}</td>
                    <td class="num">{c.recency_days ?? '—'}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <p>
            {cursor && (
              <button type="button" onClick={() => history.back()}>
                Previous page
              </button>
            )}{' '}
            {next && (
              <button type="button" onClick={() => navigate(withParams(p.url, { cursor: next }))}>
                Next page
              </button>
            )}
          </p>
        </>
      )}
    </section>
  );
}
