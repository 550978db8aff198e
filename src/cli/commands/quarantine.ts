import { writeFile } from 'node:fs/promises';
import { Command } from 'commander';
import { exportQuarantine, listQuarantine } from '../../warehouse/import/quarantine.js';
import { retryInto } from '../../warehouse/import/via-staging.js';
import { dbOption, formatOption, positiveInt, printJson, withWorkspace } from '../common.js';
import { printRows, toCsv } from '../output.js';
import { renderSummary } from './import.js';

export function quarantineCommand(): Command {
  const cmd = new Command('quarantine').description('Rows rejected at import: list them, export them to fix, retry them.');
  cmd.addHelpText(
    'after',
    `
Examples:
  $ retain quarantine list --table orders
  $ retain quarantine export --table orders --out bad_orders.csv   # fix, then: retain import orders bad_orders.csv
  (row is a record's number in its file, line the line an editor shows it on; a record leaves
  the quarantine once a row of its key is stored, by any import)
  $ retain import fx_rates rates.csv && retain quarantine retry    # after adding missing FX rates or customers`,
  );

  const list = new Command('list')
    .description('List open quarantined rows with their file, record number, file line and reasons.')
    .option('--table <table>', 'only this table')
    .option('--limit <n>', 'at most this many rows', positiveInt('--limit'), 100)
    .action(async (o: { db?: string; table?: string; limit: number; format: 'table' | 'json' | 'csv' }) => {
      const rows = await withWorkspace(o, (wh) => listQuarantine(wh, o), true);
      if (o.format === 'json') return printJson(rows);
      // row: the record's number in its file; line: where an editor shows it (after blank lines and quoted line breaks).
      const flat = rows.map((r) => ({ table: r.table, file: r.file, row: r.row, line: r.line ?? '', reasons: r.reasons.join('; '), record: r.raw }));
      printRows(['table', 'file', 'row', 'line', 'reasons', 'record'], flat, o.format);
    });
  cmd.addCommand(formatOption(dbOption(list), ['table', 'json', 'csv']).exitOverride());

  const exp = new Command('export')
    .description('Write one table\'s quarantined rows as CSV (canonical columns first), ready to correct and import again.')
    .requiredOption('--table <table>', 'the table')
    .option('--out <file>', 'write to this file instead of standard output')
    .action(async (o: { db?: string; table: string; out?: string }) => {
      const { columns, rows } = await withWorkspace(o, (wh) => exportQuarantine(wh, o.table), true);
      const csv = toCsv(columns, rows);
      if (o.out) {
        await writeFile(o.out, csv);
        process.stderr.write(`${rows.length} rows written to ${o.out}\n`);
      } else process.stdout.write(csv);
    });
  cmd.addCommand(dbOption(exp).exitOverride());

  const retry = new Command('retry')
    .description('Validate quarantined rows again; those that now pass move into their table.')
    .option('--table <table>', 'only this table')
    .action(async (o: { db?: string; table?: string; format: 'table' | 'json' }) => {
      const summaries = await withWorkspace(o, (wh) => retryInto(wh, o.table));
      if (o.format === 'json') return printJson(summaries);
      if (!summaries.length) process.stdout.write('The quarantine is empty.\n');
      for (const s of summaries) process.stdout.write(renderSummary(s) + '\n');
    });
  cmd.addCommand(formatOption(dbOption(retry), ['table', 'json']).exitOverride());
  return cmd;
}
