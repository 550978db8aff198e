import { Command, Option } from 'commander';
import { AT_RISK, CUSTOMER_COLUMNS, customerCells, customerList, LISTS, SORTS } from '../../metrics/customers.js';
import { collect, dbOption, isoDate, penalizerOption, positiveInt, printJson, withWorkspace } from '../common.js';
import { printRows } from '../output.js';

export function customersCommand(): Command {
  const cmd = new Command('customers')
    .description('The customer lists to act on: each customer with CLV, P(alive), churn risk, RFM segment, latest NPS and engagement score.')
    .addOption(new Option('--segment <list>', 'which customers').choices([...LISTS]).default('all'))
    .option('--rfm <segment>', 'only this RFM segment (see retain model rfm)')
    .option('--where <field=value>', 'only customers with this field or attributes key (repeatable)', collect, [])
    .addOption(new Option('--sort <key>', 'order (clv, risk, revenue, engagement: highest first; nps, p_alive: lowest first; recency: most recent first)').choices([...SORTS]))
    .option('--limit <n>', 'at most this many customers', positiveInt('--limit'), 50)
    .option('--cursor <cursor>', 'the page after this one: the next_cursor of the JSON before')
    .option('--as-of <date>', 'as of this day, inclusive (default: the last order day)', isoDate('--as-of'))
    .option('--horizon <months>', 'CLV horizon in months', positiveInt('--horizon'), 12)
    .addOption(penalizerOption())
    .addOption(new Option('--format <format>', 'output format').choices(['table', 'json', 'csv']).default('table'))
    .addHelpText(
      'after',
      `
Lists: at-risk (churn risk ≥ ${AT_RISK}), promoters, passives, detractors (latest NPS answer in the
last year), and the RFM segments (champions, loyal, …). Risk is 1 − P(alive) of the BG/NBD model in
a transactional workspace, and a weighted score of engagement decline, detractor answers,
contraction, tickets, complaints and late invoices in a subscription workspace (shown in JSON).
Where the model cannot be fitted (a few customers), the RFM and NPS lists still work with CLV,
P(alive) and risk empty and a note saying why; at-risk and --sort clv, risk or p_alive need it.
CSV cells that a spreadsheet would run as a formula are escaped.

Examples:
  $ retain customers --segment at-risk --sort clv --limit 100
  $ retain customers --segment champions --format csv > champions.csv
  $ retain customers --segment detractors --where country=DE --format json`,
    )
    .action(async (o: Flags) => {
      // The same request model as the API's /v1/customers (zod: loaded when the command runs).
      const { parseCustomersRequest } = await import('../../metrics/customers-request.js');
      const request = parseCustomersRequest({ segment: o.segment, rfm: o.rfm, where: o.where, sort: o.sort, limit: o.limit, cursor: o.cursor, as_of: o.asOf, horizon: o.horizon, penalizer: o.penalizer });
      const result = await withWorkspace(o, (wh) => customerList(wh, request), true);
      if (o.format === 'json') return printJson(result);
      if (o.format === 'table') {
        process.stdout.write(`${result.total.toLocaleString('en-US')} customers on the ${result.list} list as of ${result.asOf}; showing ${result.customers.length}.\n${result.method}\n${result.note ? `note: ${result.note}\n` : ''}`);
      }
      printRows(CUSTOMER_COLUMNS, result.customers.map(customerCells), o.format);
    });
  return dbOption(cmd);
}

interface Flags {
  db?: string;
  segment: string;
  rfm?: string;
  where: string[];
  sort?: (typeof SORTS)[number];
  limit: number;
  cursor?: string;
  asOf?: string;
  horizon: number;
  penalizer?: number;
  format: 'table' | 'json' | 'csv';
}
