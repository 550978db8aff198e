/**
 * What a route is: method, URL, permission, zod schemas of its parameters and body, a summary
 * (its OpenAPI summary) and its handler. `defineRoute` refuses a route without a permission, so no
 * route is open by omission (deny by default). A route under /v1 belongs to a workspace unless it
 * says `scope: 'server'`: it is mounted at /v1/workspaces/:workspace/… (`mountedUrl`), and its
 * handler gets that workspace's warehouse.
 */
import type { Readable } from 'node:stream';
import type { z } from 'zod';
import type { IngestWriter } from '../warehouse/ingest/writer.js';
import type { Warehouse } from '../warehouse/warehouse.js';
import { PERMISSIONS, type Caller, type Permission } from './auth.js';
import type { Workspaces } from './workspaces.js';
import type { ResultCache } from './result-cache.js';

export interface RouteContext<Q, P, B = unknown> {
  /** The route's workspace's warehouse; for a server route, the accounts store. */
  wh: Warehouse;
  /** The workspace's name ('' for a server route). */
  workspace: string;
  /** The workspace's group-commit writer, on a connection of its own; absent where the engine has no transactions. */
  ingest?: IngestWriter;
  /** The server's result cache (cached-result.ts puts reports through it). */
  cache: ResultCache;
  query: Q;
  params: P;
  /**
   * The request body: parsed by `schemas.body` where the route has one; else as sent (JSON, NDJSON
   * as an array of its lines' values, or for an upload route the unread stream of a text/csv or
   * application/octet-stream body).
   */
  body: B;
  headers: Readonly<Record<string, string | string[] | undefined>>;
  caller: Caller;
  /** Every workspace the server holds, and the accounts store. */
  server: Workspaces;
  /** The client's address (behind a proxy, as --trust-proxy reads it) and whether it came over HTTPS. */
  ip: string;
  secure: boolean;
}

/** An answer with a status or headers of its own; a handler's other results are sent as 200 JSON. */
export class Answer {
  constructor(
    readonly body: unknown,
    readonly headers: Readonly<Record<string, string | string[]>> = {},
    readonly status = 200,
  ) {}
}

/** An answer streamed as it is produced (a CSV of every customer), never held whole. */
export class Streamed {
  constructor(
    readonly stream: Readable,
    readonly type: string,
    readonly headers: Readonly<Record<string, string>> = {},
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

export interface Route<Q extends z.ZodObject = z.ZodObject, P extends z.ZodObject = z.ZodObject, B extends z.ZodType = z.ZodType> {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** Fastify's form: `/v1/metrics/:id`; a workspace route's URL without its /workspaces/:workspace. */
  url: string;
  /** 'server' for a route under /v1 that belongs to no workspace (sign-in, the OpenAPI document). */
  scope?: 'server';
  permission: Permission;
  schemas: { query?: Q; params?: P; body?: B };
  /**
   * What the body holds, for OpenAPI and the parsers: rows as a JSON array or NDJSON; a file
   * streamed (text/csv or application/octet-stream, no size limit); or a JSON object of `schemas.body`.
   */
  body?: 'rows' | 'upload' | 'object';
  /** Where the answer may be CSV (a Streamed answer): always, or when the client accepts text/csv. */
  csv?: 'always' | 'on-accept';
  /** The content type of the answer when it is text, not JSON (the handler then returns the text). */
  text?: string;
  /** What the answer is when not JSON (an HtmlPage), for OpenAPI. */
  answers?: 'html';
  summary: string;
  /** The answer's JSON (the server sends it as application/json), an Answer, or a Streamed answer. */
  handler: (ctx: RouteContext<z.output<Q>, z.output<P>, z.output<B>>) => Promise<unknown> | unknown;
}

export function defineRoute<Q extends z.ZodObject, P extends z.ZodObject, B extends z.ZodType = z.ZodType>(route: Route<Q, P, B>): Route {
  if (!(PERMISSIONS as readonly string[]).includes(route.permission as string)) {
    throw new Error(`Route ${route.method} ${route.url} declares no permission (one of ${PERMISSIONS.join(', ')}): routes are denied by default.`);
  }
  return route as unknown as Route;
}

export const isWorkspaceRoute = (r: Pick<Route, 'url' | 'scope'>) => r.url.startsWith('/v1/') && r.scope !== 'server';

/** The URL the server listens on for a route: a workspace route under /v1/workspaces/:workspace. */
export const mountedUrl = (r: Pick<Route, 'url' | 'scope'>) => (isWorkspaceRoute(r) ? `/v1/workspaces/:workspace${r.url.slice('/v1'.length)}` : r.url);
