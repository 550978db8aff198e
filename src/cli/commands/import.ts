import { Command, Option } from 'commander';
import type { ImportSummary } from '../../warehouse/import/import.js';
import { importInto } from '../../warehouse/import/via-staging.js';
import { INPUT_FORMATS, type InputFormat } from '../../warehouse/import/source.js';
import { TABLE_NAMES } from '../../warehouse/schema/tables.js';
import { collect, dbOption, formatOption, printJson, withWorkspace } from '../common.js';
import { progressBar } from '../progress.js';
import { addPresetOptions, presetFile, runPresetImport, type PresetOpts } from './import-preset.js';

export function importCommand(): Command {
  const cmd = new Command('import')
    .description('Import a CSV, JSON-lines or Parquet file into a canonical table (validated, idempotent, all or nothing).')
    .argument('<table>', `one of: ${TABLE_NAMES.join(', ')} (or, with --preset or a recognised export, the file)`)
    .argument('[file]', 'the file (.csv/.tsv/.txt, .jsonl/.ndjson, .parquet; .gz compressed CSV too)')
    .option('--map <source=canonical>', 'a source column holding a canonical field (repeatable)', collect, [])
    .addOption(new Option('--input-format <format>', 'file format when the extension does not tell').choices([...INPUT_FORMATS]))
    .option('--delimiter <char>', 'CSV delimiter (default: detected from the header: , ; tab or |)')
    .option('--strict', 'exit with code 1 when any row was quarantined')
    .addHelpText(
      'after',
      `
Rows that fail validation go to the quarantine with their row number and every reason; rows whose
key already exists are skipped as duplicates. read = accepted + duplicates + quarantined, always.
Orphans are accepted rows that reference a customer or order the workspace does not know yet.

Examples:
  $ retain import customers customers.csv
  $ retain import orders orders.csv --format json
  $ retain import orders export.csv --map "Order Number=order_id" --map "Total=amount"
  $ retain import survey_responses answers.jsonl --strict
  $ retain import --preset shopify-orders orders_export.csv
  $ retain import export.csv                       (a preset recognised from the header)`,
    )
    .action(async (table: string, file: string | undefined, o: ImportOpts) => {
      // A preset names the tables itself: the one argument is the file.
      if (o.preset || file === undefined) return runPresetImport(presetFile(table, file, o.preset), o, renderSummary);
      const bar = progressBar();
      const summary = await withWorkspace(o, (wh) =>
        importInto(wh, {
          table,
          file,
          map: o.map,
          format: o.inputFormat,
          delimiter: o.delimiter === '\\t' ? '\t' : o.delimiter,
          onProgress: (phase, p) => bar.update(`${table}: ${phase}`, p.percent),
        }),
      ).finally(() => bar.done());
      if (o.format === 'json') printJson(summary);
      else process.stdout.write(renderSummary(summary) + '\n');
      if (o.strict && summary.quarantined > 0) process.exitCode = 1;
    });
  return formatOption(dbOption(addPresetOptions(cmd)), ['table', 'json']);
}

interface ImportOpts extends PresetOpts {
  db?: string;
  map: string[];
  inputFormat?: InputFormat;
  delimiter?: string;
  strict?: boolean;
  format: 'table' | 'json';
}

export function renderSummary(s: ImportSummary): string {
  const n = (x: number) => x.toLocaleString('en-US').padStart(12);
  const lines = [
    `${s.table} ← ${s.file}  (${s.seconds.toFixed(2)} s)`,
    `  read        ${n(s.read)}`,
    `  accepted    ${n(s.accepted)}`,
    `  duplicates  ${n(s.duplicates)}${s.duplicates ? '   keys already in the workspace or repeated in the file' : ''}`,
    `  quarantined ${n(s.quarantined)}${s.quarantined ? `   see: retain quarantine list --table ${s.table}` : ''}`,
  ];
  if (s.orphans) lines.push(`  orphans     ${n(s.orphans)}   accepted, but reference customers or orders not imported yet`);
  return lines.join('\n');
}
