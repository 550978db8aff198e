import { Command } from 'commander';
import { workspaceStatus } from '../../warehouse/status.js';
import { dbOption, formatOption, printJson, withWorkspace } from '../common.js';
import { printRows } from '../output.js';

export function statusCommand(): Command {
  const cmd = new Command('status')
    .description('Rows per table, quarantined rows, and the workspace location.')
    .addHelpText('after', '\nExamples:\n  $ retain status\n  $ retain status --format json')
    .action(async (o: { db?: string; format: 'table' | 'json' }) => {
      // Read-only: status shows a workspace and creates none, and skips the schema upkeep a
      // writer does on open (measured on a busy machine: 0.15 s to open for writing, 0.05–0.13 s read-only).
      const result = await withWorkspace(o, workspaceStatus, true);
      if (o.format === 'json') return printJson(result);
      process.stdout.write(`workspace ${result.workspace}\n`);
      printRows(['table', 'rows', 'quarantined'], result.tables, 'table');
    });
  return formatOption(dbOption(cmd), ['table', 'json']);
}
