/**
 * The preset path of `retain import`: `retain import --preset NAME FILE`, or `retain import FILE`
 * with the preset recognised from the file's header. Kept apart from import.ts, which calls it.
 */
import type { Command } from 'commander';
import { PRESET_NAMES } from '../../warehouse/import/presets/index.js';
import { importPreset, type PresetImportSummary } from '../../warehouse/import/presets/run.js';
import { printJson, withWorkspace, type WorkspaceOptions } from '../common.js';
import { UsageError } from '../../warehouse/errors.js';
import type { ImportMode, ImportSummary } from '../../warehouse/import/import.js';
import { isTableName } from '../../warehouse/schema/tables.js';

/** How one table's summary is rendered (import.ts's renderSummary, passed in: import.ts calls this file). */
type RenderTable = (s: ImportSummary, dryRun: boolean) => string;

export interface PresetOpts extends WorkspaceOptions {
  preset?: string;
  timezone?: string;
  delimiter?: string;
  mode?: ImportMode;
  dryRun?: boolean;
  strict?: boolean;
  format: 'table' | 'json';
  map?: string[];
}

/** Options of a file import that a preset decides itself (its mapping, how its vendor writes values). */
const NOT_FOR_PRESETS: readonly [keyof Record<string, unknown>, string][] = [
  ['dateFormat', '--date-format'],
  ['decimalComma', '--decimal-comma'],
  ['thousands', '--thousands'],
  ['stripCurrency', '--strip-currency'],
  ['normalizeIds', '--normalize-ids'],
  ['extraAttributes', '--extra-attributes'],
  ['inputFormat', '--input-format'],
];

export function addPresetOptions(cmd: Command): Command {
  return cmd
    .option('--preset <name>', `read a vendor export: ${PRESET_NAMES.join(', ')} (no table needed; detected from the header when neither is named)`);
}

/**
 * The file of a preset import from import's arguments (`<table> [file]`): the one argument given.
 * A table alone is a file forgotten; a table beside --preset is one too many.
 */
export function presetFile(first: string, second: string | undefined, preset: string | undefined): string {
  if (second === undefined && !preset && isTableName(first)) {
    throw new UsageError('missing-file', `retain import ${first}: name the file to import.`, `Example: retain import ${first} ${first}.csv`);
  }
  if (second !== undefined) {
    throw new UsageError('bad-arguments', `--preset ${preset} names the tables itself: name only the file.`, `Example: retain import --preset ${preset} ${second}`);
  }
  return first;
}

export async function runPresetImport(file: string, o: PresetOpts, renderTable: RenderTable): Promise<void> {
  const given = [...NOT_FOR_PRESETS.filter(([k]) => (o as unknown as Record<string, unknown>)[k] !== undefined).map(([, flag]) => flag), ...(o.map?.length ? ['--map'] : [])];
  if (given.length) {
    throw new UsageError(
      'not-for-presets',
      `${given.join(', ')}: a preset reads its vendor's export as that vendor writes it, so it takes no mapping or value formats.`,
      `Drop ${given.length > 1 ? 'them' : 'it'}, or import the file into one table without --preset: retain import <table> ${file} ${given[0]} …`,
    );
  }
  const summary = await withWorkspace(o, (wh) =>
    importPreset(wh, {
      file,
      ...(o.mode ? { mode: o.mode } : {}),
      ...(o.dryRun ? { dryRun: true } : {}),
      ...(o.preset ? { preset: o.preset } : {}),
      ...(o.timezone ? { timezone: o.timezone } : {}),
      ...(o.delimiter ? { delimiter: o.delimiter === '\\t' ? '\t' : o.delimiter } : {}),
    }),
  );
  if (o.format === 'json') printJson(summary);
  else process.stdout.write(renderPresetSummary(summary, renderTable) + '\n');
  if (o.strict && summary.tables.some((t) => t.quarantined > 0)) process.exitCode = 1;
}

export function renderPresetSummary(s: PresetImportSummary, renderTable: RenderTable): string {
  const lines = [
    `preset ${s.preset}${s.detected ? ' (recognised from the header)' : ''} — ${s.title}`,
    `${s.lines.toLocaleString('en-US')} lines of ${s.file}  (${s.seconds.toFixed(2)} s)${s.dryRun ? '  dry run: nothing was written' : ''}`,
  ];
  for (const t of s.tables) lines.push('', renderTable(t, s.dryRun ?? false));
  if (s.skipped.length) {
    lines.push('', 'skipped');
    for (const k of s.skipped) lines.push(`  ${k.lines.toLocaleString('en-US').padStart(12)}   ${k.reason} (${k.tables.join(', ')})`);
  }
  return lines.join('\n');
}
