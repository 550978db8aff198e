/**
 * The preset path of `retain import`: `retain import --preset NAME FILE`, or `retain import FILE`
 * with the preset recognised from the file's header. Kept apart from import.ts, which calls it.
 */
import type { Command } from 'commander';
import { PRESET_NAMES } from '../../warehouse/import/presets/index.js';
import { importPreset, type PresetImportSummary } from '../../warehouse/import/presets/run.js';
import { printJson, withWorkspace, type WorkspaceOptions } from '../common.js';
import { UsageError } from '../../warehouse/errors.js';
import type { ImportSummary } from '../../warehouse/import/import.js';
import { isTableName } from '../../warehouse/schema/tables.js';

/** How one table's summary is rendered (import.ts's renderSummary, passed in: import.ts calls this file). */
type RenderTable = (s: ImportSummary) => string;

export interface PresetOpts extends WorkspaceOptions {
  preset?: string;
  timezone?: string;
  delimiter?: string;
  strict?: boolean;
  format: 'table' | 'json';
}

export function addPresetOptions(cmd: Command): Command {
  return cmd
    .option('--preset <name>', `read a vendor export: ${PRESET_NAMES.join(', ')} (no table needed; detected from the header when neither is named)`)
    .option('--timezone <zone>', 'time zone of timestamps written without an offset (default: the workspace time zone)');
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
  const summary = await withWorkspace(o, (wh) =>
    importPreset(wh, {
      file,
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
    `${s.lines.toLocaleString('en-US')} lines of ${s.file}  (${s.seconds.toFixed(2)} s)`,
  ];
  for (const t of s.tables) lines.push('', renderTable(t));
  if (s.skipped.length) {
    lines.push('', 'skipped');
    for (const k of s.skipped) lines.push(`  ${k.lines.toLocaleString('en-US').padStart(12)}   ${k.reason} (${k.tables.join(', ')})`);
  }
  return lines.join('\n');
}
