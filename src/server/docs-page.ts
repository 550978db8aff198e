/**
 * GET /docs: the API documentation as one self-contained HTML page (inline CSS, no script, nothing
 * loaded from elsewhere), rendered from the OpenAPI document the server gives at /v1/openapi.json,
 * so the page and the document cannot disagree: every route with its permission, parameters, body
 * and answers.
 */
import { esc } from '../warehouse/html-text.js';
import type { openApiDocument } from './openapi.js';

type Doc = ReturnType<typeof openApiDocument>;

interface Parameter {
  name: string;
  in: string;
  required: boolean;
  description?: string;
  schema: Record<string, unknown>;
}

interface Operation {
  summary: string;
  'x-permission': string;
  parameters: Parameter[];
  requestBody?: { description?: string; content: Record<string, unknown> };
  responses: Record<string, { description: string; content: Record<string, unknown> }>;
}

const STYLE = `body{font:15px/1.5 system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#1d2433}
h1{margin-bottom:.2rem}nav ul{columns:2;padding-left:1.2rem}code{font:13px ui-monospace,monospace}
section{border-top:1px solid #d8dde6;padding:.6rem 0 1rem}h2{font-size:1.05rem;margin:.4rem 0}
.method{display:inline-block;min-width:3.6rem;font-weight:700}.perm{font-size:12px;padding:1px 6px;border-radius:8px;background:#e8eefc;margin-left:.5rem}
table{border-collapse:collapse;width:100%;margin:.3rem 0}td,th{text-align:left;vertical-align:top;padding:3px 8px;border-bottom:1px solid #eef0f4;font-size:14px}
th{font-weight:600;color:#4a5366}.muted{color:#6b7385}`;

/** What a parameter's schema says in a few words: its type (a list for a repeatable one), its values. */
function typeText(s: Record<string, unknown>): string {
  const options = (s.anyOf ?? s.oneOf) as Record<string, unknown>[] | undefined;
  if (options) return [...new Set(options.map(typeText))].join(' or ');
  if (s.type === 'array') return `list of ${typeText((s.items ?? {}) as Record<string, unknown>)}`;
  if (Array.isArray(s.enum)) return s.enum.map((v) => JSON.stringify(v)).join(' | ');
  return typeof s.type === 'string' ? s.type : 'any';
}

const anchor = (method: string, path: string) => `${method}-${path.replace(/[^A-Za-z0-9]+/g, '-')}`;

function operation(method: string, path: string, op: Operation): string {
  const params = op.parameters.length
    ? `<table><tr><th>parameter</th><th>in</th><th>type</th><th>description</th></tr>${op.parameters
        .map((p) => `<tr><td><code>${esc(p.name)}</code>${p.required ? ' <span class="muted">required</span>' : ''}</td><td>${esc(p.in)}</td><td>${esc(typeText(p.schema))}</td><td>${esc(p.description ?? '')}</td></tr>`)
        .join('')}</table>`
    : '<p class="muted">No parameters.</p>';
  const body = op.requestBody ? `<p><strong>Body</strong> (${Object.keys(op.requestBody.content).map((c) => `<code>${esc(c)}</code>`).join(', ')}): ${esc(op.requestBody.description ?? '')}</p>` : '';
  const answers = `<table><tr><th>status</th><th>type</th><th>meaning</th></tr>${Object.entries(op.responses)
    .map(([status, r]) => `<tr><td>${esc(status)}</td><td>${Object.keys(r.content).map((c) => `<code>${esc(c)}</code>`).join(', ')}</td><td>${esc(r.description)}</td></tr>`)
    .join('')}</table>`;
  return `<section id="${anchor(method, path)}"><h2><span class="method">${esc(method.toUpperCase())}</span><code>${esc(path)}</code><span class="perm">${esc(op['x-permission'])}</span></h2>
<p>${esc(op.summary)}</p>${params}${body}${answers}</section>`;
}

export function docsPage(doc: Doc): string {
  const ops = Object.entries(doc.paths).flatMap(([path, methods]) => Object.entries(methods).map(([method, op]) => ({ method, path, op: op as Operation })));
  const auth = doc.components.securitySchemes.apiKey;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(doc.info.title)}</title><style>${STYLE}</style></head><body>
<h1>${esc(doc.info.title)}</h1><p>${esc(doc.info.description)}</p>
<p><strong>Authentication:</strong> ${esc(auth.description)} Send it as <code>Authorization: Bearer rk_…</code>, or sign in with <code>POST /v1/session</code> for the session cookie (a change then also sends <code>X-CSRF-Token</code>). A route's permission says which roles and keys it admits (<code>public</code>: none needed); a workspace's routes are under <code>/v1/workspaces/{workspace}/</code>.
Errors are <code>application/problem+json</code> with a stable <code>code</code>. The same document as JSON: <a href="/v1/openapi.json"><code>/v1/openapi.json</code></a>.</p>
<nav><ul>${ops.map(({ method, path }) => `<li><a href="#${anchor(method, path)}"><code>${esc(method.toUpperCase())} ${esc(path)}</code></a></li>`).join('')}</ul></nav>
${ops.map(({ method, path, op }) => operation(method, path, op)).join('\n')}
</body></html>
`;
}
