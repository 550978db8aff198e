import { Command } from 'commander';
import { npsGrowth } from '../../metrics/nps-growth.js';
import { rfmSegments } from '../../models/segments.js';
import { dbOption, formatOption, isoDate, positiveInt, printJson, withWorkspace } from '../common.js';
import { printRows } from '../output.js';

export function modelCommand(): Command {
  const cmd = new Command('model').description('Customer models: RFM segments, BG/NBD, Pareto/NBD and Gamma-Gamma fits, and their validation.');
  cmd.addCommand(rfmCommand());
  cmd.addCommand(npsGrowthCommand());
  return cmd;
}

function rfmCommand(): Command {
  const cmd = new Command('rfm')
    .description('RFM segments: recency, frequency and monetary quintiles → champions, loyal, at risk, … with sizes and revenue share.')
    .option('--as-of <date>', 'score purchases up to this day, inclusive (default: the last order day)', isoDate('--as-of'))
    .addHelpText('after', '\nExamples:\n  $ retain model rfm\n  $ retain model rfm --as-of 2026-06-30 --format json')
    .action(async (o: { db?: string; asOf?: string; format: 'table' | 'json' | 'csv' }) => {
      const result = await withWorkspace(o, (wh) => rfmSegments(wh, { asOf: o.asOf }), true);
      if (o.format === 'json') return printJson(result);
      if (o.format === 'table') process.stdout.write(`RFM segments of ${result.customers.toLocaleString('en-US')} buying customers as of ${result.asOf}\n`);
      const fixed = (v: number | null, digits: number) => (v === null ? null : Number(v.toFixed(digits)));
      printRows(
        ['segment', 'customers', 'share_pct', 'revenue_share_pct', 'recency_days', 'frequency', 'monetary', 'action'],
        result.segments.map((s) => ({
          segment: s.name,
          customers: s.customers,
          share_pct: fixed(s.share, 1),
          revenue_share_pct: fixed(s.revenueShare, 1),
          recency_days: fixed(s.recencyDays, 0),
          frequency: fixed(s.frequency, 1),
          monetary: fixed(s.monetary, 2),
          action: s.action,
        })),
        o.format,
      );
    });
  return formatOption(dbOption(cmd), ['table', 'json', 'csv']);
}

function npsGrowthCommand(): Command {
  const cmd = new Command('nps-growth')
    .description('Relate monthly NPS to later churn, net revenue churn and revenue growth: Pearson r per lag, with n and significance.')
    .option('--months <n>', 'months of history (the last full months)', positiveInt('--months'), 24)
    .option('--max-lag <n>', 'largest lag in months', (v: string) => (v === '0' ? 0 : positiveInt('--max-lag')(v)), 6)
    .addHelpText(
      'after',
      `
A negative r between NPS and later churn means months with a higher NPS were followed by less churn.
With a couple of dozen months only strong relations are significant; a correlation is not a cause.

Examples:
  $ retain model nps-growth
  $ retain model nps-growth --months 36 --max-lag 3 --format json`,
    )
    .action(async (o: { db?: string; months: number; maxLag: number; format: 'table' | 'json' | 'csv' }) => {
      const result = await withWorkspace(o, (wh) => npsGrowth(wh, { months: o.months, maxLag: o.maxLag }), true);
      if (o.format === 'json') return printJson(result);
      if (o.format === 'table') {
        const known = result.nps.filter((p) => p.value !== null).length;
        process.stdout.write(`Monthly NPS ${result.from} – ${result.to}: ${known} of ${result.nps.length} months with answers.\n`);
        for (const u of result.unavailable) process.stdout.write(`${u.outcome}: unavailable. ${u.note ?? ''}\n`);
      }
      const fixed = (v: number | null, k: number) => (v === null ? null : Number(v.toFixed(k)));
      printRows(
        ['outcome', 'lag_months', 'n', 'r', 'p', 'significant'],
        result.correlations.map((c) => ({ outcome: c.outcome, lag_months: c.lag, n: c.n, r: fixed(c.r, 3), p: fixed(c.p, 4), significant: c.significant === null ? null : c.significant ? 'yes' : 'no' })),
        o.format,
      );
    });
  return formatOption(dbOption(cmd), ['table', 'json', 'csv']);
}
