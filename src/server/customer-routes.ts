/**
 * GET /v1/customers — the list of `retain customers`, cursor-paged (the engine cuts each page
 * after the cursor's sort key and customer id), or with `Accept: text/csv` every customer on the
 * list streamed page by page as CSV, formula cells escaped; GET /v1/customers/{id} — one
 * customer's profile, timeline and scores.
 */
import { Readable } from 'node:stream';
import { z } from 'zod';
import { customerProfile } from '../metrics/customer-profile.js';
import { customerListOptions, customersRequestSchema } from '../metrics/customers-request.js';
import { CUSTOMER_COLUMNS, customerCells, customerList, LISTS, openCustomerList, SORTS, type CustomerListOptions } from '../metrics/customers.js';
import { RFM_SEGMENTS } from '../models/rfm.js';
import { isoDay, positiveWhole } from '../metrics/option-values.js';
import { penalizer } from '../metrics/penalizer.js';
import { numeric, text } from '../metrics/request.js';
import { csvHeader, csvLine } from '../warehouse/csv-out.js';
import type { Warehouse } from '../warehouse/warehouse.js';
import { HttpProblem } from './problems.js';
import { defineRoute, Streamed } from './route.js';

/** Customers a CSV page reads from the engine at once: the answer holds no more than this many in memory. */
const CSV_PAGE = 5000;

const wantsCsv = (accept: string | string[] | undefined) => /\btext\/csv\b/.test(String(accept ?? ''));

/** Every customer of the list as CSV lines, the header first, a page of the engine's at a time. */
async function* csvLines(wh: Warehouse, o: CustomerListOptions): AsyncGenerator<string> {
  const list = await openCustomerList(wh, o);
  yield csvHeader(CUSTOMER_COLUMNS);
  let cursor: string | undefined;
  do {
    const page = await list.page(cursor, CSV_PAGE);
    yield page.customers.map((c) => csvLine(CUSTOMER_COLUMNS, customerCells(c))).join('');
    cursor = page.next_cursor ?? undefined;
  } while (cursor);
}

/** A list's name for people: the RFM segment's, else its id in words. */
const listName = (id: string) => RFM_SEGMENTS.find((s) => s.id === id)?.name ?? id.charAt(0).toUpperCase() + id.slice(1).replace('-', ' ');

export const customerRoutes = [
  defineRoute({
    method: 'GET',
    url: '/v1/customer-lists',
    permission: 'read',
    schemas: {},
    summary: 'The customer lists GET /v1/customers takes as segment (at-risk, promoters, detractors, the RFM segments…) and the sorts it takes.',
    handler: () => ({ lists: LISTS.map((id) => ({ id, name: listName(id), action: RFM_SEGMENTS.find((s) => s.id === id)?.action ?? null })), sorts: SORTS }),
  }),
  defineRoute({
    method: 'GET',
    url: '/v1/customers',
    permission: 'read',
    schemas: { query: customersRequestSchema },
    csv: 'on-accept',
    summary: 'The customer list of retain customers --format json, a page at a time (next_cursor); with Accept: text/csv every customer on the list as CSV.',
    handler: async ({ wh, query, headers }) => {
      const o = customerListOptions(query);
      if (!wantsCsv(headers.accept)) return customerList(wh, o);
      // The first page is read before the answer starts, so a bad request is still a 400 problem.
      const lines = csvLines(wh, { ...o, cursor: undefined });
      const first = await lines.next();
      const stream = Readable.from((async function* () {
        if (!first.done) yield first.value;
        yield* lines;
      })());
      return new Streamed(stream, 'text/csv; charset=utf-8', { 'content-disposition': 'attachment; filename="customers.csv"' });
    },
  }),
  defineRoute({
    method: 'GET',
    url: '/v1/customers/:id',
    permission: 'read',
    schemas: {
      params: z.object({ id: z.string().describe('a customer_id') }),
      query: z.object({
        as_of: text.describe('as of this day, inclusive, YYYY-MM-DD (default: the last order day)'),
        horizon: numeric.describe('CLV horizon in months (default 12)'),
        penalizer: numeric.describe('L2 penalty on the model parameters (default 0)'),
      }),
    },
    summary: 'One customer: their row, a timeline of their rows in every table sorted by time, and CLV, P(alive), churn risk with its inputs as the list computes them.',
    handler: async ({ wh, params, query }) => {
      const profile = await customerProfile(wh, params.id, {
        asOf: query.as_of === undefined ? undefined : isoDay('as_of', query.as_of),
        horizonMonths: query.horizon === undefined ? undefined : positiveWhole('horizon', query.horizon),
        penalizer: query.penalizer === undefined ? undefined : penalizer(query.penalizer),
      });
      if (!profile) throw new HttpProblem(404, 'unknown-customer', `No customer ${params.id} in this workspace.`, 'GET /v1/customers lists them.');
      return profile;
    },
  }),
];
