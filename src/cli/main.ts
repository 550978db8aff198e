/**
 * The `retain` command line. Each command lives in commands/; this file wires them up and turns
 * errors into messages and exit codes: 0 done, 1 failed (or --strict found rejects), 2 usage.
 */
import { readFileSync } from 'node:fs';
import { Command, CommanderError } from 'commander';
import { RetainError, UsageError } from '../warehouse/errors.js';
import { COMMANDS } from './commands.js';

/** The version in package.json, two folders up from this file in src/ and in dist/ alike. */
function version(): string {
  return (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
}

/**
 * The command a command line runs: its first word (the program itself takes no option with a
 * value), or the one `retain help NAME` asks about.
 */
function commandOf(argv: readonly string[]): string | undefined {
  const words = argv.slice(2).filter((a) => !a.startsWith('-'));
  return words[0] === 'help' ? words[1] : words[0];
}

/**
 * The program with every command listed and `wanted`'s definition loaded (options, arguments,
 * help and action); the others are their name and description from the table until run.
 */
export async function buildProgram(wanted?: string): Promise<Command> {
  const program = new Command('retain')
    .version(version(), '-V, --version', 'the version of retain')
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
  for (const c of COMMANDS) {
    program.addCommand((c.name === wanted ? (await c.load())() : new Command(c.name).description(c.description)).exitOverride());
  }
  return program;
}

export async function main(argv: readonly string[]): Promise<number> {
  try {
    const program = await buildProgram(commandOf(argv));
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
