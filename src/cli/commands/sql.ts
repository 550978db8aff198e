import { Command } from 'commander';
import { dbOption, formatOption, withWorkspace } from '../common.js';
import { printRows } from '../output.js';

export function sqlCommand(): Command {
  const cmd = new Command('sql')
    .description('Run a read-only SQL query over the workspace (the workspace is opened read-only).')
    .argument('<query>', 'one SELECT statement')
    .addHelpText(
      'after',
      `
Tables: the canonical tables (customers, orders, …) plus _imports and _quarantine.
Money columns are in the row's currency; _rate converts to the reporting currency. _import_id is
the import that stored the row (see retain imports).

Examples:
  $ retain sql "SELECT status, count(*) FROM orders GROUP BY ALL"
  $ retain sql "SELECT * FROM _imports ORDER BY import_id DESC LIMIT 5" --format json
  $ retain sql "SELECT customer_id, sum(amount * _rate) AS revenue FROM orders GROUP BY 1" --format csv > revenue.csv`,
    )
    .action(async (query: string, o: { db?: string; format: 'table' | 'json' | 'csv' }) => {
      const { columns, rows } = await withWorkspace(o, (wh) => wh.queryReadOnly(query), true);
      printRows(columns, rows, o.format);
    });
  return formatOption(dbOption(cmd), ['table', 'json', 'csv']);
}
