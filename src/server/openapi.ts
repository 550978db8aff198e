/**
 * The OpenAPI 3.1 document, generated from the route table: each route's path, summary, its
 * parameters from its zod schemas (z.toJSONSchema, as the client sends them), whether it needs a
 * key, and the problem answers it may give.
 */
import { z } from 'zod';
import { isWorkspaceRoute, mountedUrl, type Route } from './route.js';

/** Fastify's `/v1/metrics/:id` as OpenAPI writes it, `/v1/metrics/{id}`. */
export const openApiPath = (url: string) => url.replace(/:([A-Za-z_]\w*)/g, '{$1}');

type JsonSchema = { properties?: Record<string, Record<string, unknown>>; required?: string[] };

function parameters(schema: z.ZodObject | undefined, where: 'query' | 'path') {
  if (!schema) return [];
  const json = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as JsonSchema;
  return Object.entries(json.properties ?? {}).map(([name, s]) => {
    const { description, ...rest } = s;
    return {
      name,
      in: where,
      required: where === 'path' || (json.required ?? []).includes(name),
      ...(description ? { description } : {}),
      schema: rest,
      // A repeatable option is the parameter repeated: metric=a&metric=b.
      ...(where === 'query' ? { style: 'form', explode: true } : {}),
    };
  });
}

const PROBLEM = { $ref: '#/components/schemas/Problem' };
const ROWS = { type: 'array', items: { type: 'object' } };
const answer = (description: string) => ({ description, content: { 'application/problem+json': { schema: PROBLEM } } });

export function openApiDocument(routes: readonly Route[]) {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const r of routes) {
    const open = r.permission === 'public';
    const path = openApiPath(mountedUrl(r));
    const inWorkspace = isWorkspaceRoute(r);
    paths[path] ??= {};
    paths[path]![r.method.toLowerCase()] = {
      summary: r.summary,
      operationId: `${r.method.toLowerCase()}${openApiPath(r.url).replace(/[^A-Za-z0-9]+(.)?/g, (_, c: string | undefined) => (c ?? '').toUpperCase())}`,
      'x-permission': r.permission,
      security: open ? [] : r.permission === 'user' ? [{ session: [] }] : [{ apiKey: [] }, { session: [] }],
      parameters: [
        ...(inWorkspace ? [{ name: 'workspace', in: 'path', required: true, description: 'the workspace’s name (GET /v1/workspaces lists yours)', schema: { type: 'string' } }] : []),
        ...parameters(r.schemas.params, 'path'),
        ...parameters(r.schemas.query, 'query'),
        ...(r.body === 'rows' ? [{ name: 'Idempotency-Key', in: 'header', required: false, description: 'Repeat a request safely: the same key and body get the first answer.', schema: { type: 'string', maxLength: 255 } }] : []),
      ],
      ...(r.schemas.body
        ? {
            requestBody: {
              required: r.body !== 'object',
              ...(r.body === 'object' ? { description: 'The options as a JSON object ({} for the defaults).' } : {}),
              content: { 'application/json': { schema: z.toJSONSchema(r.schemas.body, { io: 'input', unrepresentable: 'any' }) } },
            },
          }
        : {}),
      ...(r.body === 'upload'
        ? {
            requestBody: {
              required: true,
              description: 'The file itself (CSV, JSON lines or Parquet), streamed to disk as it arrives; no size limit.',
              content: { 'text/csv': { schema: { type: 'string' } }, 'application/octet-stream': { schema: { type: 'string', format: 'binary' } } },
            },
          }
        : {}),
      ...(r.body === 'rows'
        ? {
            requestBody: {
              required: true,
              description: 'Rows of the table (its fields, as DATA_MODEL names them; an optional sent_at corrects the client clock), at most 5 MB a request and 64 KB a row.',
              content: { 'application/json': { schema: ROWS }, 'application/x-ndjson': { schema: { type: 'string', description: 'one JSON object a line' } } },
            },
          }
        : {}),
      responses: {
        200: {
          description: r.csv === 'on-accept' ? 'OK: JSON, or CSV with Accept: text/csv' : 'OK',
          content: r.answers === 'html'
            ? { 'text/html': { schema: { type: 'string' } } }
            : r.text
            ? { [r.text]: { schema: { type: 'string' } } }
            : { ...(r.csv === 'always' ? {} : { 'application/json': { schema: {} } }), ...(r.csv ? { 'text/csv': { schema: { type: 'string' } } } : {}) },
        },
        ...(r.schemas.query || r.schemas.params || r.schemas.body ? { 400: answer('A parameter is malformed or names something unknown (its code says which).') } : {}),
        ...(open ? {} : { 401: answer('No session or API key, or one unknown, ended or revoked.'), 403: answer('The role or key kind may not call this route, or a signed-in request that changes something lacks X-CSRF-Token.') }),
        ...(r.schemas.params || inWorkspace ? { 404: answer(inWorkspace ? 'No such workspace for this caller (another workspace’s is 404 too), or no such resource in it.' : 'No such resource.') } : {}),
        ...(r.body === 'upload' ? { 415: answer('The body is not a file (send text/csv or application/octet-stream).') } : {}),
        ...(r.permission === 'analyst' ? { 422: answer('The model cannot be fitted on this data (model-error; the detail says why and what to do).') } : {}),
        ...(r.body === 'rows'
          ? {
              413: answer('The body is over 5 MB.'),
              422: answer('The Idempotency-Key was used before with another body.'),
              503: answer('The ingest queue is full: retry after the Retry-After seconds; nothing of the request was taken.'),
            }
          : {}),
      },
    };
  }
  return {
    openapi: '3.1.0',
    info: { title: 'Retain API', version: '1', description: 'Customer loyalty, retention and customer-experience analytics on your own data.' },
    paths,
    components: {
      securitySchemes: {
        apiKey: { type: 'http', scheme: 'bearer', description: 'An API key of the workspace: rk_read_…, rk_admin_… or rk_ingest_… (retain keys create).' },
        session: {
          type: 'apiKey',
          in: 'cookie',
          name: 'retain_session',
          description: 'The session cookie POST /v1/session sets; a request that changes something also sends X-CSRF-Token with the session’s csrf value.',
        },
      },
      schemas: {
        Problem: {
          type: 'object',
          required: ['type', 'title', 'status', 'code', 'detail'],
          properties: { type: { type: 'string' }, title: { type: 'string' }, status: { type: 'integer' }, code: { type: 'string' }, detail: { type: 'string' }, hint: { type: 'string' } },
        },
      },
    },
  };
}
