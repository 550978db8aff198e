/**
 * Commands start at once: the command table agrees with the commands, a command's definition pulls
 * in no heavy package when loaded, --version, "did you mean" on the command line, and when
 * bin/retain.js takes dist/ to be stale.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { distIsStale } from '../scripts/build.js';
import { COMMANDS } from '../src/cli/commands.js';
import { tmp, writeFixture } from './helpers/workspace.js';

const root = resolve(import.meta.dirname, '..');
const BIN = join(root, 'bin', 'retain.js');
const cli = (args: string[]) => spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8' });

/** The packages a source file loads when imported: its value imports, followed through src. */
function packagesLoaded(file: string, seen = new Set<string>()): Set<string> {
  const out = new Set<string>();
  if (seen.has(file)) return out;
  seen.add(file);
  // Static imports and re-exports that are not `import type`; `await import()` is on demand.
  for (const m of readFileSync(file, 'utf8').matchAll(/^(?:import|export)\s+(?!type\b)[^'";]*?from\s+['"]([^'"]+)['"]/gm)) {
    const spec = m[1]!;
    if (spec.startsWith('.')) for (const p of packagesLoaded(resolve(dirname(file), spec.replace(/\.js$/, '.ts')), seen)) out.add(p);
    else if (!spec.startsWith('node:')) out.add(spec);
  }
  return out;
}

describe('command table', () => {
  it('lists every command with its own description, in the order of --help', async () => {
    const help = cli(['--help']);
    expect(help.status).toBe(0);
    for (const c of COMMANDS) {
      const cmd = (await c.load())();
      expect(cmd.name()).toBe(c.name);
      expect(cmd.description(), c.name).toBe(c.description);
      // Commander wraps descriptions to the terminal width: compare the words.
      expect(help.stdout.replace(/\s+/g, ' '), c.name).toContain(`${c.name} ${c.description}`);
    }
  });

  it('loads commander alone for the program and for each command definition: drivers, ECharts and zod on demand', () => {
    const heavy = ['@duckdb/node-api', '@clickhouse/client', 'echarts', 'zod', 'tsx'];
    for (const f of ['main.ts', 'commands.ts', ...COMMANDS.map((c) => `commands/${c.name}.ts`)]) {
      const loaded = [...packagesLoaded(join(root, 'src', 'cli', f))];
      expect(loaded.filter((p) => heavy.includes(p)), f).toEqual([]);
    }
  });

  it('does not let the check pass by seeing nothing: the drivers are reached from the engines', () => {
    expect(packagesLoaded(join(root, 'src', 'warehouse', 'engines', 'duckdb', 'driver.ts')).size).toBe(0); // required, not imported
    expect([...packagesLoaded(join(root, 'src', 'warehouse', 'engines', 'clickhouse', 'driver.ts'))]).toContain('@clickhouse/client');
    expect([...packagesLoaded(join(root, 'src', 'warehouse', 'schema', 'zod.ts'))]).toContain('zod');
  });
});

describe('the command line', () => {
  it('prints the version in package.json', () => {
    const r = cli(['--version']);
    expect(r.status).toBe(0);
    expect(r.stdout).toBe(`${(JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string }).version}\n`);
  });

  it('suggests the command, table, field, column, metric and setting meant', () => {
    const dir = tmp();
    const db = join(dir, 'w.duckdb');
    const file = writeFixture(dir, 'customers.csv', 'customer_id,email,created_at\nc1,a@example.com,2025-01-05\n');
    expect(cli(['import', 'customers', file, '--db', db]).status).toBe(0);
    const cases: [string[], string][] = [
      [['imprt', 'customers', file], "error: unknown command 'imprt'\n(Did you mean import?)"],
      [['model', 'fti'], "error: unknown command 'fti'\n(Did you mean fit?)"],
      [['status', '--db', db, '--formt', 'json'], "error: unknown option '--formt'\n(Did you mean --format?)"],
      [['import', 'custmers', file, '--db', db], 'retain: Unknown table custmers.\n  Did you mean customers? See retain import --help for the tables.'],
      [['import', 'customers', file, '--db', db, '--map', 'email=emial'], 'retain: --map email=emial: customers has no field emial.\n  Did you mean email? Fields of customers:'],
      [['import', 'customers', file, '--db', db, '--map', 'Email=email'], `retain: --map Email=email: ${file} has no column Email.\n  Did you mean email? Its columns: customer_id, email, created_at.`],
      [['report', '--db', db, '--metric', 'churn_rat'], 'retain: Unknown metric churn_rat.\n  Did you mean churn_rate? retain metrics lists them.'],
      [['config', 'get', 'curency', '--db', db], 'retain: Unknown setting curency.\n  Did you mean currency? Settings:'],
    ];
    for (const [args, message] of cases) {
      const r = cli(args);
      expect(r.status, args.join(' ')).toBe(2);
      expect(r.stderr, args.join(' ')).toContain(message);
    }
    // Far from every name: no suggestion.
    expect(cli(['import', 'zzzz', file, '--db', db]).stderr).toBe('retain: Unknown table zzzz.\n  See retain import --help for the tables.\n');
  });

  it('status reads a workspace and creates none', () => {
    const dir = tmp();
    const db = join(dir, 'none.duckdb');
    const r = cli(['status', '--db', db]);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(`There is no workspace at ${db}.`);
    expect(existsSync(db)).toBe(false);
  });
});

describe('distIsStale', () => {
  it('is stale without a build, or when a source file or the compiler settings are newer than it', () => {
    const dir = tmp();
    mkdirSync(join(dir, 'src', 'cli'), { recursive: true });
    const at = (p: string, seconds: number) => utimesSync(join(dir, p), seconds, seconds);
    for (const [p, s] of [['tsconfig.json', '{}'], ['tsconfig.build.json', '{}'], ['src/cli/main.ts', ''], ['src/cli/CONTEXT.md', '']] as const) {
      writeFileSync(join(dir, p), s);
      at(p, 1000);
    }
    expect(distIsStale(dir)).toBe(true);
    mkdirSync(join(dir, 'dist'));
    writeFileSync(join(dir, 'dist', '.built'), '');
    at('dist/.built', 2000);
    expect(distIsStale(dir)).toBe(false);
    at('src/cli/CONTEXT.md', 3000); // not compiled
    expect(distIsStale(dir)).toBe(false);
    at('src/cli/main.ts', 3000);
    expect(distIsStale(dir)).toBe(true);
    at('src/cli/main.ts', 1000);
    at('tsconfig.build.json', 3000);
    expect(distIsStale(dir)).toBe(true);
  });
});
