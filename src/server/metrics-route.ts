/**
 * GET /metrics: the server's measurements (metrics-registry.ts) in the Prometheus text format,
 * and the hook that counts and times every answered request by its route.
 *
 * Permission admin: what it shows — requests per route, rows ingested per minute — is the
 * business's activity (an order rate), and `retain serve --host 0.0.0.0` would publish it to
 * the network if it were public as /healthz is. Prometheus scrapes with a key all the same
 * (`authorization: { credentials: rk_admin_… }` in its scrape config).
 */
import type { FastifyInstance } from 'fastify';
import { httpDuration, httpRequests, ingestQueueRows, renderMetrics } from './metrics-registry.js';
import { defineRoute } from './route.js';

export const PROMETHEUS_TEXT = 'text/plain; version=0.0.4; charset=utf-8';

export const metricsRoute = defineRoute({
  method: 'GET',
  url: '/metrics',
  permission: 'admin',
  text: PROMETHEUS_TEXT,
  schemas: {},
  summary: 'The server’s counters in the Prometheus text format: requests by route, method and status, their durations, ingested rows, the ingest queue, the result cache.',
  handler: ({ server }) => {
    // The whole server's: every workspace's writer, the routes by their pattern (:workspace unfilled).
    ingestQueueRows.set(server.all().reduce((n, w) => n + (w.ingest?.depth ?? 0), 0));
    return renderMetrics();
  },
});

/** Count and time every answer, by the route's URL pattern (never the URL itself: ids would make a series each). */
export function observeRequests(app: FastifyInstance): void {
  app.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url ?? 'unmatched';
    httpRequests.inc({ route, method: request.method, status: String(reply.statusCode) });
    httpDuration.observe(reply.elapsedTime / 1000, { route, method: request.method });
  });
}
