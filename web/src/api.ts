/**
 * The dashboard's one way to the server: same-origin fetch with the session cookie, the CSRF
 * token on requests that change something, and problems (application/problem+json) thrown as
 * ApiError with their code, detail and hint.
 */
export interface Problem {
  status: number;
  code: string;
  detail: string;
  hint?: string;
}

export class ApiError extends Error {
  constructor(readonly problem: Problem) {
    super(problem.detail);
  }
}

let csrf = '';
export const setCsrf = (token: string) => (csrf = token);

export async function api<T>(path: string, o: { method?: 'GET' | 'POST' | 'PUT' | 'DELETE'; body?: unknown } = {}): Promise<T> {
  const method = o.method ?? 'GET';
  const res = await fetch(path, {
    method,
    credentials: 'same-origin',
    headers: { ...(o.body !== undefined ? { 'content-type': 'application/json' } : {}), ...(method !== 'GET' && csrf ? { 'x-csrf-token': csrf } : {}) },
    ...(o.body !== undefined ? { body: JSON.stringify(o.body) } : {}),
  });
  const text = await res.text();
  const body = text ? (JSON.parse(text) as unknown) : null;
  if (!res.ok) throw new ApiError((body as Problem) ?? { status: res.status, code: 'error', detail: res.statusText });
  return body as T;
}

export interface Session {
  email: string;
  csrf: string;
  workspaces: { name: string; role: string }[];
}

const currencies = new Map<string, Promise<string>>();
/** A workspace's reporting currency (its settings), asked once per workspace. */
export function currencyOf(workspace: string): Promise<string> {
  if (!currencies.has(workspace)) currencies.set(workspace, api<{ currency: string }>(`/v1/workspaces/${encodeURIComponent(workspace)}/settings`).then((s) => s.currency, () => 'USD'));
  return currencies.get(workspace)!;
}
