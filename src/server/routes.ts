/**
 * The route table: every route the server has. To add one, add a defineRoute here (or in a
 * file of its own listed here) with its permission and zod schemas: the server registers it (a
 * /v1 route under its workspace, /v1/workspaces/:workspace/…), the OpenAPI document describes it,
 * and the auth-matrix test calls it as every kind of caller.
 */
import { z } from 'zod';
import { metricCatalogue } from '../metrics/catalogue.js';
import { metricById, METRICS } from '../metrics/registry.js';
import { buildReport } from '../metrics/report.js';
import { reportOptions, reportRequestSchema } from '../metrics/request.js';
import { workspaceStatus } from '../warehouse/status.js';
import { didYouMean } from '../warehouse/suggest.js';
import { cachedResult } from './cached-result.js';
import { docsPage } from './docs-page.js';
import { metricView } from './metric-view.js';
import { HttpProblem } from './problems.js';
import { ACCOUNT_ROUTES } from './account-routes.js';
import { customerRoutes } from './customer-routes.js';
import { dataRoutes } from './data-routes.js';
import { ingestRoute } from './ingest-route.js';
import { modelRoutes } from './model-routes.js';
import { metricsRoute } from './metrics-route.js';
import { defineRoute, HtmlPage, type Route } from './route.js';
import { openApiDocument } from './openapi.js';

const oneMetricQuery = reportRequestSchema.omit({ metric: true, team: true });

export const ROUTES: readonly Route[] = [
  defineRoute({ method: 'GET', url: '/healthz', permission: 'public', schemas: {}, summary: 'The process is up (no engine work).', handler: () => ({ status: 'ok' }) }),
  defineRoute({
    method: 'GET',
    url: '/readyz',
    permission: 'public',
    schemas: {},
    summary: 'Every workspace answers a query.',
    handler: async ({ server }) => {
      for (const w of server.all()) {
        try {
          await w.wh.query('SELECT 1 AS ok');
        } catch (e) {
          throw new HttpProblem(503, 'not-ready', `Workspace ${w.name} does not answer: ${(e as Error).message}`);
        }
      }
      return { status: 'ready', workspaces: server.names.length };
    },
  }),
  defineRoute({ method: 'GET', url: '/v1/metrics', permission: 'read', schemas: {}, summary: 'The metric catalogue (as retain metrics --format json).', handler: () => metricCatalogue() }),
  defineRoute({
    method: 'GET',
    url: '/v1/report',
    permission: 'read',
    schemas: { query: reportRequestSchema },
    summary: 'A report over a period (the JSON of retain report --format json; parameters named as its options), with cached_at and stale: answers are cached until the data they read changes.',
    handler: (ctx) => {
      const o = reportOptions(ctx.query);
      // Models fit on a worker thread: the event loop keeps answering while a report computes.
      return cachedResult(ctx, 'report', o, () => buildReport(ctx.wh, { ...o, offThread: true }));
    },
  }),
  defineRoute({
    method: 'GET',
    url: '/v1/metrics/:id',
    permission: 'read',
    schemas: { params: z.object({ id: z.string().describe('a metric id (see /v1/metrics)') }), query: oneMetricQuery },
    summary: 'One metric: its entries by bucket and a summary (current, previous, change, verdict); compares with the previous period unless told. Cached as the report is (cached_at, stale).',
    handler: async (ctx) => {
      const { params, query } = ctx;
      if (!metricById(params.id)) {
        throw new HttpProblem(404, 'unknown-metric', `Unknown metric ${params.id}.`, `${didYouMean(params.id, METRICS.map((m) => m.id))}GET /v1/metrics lists them.`);
      }
      const o = { ...reportOptions({ ...query, metric: [params.id], team: [] }), compare: query.compare ?? 'previous' };
      return cachedResult(ctx, 'metric', o, async () => metricView(await buildReport(ctx.wh, { ...o, offThread: true })));
    },
  }),
  ingestRoute,
  ...customerRoutes,
  ...modelRoutes,
  ...dataRoutes,
  metricsRoute,
  defineRoute({ method: 'GET', url: '/v1/status', permission: 'read', schemas: {}, summary: 'Rows and quarantined rows per table (as retain status --format json).', handler: ({ wh }) => workspaceStatus(wh) }),
  ...ACCOUNT_ROUTES,
  defineRoute({ method: 'GET', url: '/v1/openapi.json', scope: 'server', permission: 'public', schemas: {}, summary: 'This API as an OpenAPI 3.1 document.', handler: () => openApiDocument(ROUTES) }),
  defineRoute({
    method: 'GET',
    url: '/docs',
    permission: 'public',
    schemas: {},
    answers: 'html',
    summary: 'This API as a page to read: every route with its permission, parameters, body and answers (from /v1/openapi.json).',
    // Its inline style is all the page loads.
    handler: () => new HtmlPage(docsPage(openApiDocument(ROUTES)), "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"),
  }),
];
