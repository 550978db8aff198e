import { Command } from 'commander';
import { listImports, undoImport, type LoggedImport } from '../../warehouse/import/imports-log.js';
import { dbOption, formatOption, positiveInt, printJson, withWorkspace } from '../common.js';
import { printRows } from '../output.js';

export function importsCommand(): Command {
  const cmd = new Command('imports')
    .description('List past imports (with their counts and whether undone); undo one.')
    .addHelpText(
      'after',
      `
Each import has an id (shown by retain import). Undo removes exactly the rows that import stored,
puts back the rows its upserts replaced and removes the quarantine records it added, in one
transaction. An import whose rows a later import has replaced is undone after that one. Rows a
later import skipped as duplicates of the undone rows are not brought back: import that file again.

Examples:
  $ retain imports
  $ retain imports list --format json
  $ retain imports undo 7`,
    )
  const list = new Command('list')
    .description('List past imports: id, when, table, file, mode, counts, and when undone (the default).')
    .action(async (o: { db?: string; format: 'table' | 'json' | 'csv' }) => {
      const rows = await withWorkspace(o, listImports);
      if (o.format === 'json') return printJson(rows);
      printRows(COLUMNS, rows.map(flat), o.format);
    });
  // The default subcommand, so that `retain imports` lists; the workspace options belong to the
  // subcommands (a parent's --db would take the subcommand's).
  cmd.addCommand(formatOption(dbOption(list), ['table', 'json', 'csv']).exitOverride(), { isDefault: true });

  const undo = new Command('undo')
    .description('Undo one import: remove the rows it stored, restore the rows it replaced.')
    .argument('<id>', 'the import id (see retain imports)', positiveInt('The import id'))
    .action(async (id: number, o: { db?: string; format: 'table' | 'json' }) => {
      const s = await withWorkspace(o, (wh) => undoImport(wh, id));
      if (o.format === 'json') return printJson(s);
      process.stdout.write(
        `Import ${s.importId} (${s.table}) undone: ${s.removed} rows removed, ${s.restored} replaced rows restored, ${s.unquarantined} quarantine records removed.\n`,
      );
    });
  cmd.addCommand(formatOption(dbOption(undo), ['table', 'json']).exitOverride());
  return cmd;
}

const COLUMNS = ['id', 'at', 'table', 'file', 'mode', 'read', 'accepted', 'updated', 'duplicates', 'quarantined', 'undone'];

const flat = (i: LoggedImport) => ({ ...i, mode: i.mode ?? '', undone: i.undoneAt ?? '' });
