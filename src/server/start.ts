/**
 * The HTTP server: Fastify over one workspace, the routes of routes.ts behind their permissions,
 * JSON logs with request ids on stderr, security headers on every answer (no CORS headers: no
 * origin is allowed yet), problems for every error, and a graceful shutdown on SIGTERM/SIGINT
 * (stop accepting, let requests in flight finish, close the workspace).
 */
import { randomUUID } from 'node:crypto';
import Fastify, { type FastifyInstance } from 'fastify';
import { parseOptions } from '../metrics/request.js';
import { stopModelWorker } from '../models/off-thread.js';
import { clearHolder, markHolder } from '../warehouse/holder.js';
import { IngestWriter } from '../warehouse/ingest/writer.js';
import { openWorkspace, type OpenOptions } from '../warehouse/open.js';
import type { Warehouse } from '../warehouse/warehouse.js';
import { authorize } from './auth.js';
import { HttpProblem, problem, problemOf, sendProblem } from './problems.js';
import { ResultCache, type ResultCacheOptions } from './result-cache.js';
import { Answer, HtmlPage, JsonText, type Route } from './route.js';
import { ROUTES } from './routes.js';

export interface ServeOptions {
  host: string;
  port: number;
  workspace: OpenOptions;
  /** Bounds and hook points of the result cache (default: 1,000 entries, 128 MB). */
  cache?: Partial<ResultCacheOptions>;
}

export interface RunningServer {
  /** http://host:port, the port the system gave for port 0. */
  readonly url: string;
  /** Stop accepting, finish what is in flight, close the workspace. */
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

/** What every route's handler is given beside its request. */
interface Served {
  wh: Warehouse;
  ingest: IngestWriter | undefined;
  cache: ResultCache;
}

function register(app: FastifyInstance, { wh, ingest, cache }: Served, route: Route): void {
  app.route({
    method: route.method,
    url: route.url,
    handler: async (request, reply) => {
      await authorize(wh, request, route.permission);
      const query = route.schemas.query ? parseOptions(route.schemas.query, request.query) : {};
      const params = route.schemas.params ? parseOptions(route.schemas.params, request.params) : {};
      const out = await route.handler({ wh, ...(ingest ? { ingest } : {}), cache, query, params, body: request.body, headers: request.headers });
      if (out instanceof HtmlPage) return reply.header('content-security-policy', out.csp).type('text/html; charset=utf-8').send(out.html);
      if (out instanceof JsonText) return reply.headers(out.headers).type('application/json').send(out.text);
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
  const wh = await openWorkspace(o.workspace);
  // Ingest commits on a connection of its own, so a group's transaction never holds a report's reads.
  const writerConnection = wh.connection ? await wh.connection() : undefined;
  const ingest = writerConnection ? new IngestWriter(writerConnection) : undefined;
  const app = Fastify({ logger: { level: 'info', stream: process.stderr }, genReqId: () => randomUUID(), return503OnClosing: false, bodyLimit: MAX_BODY_BYTES });
  app.addContentTypeParser(['application/x-ndjson', 'application/jsonl'], { parseAs: 'string' }, (_request, body, done) => {
    try {
      done(null, parseNdjson(String(body)));
    } catch (e) {
      done(e as Error, undefined);
    }
  });
  let closing: Promise<void> | undefined;
  // Fastify's own 503 while closing skips the headers and the problem shape: this one has both.
  app.addHook('onRequest', async (_request, reply) => {
    if (closing) return sendProblem(reply, problem(503, 'shutting-down', 'The server is shutting down.', 'Retry on another instance, or once it is back.'));
  });
  app.addHook('onSend', async (request, reply) => {
    // A page's own policy (HtmlPage) stands; every other answer gets the JSON one.
    const csp = reply.getHeader('content-security-policy');
    reply.headers({ ...SECURITY_HEADERS, ...(csp ? { 'content-security-policy': csp } : {}), 'x-request-id': request.id });
    // A kept-alive connection would hold the shutdown open until the client drops it: the
    // answers of requests in flight when it begins close theirs.
    if (closing) reply.header('connection', 'close');
  });
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
    ...o.cache,
  });
  for (const r of ROUTES) register(app, { wh, ingest, cache }, r);
  try {
    await app.listen({ host: o.host, port: o.port });
  } catch (e) {
    await writerConnection?.close();
    await wh.close();
    throw e;
  }
  const a = app.server.address();
  const port = typeof a === 'object' && a ? a.port : o.port;
  const host = o.host.includes(':') ? `[${o.host}]` : o.host;
  const url = `http://${host}:${port}`;
  // A command that cannot open the file while the server holds it can then name the server.
  const file = wh.dialect.name === 'duckdb' && wh.location !== ':memory:' ? wh.location : null;
  if (file) markHolder(file, { pid: process.pid, url, started_at: new Date().toISOString() });
  return {
    url,
    close: () =>
      (closing ??= (async () => {
        app.log.info('shutting down: finishing requests in flight');
        await app.close();
        // A stale answer's refresh may still read the workspace.
        await cache.settle();
        await stopModelWorker();
        // Whatever batches wait are committed before the workspace closes: an acknowledged row is never lost.
        await ingest?.close();
        await writerConnection?.close();
        await wh.close();
        if (file) clearHolder(file);
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
