import { Command } from 'commander';
import { rfmSegments } from '../../models/segments.js';
import { dbOption, formatOption, isoDate, printJson, withWorkspace } from '../common.js';
import { printRows } from '../output.js';

export function modelCommand(): Command {
  const cmd = new Command('model').description('Customer models: RFM segments, BG/NBD, Pareto/NBD and Gamma-Gamma fits, and their validation.');
  cmd.addCommand(rfmCommand());
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
