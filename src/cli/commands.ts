/**
 * The command table: each command's name and one-line description, and how to load it. `retain
 * --help` lists commands from this table alone; only the command being run is imported, so a
 * command pays for its own dependencies (DuckDB, ECharts, the models) and no one else's.
 * The description must be the command's own (a test checks that they agree).
 */
import type { Command } from 'commander';

export interface CommandEntry {
  name: string;
  description: string;
  load: () => Promise<() => Command>;
}

export const COMMANDS: readonly CommandEntry[] = [
  {
    name: 'import',
    description: 'Import a CSV, JSON-lines or Parquet file into a canonical table (validated, idempotent, all or nothing).',
    load: async () => (await import('./commands/import.js')).importCommand,
  },
  {
    name: 'imports',
    description: 'List past imports (with their counts and whether undone); undo one.',
    load: async () => (await import('./commands/imports.js')).importsCommand,
  },
  {
    name: 'report',
    description: 'Compute the metrics over a period: value, interval, n, benchmark band, trend, and optionally a comparison.',
    load: async () => (await import('./commands/report.js')).reportCommand,
  },
  {
    name: 'metrics',
    description: 'List the metric catalogue: what each metric means, its unit, owners and benchmark source.',
    load: async () => (await import('./commands/metrics.js')).metricsCommand,
  },
  {
    name: 'quarantine',
    description: 'Rows rejected at import: list them, export them to fix, retry them.',
    load: async () => (await import('./commands/quarantine.js')).quarantineCommand,
  },
  {
    name: 'sql',
    description: 'Run a read-only SQL query over the workspace (the workspace is opened read-only).',
    load: async () => (await import('./commands/sql.js')).sqlCommand,
  },
  {
    name: 'demo',
    description: 'Fill the workspace with a realistic, seeded demo history (every table), through the normal import.',
    load: async () => (await import('./commands/demo.js')).demoCommand,
  },
  {
    name: 'config',
    description: 'Show or change workspace settings (currency, timezone, model, …).',
    load: async () => (await import('./commands/config.js')).configCommand,
  },
  {
    name: 'status',
    description: 'Rows per table, quarantined rows, and the workspace location.',
    load: async () => (await import('./commands/status.js')).statusCommand,
  },
  {
    name: 'model',
    description: 'Customer models: RFM segments, BG/NBD, Pareto/NBD and Gamma-Gamma fits, and their validation.',
    load: async () => (await import('./commands/model.js')).modelCommand,
  },
  {
    name: 'customers',
    description: 'The customer lists to act on: each customer with CLV, P(alive), churn risk, RFM segment, latest NPS and engagement score.',
    load: async () => (await import('./commands/customers.js')).customersCommand,
  },
  {
    name: 'whatif',
    description: 'Retention what-if: customers, revenue, profit and CLV over a horizon at today’s retention and with retention a few points higher.',
    load: async () => (await import('./commands/whatif.js')).whatifCommand,
  },
  {
    name: 'serve',
    description: 'Serve workspaces over HTTP: the JSON API (reports, metrics, customers, models, data) with users, roles, API keys and an OpenAPI document.',
    load: async () => (await import('./commands/serve.js')).serveCommand,
  },
  {
    name: 'keys',
    description: 'API keys for retain serve: create one (shown once), list them, revoke one.',
    load: async () => (await import('./commands/keys.js')).keysCommand,
  },
  {
    name: 'users',
    description: 'People who sign in to retain serve, and their role per workspace: add one, list them, remove one.',
    load: async () => (await import('./commands/users.js')).usersCommand,
  },
];
