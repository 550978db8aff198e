/**
 * The OpenAPI 3.1 document, generated from the route table: each route's path, summary, its
 * parameters from its zod schemas (z.toJSONSchema, as the client sends them), whether it needs a
 * key, and the problem answers it may give.
 */
import { z } from 'zod';
import type { Route } from './route.js';

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
    paths[openApiPath(r.url)] ??= {};
    paths[openApiPath(r.url)]![r.method.toLowerCase()] = {
      summary: r.summary,
      operationId: `${r.method.toLowerCase()}${openApiPath(r.url).replace(/[^A-Za-z0-9]+(.)?/g, (_, c: string | undefined) => (c ?? '').toUpperCase())}`,
      'x-permission': r.permission,
      security: open ? [] : [{ apiKey: [] }],
      parameters: [
        ...parameters(r.schemas.params, 'path'),
        ...parameters(r.schemas.query, 'query'),
        ...(r.body === 'rows' ? [{ name: 'Idempotency-Key', in: 'header', required: false, description: 'Repeat a request safely: the same key and body get the first answer.', schema: { type: 'string', maxLength: 255 } }] : []),
      ],
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
        200: { description: 'OK', content: r.answers === 'html' ? { 'text/html': { schema: { type: 'string' } } } : { 'application/json': { schema: {} } } },
        ...(r.schemas.query || r.schemas.params ? { 400: answer('A parameter is malformed or names something unknown (its code says which).') } : {}),
        ...(open ? {} : { 401: answer('No API key, or one unknown or revoked.'), 403: answer('The key’s kind may not call this route.') }),
        ...(r.schemas.params ? { 404: answer('No such resource.') } : {}),
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
      securitySchemes: { apiKey: { type: 'http', scheme: 'bearer', description: 'An API key: rk_read_…, rk_admin_… or rk_ingest_… (retain keys create).' } },
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
