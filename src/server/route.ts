/**
 * What a route is: method, URL, permission, zod schemas of its parameters, a summary (its
 * OpenAPI summary) and its handler. `defineRoute` refuses a route without a permission, so no
 * route is open by omission (deny by default).
 */
import type { z } from 'zod';
import type { IngestWriter } from '../warehouse/ingest/writer.js';
import type { Warehouse } from '../warehouse/warehouse.js';
import { PERMISSIONS, type Permission } from './auth.js';
import type { ResultCache } from './result-cache.js';

export interface RouteContext<Q, P> {
  wh: Warehouse;
  /** The workspace's group-commit writer, on a connection of its own; absent where the engine has no transactions. */
  ingest?: IngestWriter;
  /** The server's result cache (cached-result.ts puts reports through it). */
  cache: ResultCache;
  query: Q;
  params: P;
  /** The request body, parsed (JSON, or NDJSON as an array of its lines' values); for routes with `body`. */
  body: unknown;
  headers: Readonly<Record<string, string | string[] | undefined>>;
}

/** An answer with a status or headers of its own; a handler's other results are sent as 200 JSON. */
export class Answer {
  constructor(
    readonly body: unknown,
    readonly headers: Readonly<Record<string, string>> = {},
    readonly status = 200,
  ) {}
}

/** An answer whose JSON is written already (a cached result): sent as it is, 200. */
export class JsonText {
  constructor(
    readonly text: string,
    readonly headers: Readonly<Record<string, string>> = {},
  ) {}
}

/** A page (text/html) and the Content-Security-Policy it needs; a JSON answer keeps default-src 'none'. */
export class HtmlPage {
  constructor(
    readonly html: string,
    readonly csp: string,
  ) {}
}

export interface Route<Q extends z.ZodObject = z.ZodObject, P extends z.ZodObject = z.ZodObject> {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** Fastify's form: `/v1/metrics/:id`. */
  url: string;
  permission: Permission;
  schemas: { query?: Q; params?: P };
  /** What the body holds, for OpenAPI and the parsers: rows as a JSON array or NDJSON. */
  body?: 'rows';
  /** What the answer is when not JSON (an HtmlPage), for OpenAPI. */
  answers?: 'html';
  summary: string;
  /** The answer's JSON (the server sends it as application/json). */
  handler: (ctx: RouteContext<z.output<Q>, z.output<P>>) => Promise<unknown> | unknown;
}

export function defineRoute<Q extends z.ZodObject, P extends z.ZodObject>(route: Route<Q, P>): Route {
  if (!(PERMISSIONS as readonly string[]).includes(route.permission as string)) {
    throw new Error(`Route ${route.method} ${route.url} declares no permission (one of ${PERMISSIONS.join(', ')}): routes are denied by default.`);
  }
  return route as unknown as Route;
}
