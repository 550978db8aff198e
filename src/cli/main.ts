/**
 * The `retain` command line. Each command lives in commands/; this file wires them up and turns
 * errors into messages and exit codes: 0 done, 1 failed (or --strict found rejects), 2 usage.
 */
import { Command, CommanderError } from 'commander';
import { RetainError, UsageError } from '../warehouse/errors.js';
import { configCommand } from './commands/config.js';
import { customersCommand } from './commands/customers.js';
import { demoCommand } from './commands/demo.js';
import { importCommand } from './commands/import.js';
import { importsCommand } from './commands/imports.js';
import { metricsCommand } from './commands/metrics.js';
import { modelCommand } from './commands/model.js';
import { quarantineCommand } from './commands/quarantine.js';
import { reportCommand } from './commands/report.js';
import { sqlCommand } from './commands/sql.js';
import { statusCommand } from './commands/status.js';
import { whatifCommand } from './commands/whatif.js';

export function buildProgram(): Command {
  const program = new Command('retain')
    .description('Customer loyalty, retention and customer-experience analytics on your own data.')
    .showHelpAfterError('(add --help for usage and examples)')
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) })
    .addHelpText(
      'after',
      `
Workspace: a DuckDB file, --db PATH on every command, else $RETAIN_DB, else ./retain.duckdb.

Examples:
  $ retain demo                                   # a realistic demo workspace
  $ retain import customers customers.csv
  $ retain import orders shopify_orders.csv --map "Name=order_id" --map "Created at=ordered_at"
  $ retain quarantine list
  $ retain report --compare previous
  $ retain sql "SELECT count(*) FROM orders" --format json`,
    );
  for (const make of [importCommand, importsCommand, reportCommand, metricsCommand, quarantineCommand, sqlCommand, demoCommand, configCommand, statusCommand, modelCommand, customersCommand, whatifCommand]) {
    program.addCommand(make().exitOverride());
  }
  return program;
}

export async function main(argv: readonly string[]): Promise<number> {
  try {
    const program = buildProgram();
    await program.parseAsync([...argv]);
    return Number(process.exitCode ?? 0);
  } catch (e) {
    return reportError(e);
  }
}

function reportError(e: unknown): number {
  if (e instanceof CommanderError) {
    // Help and version are not errors; anything else commander rejects is a usage error.
    return e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.exitCode === 0 ? 0 : 2;
  }
  if (e instanceof RetainError) {
    process.stderr.write(`retain: ${e.message}\n`);
    if (e.hint) process.stderr.write(`  ${e.hint}\n`);
    if (process.env.RETAIN_TRACE === '1' && e.detail.sql) process.stderr.write(`  SQL: ${e.detail.sql}\n`);
    return e instanceof UsageError ? 2 : 1;
  }
  process.stderr.write(`retain: internal error (a bug; please report it with the command you ran):\n${(e as Error)?.stack ?? String(e)}\n`);
  return 1;
}
