/**
 * The customer-list request both surfaces share: `retain customers`' options and the query of
 * GET /v1/customers, named alike (`as_of` for --as-of), through this one schema to the same
 * CustomerListOptions. Shape only here; customerList checks what a value means (a known list,
 * segment, field) with the codes the CLI has always given. Loads zod: import it lazily from a command.
 */
import { z } from 'zod';
import type { CustomerListOptions, SortKey } from './customers.js';
import { isoDay, positiveWhole } from './option-values.js';
import { penalizer } from './penalizer.js';
import { list, numeric, parseOptions, text } from './request.js';

export const customersRequestSchema = z.object({
  segment: text.describe('which customers: all (default), at-risk, promoters, passives, detractors or an RFM segment'),
  rfm: text.describe('only this RFM segment'),
  where: list.describe('only customers with this field=value (repeatable)'),
  sort: text.describe('clv, risk, revenue, engagement (highest first); nps, p_alive (lowest first); recency (most recent first)'),
  limit: numeric.describe('at most this many customers (a page; default 50)'),
  cursor: text.describe('the next_cursor of the page before'),
  as_of: text.describe('as of this day, inclusive, YYYY-MM-DD (default: the last order day)'),
  horizon: numeric.describe('CLV horizon in months (default 12)'),
  penalizer: numeric.describe('L2 penalty on the model parameters (default 0)'),
});

export type CustomersRequest = z.output<typeof customersRequestSchema>;

export function customerListOptions(q: CustomersRequest): CustomerListOptions {
  return {
    segment: q.segment,
    rfm: q.rfm,
    where: q.where,
    sort: q.sort as SortKey | undefined,
    limit: q.limit === undefined ? 50 : positiveWhole('limit', q.limit),
    cursor: q.cursor,
    asOf: q.as_of === undefined ? undefined : isoDay('as_of', q.as_of),
    horizonMonths: q.horizon === undefined ? 12 : positiveWhole('horizon', q.horizon),
    penalizer: q.penalizer === undefined ? undefined : penalizer(q.penalizer),
  };
}

export const parseCustomersRequest = (input: unknown) => customerListOptions(parseOptions(customersRequestSchema, input));
