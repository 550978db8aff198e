import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import type { ImportSummary } from '../../warehouse/import/import.js';
import { importInto } from '../../warehouse/import/via-staging.js';
import { UsageError } from '../../warehouse/errors.js';
import { dbOption, formatOption, positiveInt, printJson, withWorkspace } from '../common.js';
import { printRows } from '../output.js';
import { progressBar } from '../progress.js';

export function demoCommand(): Command {
  const cmd = new Command('demo')
    .description('Fill the workspace with a realistic, seeded demo history (every table), through the normal import.')
    .option('--customers <n>', 'customers to simulate', positiveInt('--customers'), 5000)
    .option('--months <m>', 'months of history, ending today', positiveInt('--months'), 24)
    .option('--seed <s>', 'random seed (same seed, same data)', positiveInt('--seed'), 42)
    .option('--end <date>', 'the history ends before this date (YYYY-MM-DD; default: today)', isoDate)
    .addHelpText(
      'after',
      `
The demo files are written to a temporary folder, imported like your own files would be, and
removed. Running it again with the same seed changes nothing (every row is a duplicate).

Examples:
  $ retain demo
  $ retain demo --db demo.duckdb --customers 100000 --months 36 --seed 7
  $ retain demo --end 2025-01-01          # the same data whatever day it is run`,
    )
    .action(async (o: { db?: string; customers: number; months: number; seed: number; end?: Date; format: 'table' | 'json' }) => {
      // Loaded on demand: the generator is only needed by this command.
      const { writeDemoFiles } = await import('../../demo/generate.js');
      const dir = await mkdtemp(join(tmpdir(), 'retain-demo-'));
      const bar = progressBar();
      try {
        const files = await writeDemoFiles(dir, { customers: o.customers, months: o.months, seed: o.seed, end: o.end }, (done: number, total: number) =>
          bar.update('generating', (100 * done) / total),
        );
        const summaries: ImportSummary[] = [];
        await withWorkspace(o, async (wh) => {
          for (const f of files) {
            const s = await importInto(wh, { table: f.table, file: f.file, onProgress: (phase, p) => bar.update(`${f.table}: ${phase}`, p.percent) });
            bar.done();
            summaries.push({ ...s, file: `demo/${f.table}.csv` });
          }
        });
        if (o.format === 'json') printJson(summaries);
        else {
          const cols = ['table', 'read', 'accepted', 'duplicates', 'quarantined', 'orphans', 'seconds'] as const;
          printRows([...cols], summaries.map((s) => Object.fromEntries(cols.map((c) => [c, s[c]]))), 'table');
        }
      } finally {
        bar.done();
        await rm(dir, { recursive: true, force: true });
      }
    });
  return formatOption(dbOption(cmd), ['table', 'json']);
}

function isoDate(v: string): Date {
  const d = /^\d{4}-\d{2}-\d{2}$/.test(v) ? new Date(`${v}T00:00:00Z`) : new Date(NaN);
  if (Number.isNaN(d.getTime()) || d.getTime() > Date.now()) {
    throw new UsageError('bad-option', `--end must be a past date as YYYY-MM-DD; got "${v}".`);
  }
  return d;
}
