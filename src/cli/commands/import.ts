import { existsSync } from 'node:fs';
import { Command, Option } from 'commander';
import type { ImportMode, ImportOptions, ImportSummary } from '../../warehouse/import/import.js';
import { workspacePath } from '../../warehouse/open.js';
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
    .addOption(new Option('--mode <mode>', 'insert: a stored key makes a row a duplicate; upsert: a changed row replaces the stored one').choices(['insert', 'upsert']).default('insert'))
    .option('--strict', 'exit with code 1 when any row was quarantined')
    // How the file writes values and where its other columns go (nothing is guessed without these).
    .option('--date-format <strftime>', 'timestamps and dates as the file writes them, e.g. %m/%d/%Y or "%d.%m.%Y %H:%M" (ISO 8601 is still read)')
    .option('--decimal-comma', 'money and decimals with a decimal comma (12,50)')
    .option('--thousands <sep>', 'thousands separator of money and decimals: , (1,234.50), or . or " " with --decimal-comma')
    .option('--strip-currency', 'drop a currency sign or code around money ($12.50, € 12,50, 12.50 USD)')
    .option('--timezone <Area/City>', 'time zone of timestamps without an offset (default: the workspace time zone)')
    .option('--normalize-ids', 'store identifiers written as decimals by spreadsheets (17850.0) as whole numbers (17850)')
    .option('--extra-attributes', 'keep every column no field takes in the attributes JSON (customers)')
    .option('--dry-run', 'read and check the file, show the mapping and what would be accepted and rejected; write nothing')
    .addHelpText(
      'after',
      `
Rows that fail validation go to the quarantine with their row number and every reason; rows whose
key already exists are skipped as duplicates. With --mode upsert a row whose key exists and whose
values differ replaces the stored row instead (updated; an identical row is still a duplicate), and
of rows repeating a key within the file the last one wins (in insert mode, the first). Tables kept
as the latest snapshot (social_posts) are always imported so.
read = accepted + updated + duplicates + quarantined, always. Every import can be undone:
retain imports lists them, retain imports undo ID takes one back.
Orphans are accepted rows that reference a customer or order the workspace does not know yet.

Examples:
  $ retain import customers customers.csv
  $ retain import orders orders.csv --format json
  $ retain import orders export.csv --map "Order Number=order_id" --map "Total=amount"
  $ retain import orders corrected.csv --mode upsert
  $ retain import survey_responses answers.jsonl --strict
  $ retain import customers crm.csv --map "Segment=attributes.segment" --dry-run
  $ retain import orders export.csv --date-format %m/%d/%Y --decimal-comma --strip-currency --normalize-ids
  $ retain import orders shop.csv --thousands , --timezone America/New_York
  $ retain import --preset shopify-orders orders_export.csv
  $ retain import export.csv                       (a preset recognised from the header)`,
    )
    .action(async (table: string, file: string | undefined, o: ImportOpts) => {
      // A dry run on a workspace that does not exist yet checks in memory: it leaves no file behind.
      const fresh = o.dryRun && !(o.engine ?? process.env.RETAIN_ENGINE ?? '').startsWith('clickhouse') && !existsSync(workspacePath(o.db));
      const ws = fresh ? { ...o, db: ':memory:' } : o;
      // A preset names the tables itself: the one argument is the file.
      if (o.preset || file === undefined) return runPresetImport(presetFile(table, file, o.preset), ws, renderSummary);
      const bar = progressBar();
      const summary = await withWorkspace(ws, (wh) =>
        importInto(wh, {
          table,
          file,
          map: o.map,
          format: o.inputFormat,
          delimiter: o.delimiter === '\\t' ? '\t' : o.delimiter,
          mode: o.mode,
          onProgress: (phase, p) => bar.update(`${table}: ${phase}`, p.percent),
          ...formatOptions(o),
        }),
      ).finally(() => bar.done());
      // Warnings go to the terminal whatever the format; JSON also carries them.
      for (const w of summary.warnings) process.stderr.write(`warning: ${w}\n`);
      if (o.format === 'json') printJson(summary);
      else process.stdout.write(renderSummary(summary) + '\n');
      if (o.strict && summary.quarantined > 0) process.exitCode = 1;
    });
  return formatOption(dbOption(addPresetOptions(cmd)), ['table', 'json']);
}

/** The format, mapping and dry-run options, as importInto takes them. */
function formatOptions(o: ImportOpts): Partial<ImportOptions> {
  return {
    dateFormat: o.dateFormat,
    decimalComma: o.decimalComma,
    thousands: o.thousands,
    stripCurrency: o.stripCurrency,
    timezone: o.timezone,
    normalizeIds: o.normalizeIds,
    extraAttributes: o.extraAttributes,
    dryRun: o.dryRun,
  };
}

interface ImportOpts extends PresetOpts {
  db?: string;
  engine?: string;
  dateFormat?: string;
  decimalComma?: boolean;
  thousands?: string;
  stripCurrency?: boolean;
  timezone?: string;
  normalizeIds?: boolean;
  extraAttributes?: boolean;
  dryRun?: boolean;
  map: string[];
  inputFormat?: InputFormat;
  delimiter?: string;
  mode: ImportMode;
  strict?: boolean;
  format: 'table' | 'json';
}

/** One table's import summary; `dryRun` for a table of a preset's dry run (which has no report of its own). */
export function renderSummary(s: ImportSummary, dryRun = s.dryRun !== undefined): string {
  const n = (x: number) => x.toLocaleString('en-US').padStart(12);
  const lines = [
    `${s.table} ← ${s.file}  (${dryRun ? 'dry run: nothing was written' : `import ${s.importId}`}, ${s.seconds.toFixed(2)} s)`,
    ...(s.dryRun ? renderDryRun(s, s.dryRun) : []),
    `  read        ${n(s.read)}`,
    `  accepted    ${n(s.accepted)}${dryRun ? '   would be' : ''}`,
    `  updated     ${n(s.updated)}${s.updated && !dryRun ? `   stored rows replaced (undo: retain imports undo ${s.importId})` : ''}`,
    `  duplicates  ${n(s.duplicates)}${s.duplicates ? '   keys already in the workspace or repeated in the file' : ''}`,
    `  quarantined ${n(s.quarantined)}${s.quarantined && !dryRun ? `   see: retain quarantine list --table ${s.table}` : ''}`,
  ];
  if (s.orphans) lines.push(`  orphans     ${n(s.orphans)}   accepted, but reference customers or orders not imported yet`);
  if (s.timezone) lines.push(`  timestamps without an offset read in ${s.timezone} (--timezone to change)`);
  if (s.unmapped.length && !s.dryRun) lines.push(`  unmapped    ${s.unmapped.join(', ')}`);
  if (s.dryRun?.reasons.length) {
    lines.push('  first reasons:');
    for (const r of s.dryRun.reasons) lines.push(`    record ${r.record}: ${r.reasons.join('; ')}`);
  }
  return lines.join('\n');
}

/** How a dry run read the file: each column's field, the delimiter and date format. */
function renderDryRun(s: ImportSummary, r: NonNullable<ImportSummary['dryRun']>): string[] {
  const width = Math.max(0, ...[...Object.keys(r.mapping), ...s.unmapped].map((c) => c.length));
  // The presets part adds the preset the file was read with here.
  return [
    '  mapping:',
    ...Object.entries(r.mapping).map(([c, f]) => `    ${c.padEnd(width)} → ${f}`),
    ...s.unmapped.map((c) => `    ${c.padEnd(width)} → (unmapped)`),
    ...(r.delimiter ? [`  delimiter   ${JSON.stringify(r.delimiter)}`] : []),
    ...(r.dateFormat ? [`  date format ${r.dateFormat}`] : []),
  ];
}
