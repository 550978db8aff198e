/**
 * A preset import: the file is read once into staged lines (numbered, with why a record is broken
 * as a whole); each target table's rows are computed from them by the preset's SQL and checked by
 * the same validation as any import, into temp tables, before any write. Then — in one
 * transaction — every target is stored in turn (customers before the orders that reference them)
 * through the same writes as a file import, so a crash leaves none of them.
 * Per target: read = accepted + duplicates + quarantined; lines a filter skips are counted apart.
 */
import { UsageError } from '../../errors.js';
import { faultPoint } from '../../fault.js';
import { getSettings } from '../../schema/settings.js';
import { tableDef } from '../../schema/tables.js';
import { isTimeZone } from '../../schema/time-zone.js';
import type { Warehouse } from '../../warehouse.js';
import { addFx, CHECKED, importMode, logImport, NUMBERED, nextImportId, storeChecked, type ImportMode, type ImportSummary } from '../import.js';
import { describeSource } from '../source.js';
import { checkQuery } from '../validate-sql.js';
import { Compiler, fieldText, missingColumns, missingColumnsError } from './compile.js';
import { detectPreset, presetByName } from './index.js';
import type { Preset } from './preset.js';

export interface PresetImportOptions {
  file: string;
  /** The preset's name; detected from the file's header when absent. */
  preset?: string;
  /** The zone of timestamps written without an offset (default: the workspace time zone). */
  timezone?: string;
  delimiter?: string;
  /** insert (default) or upsert: as for a file import, per target table. */
  mode?: ImportMode;
  /** Check and count exactly as the import would, then roll back: nothing is written. */
  dryRun?: boolean;
}

/** Thrown inside a dry run's transaction to roll it back, carrying what the import would report. */
class DryRunDone {
  constructor(readonly tables: ImportSummary[]) {}
}

/** Lines a preset did not turn into rows of some tables, and why (one entry for tables that skip the same lines). */
export interface Skipped {
  reason: string;
  lines: number;
  tables: string[];
}

export interface PresetImportSummary {
  preset: string;
  title: string;
  /** Whether the preset was recognised from the header rather than named. */
  detected: boolean;
  file: string;
  /** Records read from the file (its lines after the header). */
  lines: number;
  tables: ImportSummary[];
  skipped: Skipped[];
  seconds: number;
  /** With --dry-run: nothing was written; the counts are what the import would report. */
  dryRun?: boolean;
}

const LINES = '_preset_lines';
const checkedOf = (table: string) => `_preset_chk_${table}`;

export async function importPreset(wh: Warehouse, opts: PresetImportOptions): Promise<PresetImportSummary> {
  const started = performance.now();
  if (wh.staging) {
    throw new UsageError(
      'not-supported',
      'Preset imports write into an embedded (DuckDB) workspace for now.',
      'Import the preset into a local workspace, or convert the file with it and import the tables one by one.',
    );
  }
  const src = await describeSource(opts.file, { format: 'csv', ...(opts.delimiter ? { delimiter: opts.delimiter } : {}) });
  const preset = opts.preset ? presetByName(opts.preset) : detectPreset(src.columns);
  if (!preset) {
    throw new UsageError(
      'no-table',
      `Name the table to import ${opts.file} into, or a preset: its columns match no preset.`,
      `Its columns: ${src.columns.join(', ')}. Run retain import --help for the tables and presets.`,
    );
  }
  const missing = missingColumns(preset, src.columns);
  if (missing.length) throw missingColumnsError(preset, opts.file, missing, src.columns);
  const settings = await getSettings(wh);
  const timezone = zoneOf(preset, opts.timezone, settings.timezone);
  const d = wh.dialect;
  const compiler = new Compiler({ d, columns: src.columns, timezone });

  await dropPresetTables(wh, preset);
  try {
    const { malformed } = await wh.loadChecked(
      src,
      // Every line may become part of a quarantined row, so every line is numbered (a non-NULL _raw
      // asks the engine for its file line, `_line`; the engine's own columns pass through).
      (staged) =>
        `SELECT ${[...staged.keep, ...staged.columns.map((_, i) => `c${i}`)].join(', ')}, ${staged.recordError ?? d.nullText} AS _err, '' AS _raw FROM ${staged.table}`,
      LINES,
    );
    const skipped: Skipped[] = [];
    for (const target of preset.targets) {
      const t = tableDef(target.table);
      const rows = target.parts.map((p) => compiler.part(t, p, LINES)).join('\nUNION ALL\n');
      const fields = t.fields.map((f) => f.name);
      // The verbatim copy holds the canonical fields as the preset read them, so a quarantined
      // row can be exported, corrected and imported into its table (or retried) without the preset.
      const raw = d.jsonObject(fields.map((f) => [f, d.ident(fieldText(f))]));
      const check = checkQuery(d, t, `(${rows}) s`, (f) => d.ident(fieldText(f)), raw, {
        currency: settings.currency,
        recordError: '_err',
        fileExpr: d.str(opts.file),
        rowColumn: true,
        keep: ['_line'],
        hints: false,
      });
      await wh.exec(`CREATE TEMP TABLE ${checkedOf(t.name)} AS ${check}`);
      for (const p of target.parts) {
        for (const s of compiler.skips(p, LINES)) {
          const [r] = await wh.query(s.sql);
          const n = Number(r?.n ?? 0);
          const same = skipped.find((k) => k.reason === s.reason && k.lines === n);
          if (same) same.tables.push(t.name);
          else if (n > 0) skipped.push({ reason: s.reason, lines: n, tables: [t.name] });
        }
      }
    }
    const [l] = await wh.query(`SELECT count(*) AS n FROM ${LINES}`);
    const lines = Number(l?.n ?? 0) + malformed.length;

    const tables = await wh.transaction(async () => {
      const out: ImportSummary[] = [];
      for (const [i, target] of preset.targets.entries()) {
        const t = tableDef(target.table);
        const tableStarted = performance.now();
        await wh.exec(`CREATE TEMP VIEW ${NUMBERED} AS SELECT * FROM ${checkedOf(t.name)}`);
        await addFx(wh, t, settings.currency);
        const importId = await nextImportId(wh);
        // Records the reader could not split at all belong to no table in particular: the first target's quarantine holds them.
        const mode = importMode(t, opts.mode);
        const counts = await storeChecked(wh, t, importId, { file: opts.file, records: i === 0 ? malformed : [] }, true, mode);
        const summary: ImportSummary = { importId, table: t.name, file: opts.file, ...counts, seconds: 0, unmapped: [], warnings: [], preset: preset.name };
        summary.seconds = Math.round(performance.now() - tableStarted) / 1000;
        await logImport(wh, importId, summary, `preset:${preset.name}`, mode);
        await wh.exec(`DROP VIEW ${CHECKED}`);
        await wh.exec(`DROP VIEW ${NUMBERED}`);
        out.push(summary);
      }
      if (opts.dryRun) throw new DryRunDone(out);
      faultPoint('kill-before-commit');
      return out;
    }).catch((e: unknown) => {
      if (e instanceof DryRunDone) return e.tables;
      throw e;
    });
    return {
      preset: preset.name,
      title: preset.title,
      detected: !opts.preset,
      file: opts.file,
      lines,
      tables,
      skipped,
      seconds: Math.round(performance.now() - started) / 1000,
      ...(opts.dryRun ? { dryRun: true } : {}),
    };
  } finally {
    await dropPresetTables(wh, preset).catch(() => undefined);
  }
}

async function dropPresetTables(wh: Warehouse, preset: Preset): Promise<void> {
  await wh.exec(`DROP VIEW IF EXISTS ${CHECKED}`);
  await wh.exec(`DROP VIEW IF EXISTS ${NUMBERED}`);
  for (const t of preset.targets) await wh.exec(`DROP TABLE IF EXISTS ${checkedOf(t.table)}`);
  await wh.dropLoad(LINES);
}

/** The zone of wall times: the option, else the workspace's; a preset may insist on the option. */
function zoneOf(preset: Preset, option: string | undefined, workspace: string): string {
  if (!option && preset.requires?.includes('timezone')) {
    throw new UsageError(
      'missing-timezone',
      `The ${preset.name} preset needs --timezone: its export writes times in the account's time zone without an offset.`,
      'Name the zone the account is set to, e.g. --timezone Europe/Berlin (see docs/presets/' + preset.name + '.md).',
    );
  }
  const zone = option ?? workspace;
  if (!isTimeZone(zone)) {
    throw new UsageError('bad-timezone', `--timezone ${zone}: not a time zone name.`, 'Use an IANA name such as UTC, Europe/Berlin or America/New_York.');
  }
  return zone;
}
