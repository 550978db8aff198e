/**
 * The customer models over HTTP, answering the JSON of their commands through the same request
 * schemas (metrics/model-requests.ts): the reads — RFM, what-if, NPS ↔ growth — are GETs for a
 * read key; the fits — fit and evaluate, seconds of CPU each — are POSTs with a JSON body, for the
 * analyst permission (an admin key today).
 */
import type { z } from 'zod';
import { npsGrowth } from '../metrics/nps-growth.js';
import {
  evaluateOptions,
  evaluateRequestSchema,
  fitOptions,
  fitRequestSchema,
  npsGrowthOptions,
  npsGrowthRequestSchema,
  rfmOptions,
  rfmRequestSchema,
  whatIfOptions,
  whatIfRequestSchema,
} from '../metrics/model-requests.js';
import { workspaceWhatIf } from '../metrics/whatif.js';
import { evaluateWorkspace } from '../models/evaluate-workspace.js';
import { fitSummary, fitTransactional } from '../models/fit-workspace.js';
import { rfmSegments } from '../models/segments.js';
import { defineRoute } from './route.js';

export const modelRoutes = [
  defineRoute({
    method: 'POST',
    url: '/v1/models/fit',
    permission: 'analyst',
    body: 'object',
    schemas: { body: fitRequestSchema },
    summary: 'Fit BG/NBD, Pareto/NBD and Gamma-Gamma (the JSON of retain model fit --format json); the body names the options, {} for the defaults.',
    handler: async ({ wh, body }) => fitSummary(await fitTransactional(wh, fitOptions(body as z.output<typeof fitRequestSchema>))),
  }),
  defineRoute({
    method: 'POST',
    url: '/v1/models/evaluate',
    permission: 'analyst',
    body: 'object',
    schemas: { body: evaluateRequestSchema },
    summary: 'Validate the purchase models on a holdout (the JSON of retain model evaluate --format json).',
    handler: ({ wh, body }) => evaluateWorkspace(wh, evaluateOptions(body as z.output<typeof evaluateRequestSchema>)),
  }),
  defineRoute({
    method: 'GET',
    url: '/v1/models/rfm',
    permission: 'read',
    schemas: { query: rfmRequestSchema },
    summary: 'RFM segments with sizes, revenue share and what to do (retain model rfm --format json).',
    handler: ({ wh, query }) => rfmSegments(wh, rfmOptions(query)),
  }),
  defineRoute({
    method: 'GET',
    url: '/v1/models/nps-growth',
    permission: 'read',
    schemas: { query: npsGrowthRequestSchema },
    summary: 'Monthly NPS against later churn and revenue growth (retain model nps-growth --format json).',
    handler: ({ wh, query }) => npsGrowth(wh, npsGrowthOptions(query)),
  }),
  defineRoute({
    method: 'GET',
    url: '/v1/whatif',
    permission: 'read',
    schemas: { query: whatIfRequestSchema },
    summary: 'Retention what-if: customers, revenue, profit and CLV with retention some points higher (retain whatif --format json).',
    handler: ({ wh, query }) => workspaceWhatIf(wh, whatIfOptions(query)),
  }),
];
