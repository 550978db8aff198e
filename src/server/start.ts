/**
 * The HTTP server: Fastify over one workspace, the routes of routes.ts behind their permissions,
 * JSON logs with request ids on stderr, security headers on every answer (no CORS headers: no
 * origin is allowed yet), problems for every error, and a graceful shutdown on SIGTERM/SIGINT
 * (stop accepting, let requests in flight finish, close the workspace).
 */
import { randomUUID } from 'node:crypto';
import Fastify, { type FastifyInstance } from 'fastify';
import { parseOptions } from '../metrics/request.js';
import type { z } from 'zod';
import { hasOwner } from '../warehouse/accounts/users.js';
import { createInvite } from '../warehouse/accounts/tokens.js';
import type { OpenOptions } from '../warehouse/open.js';
import { stopModelWorker } from '../models/off-thread.js';
import { authorize } from './auth.js';
import { corsHeaders } from './cors.js';
import { registerDashboard } from './dashboard.js';
import { cacheHits, cacheMisses } from './metrics-registry.js';
import { observeRequests } from './metrics-route.js';
import { HttpProblem, problem, problemOf, sendProblem } from './problems.js';
import { ResultCache, type ResultCacheOptions } from './result-cache.js';
import { Answer, HtmlPage, isWorkspaceRoute, JsonText, mountedUrl, Streamed, type Route } from './route.js';
import { ROUTES } from './routes.js';
import { Workspaces } from './workspaces.js';

export interface ServeOptions {
  host: string;
  port: number;
  /** One workspace (a DuckDB file or a ClickHouse database), or `workspaces`: a folder of DuckDB files. */
  workspace: OpenOptions & { workspaces?: string };
  /** Read the client's address and protocol from X-Forwarded-* (behind a reverse proxy). */
  trustProxy?: boolean;
  /** Bounds and hook points of the result cache (default: 1,000 entries, 128 MB). */
  cache?: Partial<ResultCacheOptions>;
}

export interface RunningServer {
  /** http://host:port, the port the system gave for port 0. */
  readonly url: string;
  /** The one-time link that creates the first owner, while no workspace has one. */
  readonly setupUrl: string | null;
  /** Stop accepting, finish what is in flight, close the workspaces. */
  close(): Promise<void>;
}

const SECURITY_HEADERS = {
  'x-content-type-options': 'nosniff',
  // The answers are JSON: nothing in them may load, run or be framed.
  'content-security-policy': "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
  'cache-control': 'no-store',
};

/** The largest request body (a batch of rows); Fastify answers 413 above it. */
export const MAX_BODY_BYTES = 5 * 1024 * 1024;

function register(app: FastifyInstance, server: Workspaces, cache: ResultCache, route: Route): void {
  const inWorkspace = isWorkspaceRoute(route);
  app.route({
    method: route.method,
    url: mountedUrl(route),
    handler: async (request, reply) => {
      const { workspace: name, ...rawParams } = request.params as Record<string, string>;
      const caller = await authorize(server, request, route.permission, inWorkspace ? name : undefined);
      const w = inWorkspace ? server.get(name!)! : undefined;
      const query = route.schemas.query ? parseOptions(route.schemas.query, request.query) : {};
      const params = route.schemas.params ? parseOptions(route.schemas.params, rawParams) : {};
      const body = route.schemas.body ? parseOptions(route.schemas.body as z.ZodObject, request.body ?? {}) : request.body;
      const out = await route.handler({
        wh: w?.wh ?? server.accounts,
        workspace: w?.name ?? '',
        ...(w?.ingest ? { ingest: w.ingest } : {}),
        query,
        params,
        body,
        headers: request.headers,
        caller,
        server,
        cache,
        ip: request.ip,
        secure: request.protocol === 'https',
      });
      if (out instanceof HtmlPage) return reply.header('content-security-policy', out.csp).type('text/html; charset=utf-8').send(out.html);
      if (out instanceof JsonText) return reply.headers(out.headers).type('application/json').send(out.text);
      if (out instanceof Streamed) return reply.headers(out.headers).type(out.type).send(out.stream);
      if (route.text) return reply.type(route.text).send(String(out));
      if (out instanceof Answer) return reply.code(out.status).headers(out.headers).type('application/json').send(JSON.stringify(out.body));
      return reply.type('application/json').send(JSON.stringify(out));
    },
  });
}

/** NDJSON: one JSON value a line, blank lines skipped; a line that is not JSON is a 400 naming it. */
function parseNdjson(text: string): unknown[] {
  const rows: unknown[] = [];
  text.split('\n').forEach((line, i) => {
    if (!line.trim()) return;
    try {
      rows.push(JSON.parse(line));
    } catch (e) {
      throw new HttpProblem(400, 'bad-ndjson', `Line ${i + 1} of the body is not JSON: ${(e as Error).message}`, 'Send one JSON object a line (application/x-ndjson), or a JSON array (application/json).');
    }
  });
  return rows;
}

export async function startServer(o: ServeOptions): Promise<RunningServer> {
  const server = await Workspaces.open(o.workspace);
  const app = Fastify({ logger: { level: 'info', stream: process.stderr }, genReqId: () => randomUUID(), return503OnClosing: false, bodyLimit: MAX_BODY_BYTES, trustProxy: o.trustProxy ?? false });
  app.addContentTypeParser(['application/x-ndjson', 'application/jsonl'], { parseAs: 'string' }, (_request, body, done) => {
    try {
      done(null, parseNdjson(String(body)));
    } catch (e) {
      done(e as Error, undefined);
    }
  });
  // A file upload is handed to its route unread, to be streamed to disk (no body limit).
  app.addContentTypeParser(['text/csv', 'application/octet-stream'], (_request, payload, done) => done(null, payload));
  let closing: Promise<void> | undefined;
  // Fastify's own 503 while closing skips the headers and the problem shape: this one has both.
  app.addHook('onRequest', async (_request, reply) => {
    if (closing) return sendProblem(reply, problem(503, 'shutting-down', 'The server is shutting down.', 'Retry on another instance, or once it is back.'));
  });
  app.addHook('onSend', async (request, reply) => {
    // A route that set its own policy or caching (the dashboard's pages) keeps it.
    for (const [name, value] of Object.entries(SECURITY_HEADERS)) if (!reply.hasHeader(name)) reply.header(name, value);
    reply.headers({ 'x-request-id': request.id, ...(await corsHeaders(server, request.url, request.headers.origin)) });
    // A kept-alive connection would hold the shutdown open until the client drops it: the
    // answers of requests in flight when it begins close theirs.
    if (closing) reply.header('connection', 'close');
  });
  observeRequests(app);
  app.setErrorHandler((e, request, reply) => {
    if (e instanceof HttpProblem) reply.headers(e.headers);
    const p = problemOf(e);
    if (p.status >= 500) request.log.error({ err: e }, 'request failed');
    return sendProblem(reply, p);
  });
  app.setNotFoundHandler((request, reply) => sendProblem(reply, problem(404, 'not-found', `No route ${request.method} ${request.url.split('?')[0]}.`, 'GET /v1/openapi.json lists the routes.')));
  const cache = new ResultCache({
    maxEntries: 1000,
    maxBytes: 128 * 1024 * 1024,
    // One line per computation: how a test (or an operator) counts them.
    onComputed: (key, stamp, ms) => app.log.info({ cache: { key, stamp, ms: Math.round(ms) } }, 'result computed'),
    onRefreshError: (key, e) => app.log.error({ err: e, cache: { key } }, 'refreshing a cached result failed; the stale one stays'),
    onHit: () => cacheHits.inc(),
    onMiss: () => cacheMisses.inc(),
    ...o.cache,
  });
  for (const r of ROUTES) register(app, server, cache, r);
  registerDashboard(app);
  // A browser's preflight: the onSend hook adds the CORS headers when the workspace allows the origin.
  app.options('/v1/workspaces/:workspace/*', (_request, reply) => reply.code(204).send());
  try {
    await app.listen({ host: o.host, port: o.port });
  } catch (e) {
    await server.close();
    throw e;
  }
  const a = app.server.address();
  const port = typeof a === 'object' && a ? a.port : o.port;
  const host = o.host.includes(':') ? `[${o.host}]` : o.host;
  const url = `http://${host}:${port}`;
  // A command that cannot open a file while the server holds it can then name the server.
  server.markHeld({ pid: process.pid, url, started_at: new Date().toISOString() });
  const setup = (await hasOwner(server.accounts, server.names)) ? null : await createInvite(server.accounts, { email: '', workspace: '*', role: 'owner' }, 1);
  return {
    url,
    setupUrl: setup ? `${url}/setup?token=${setup}` : null,
    close: () =>
      (closing ??= (async () => {
        app.log.info('shutting down: finishing requests in flight');
        await app.close();
        // A stale answer's refresh may still read the workspace.
        await cache.settle();
        await stopModelWorker();
        await server.close();
        app.log.info('stopped');
      })()),
  };
}

/** Serve until SIGTERM or SIGINT, then shut down gracefully; resolves once stopped. */
export function untilSignal(server: RunningServer): Promise<void> {
  return new Promise((resolve, reject) => {
    const stop = () => {
      process.off('SIGTERM', stop);
      process.off('SIGINT', stop);
      server.close().then(resolve, reject);
    };
    process.on('SIGTERM', stop);
    process.on('SIGINT', stop);
  });
}
