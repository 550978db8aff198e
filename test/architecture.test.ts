/**
 * The shape of the code: layers import only downwards, the DuckDB driver is imported only by its
 * engine folder, there are no import cycles, and the README's data model matches the schema.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { TABLES } from '../src/warehouse/schema/tables.js';

const root = resolve(import.meta.dirname, '..');
const src = join(root, 'src');

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? files(p) : p.endsWith('.ts') ? [p] : [];
  });
}

const imports = (file: string) =>
  [...readFileSync(file, 'utf8').matchAll(/(?:import|export)[^'"]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g)].map(
    (m) => (m[1] ?? m[2])!,
  );

const resolveImport = (from: string, spec: string) => resolve(dirname(from), spec.replace(/\.js$/, '.ts'));

/**
 * Layers, top to bottom. A file may import its own layer or lower ones. The surfaces, cli and
 * server, are side by side at the top: cli may import server (its `serve` command starts it),
 * server never imports cli. charts (the chart definitions both the HTML report and the dashboard
 * draw) sits under them and reads only the metrics' types.
 */
const LAYERS = ['cli', 'server', 'charts', 'demo', 'metrics', 'models', 'warehouse'];
const layerOf = (file: string) => relative(src, file).split('/')[0]!;

describe('architecture', () => {
  const all = files(src);

  it('imports only go down the layers', () => {
    const bad: string[] = [];
    for (const f of all) {
      for (const spec of imports(f).filter((s) => s.startsWith('.'))) {
        const target = resolveImport(f, spec);
        if (LAYERS.indexOf(layerOf(target)) < LAYERS.indexOf(layerOf(f))) bad.push(`${relative(root, f)} → ${relative(root, target)}`);
      }
    }
    expect(bad).toEqual([]);
  });

  it('the CLI imports from the server only its start', () => {
    const cli = all.filter((f) => layerOf(f) === 'cli');
    const reached = cli.flatMap((f) => imports(f).filter((s) => s.startsWith('.')).map((s) => [f, resolveImport(f, s)] as const));
    const bad = reached.filter(([, t]) => layerOf(t) === 'server' && relative(src, t) !== 'server/start.ts').map(([f, t]) => `${relative(root, f)} → ${relative(root, t)}`);
    expect(bad).toEqual([]);
    // And it does import it: the serve command exists.
    expect(reached.some(([, t]) => relative(src, t) === 'server/start.ts')).toBe(true);
  });

  it('only the DuckDB engine folder imports the DuckDB driver', () => {
    const bad = all.filter((f) => imports(f).includes('@duckdb/node-api') && !relative(src, f).startsWith('warehouse/engines/duckdb/'));
    expect(bad.map((f) => relative(root, f))).toEqual([]);
  });

  it('only the ClickHouse engine folder imports the ClickHouse client', () => {
    const bad = all.filter((f) => imports(f).includes('@clickhouse/client') && !relative(src, f).startsWith('warehouse/engines/clickhouse/'));
    expect(bad.map((f) => relative(root, f))).toEqual([]);
  });

  it('the metrics, models and surfaces hold no SQL that only one engine speaks: it goes through the dialect', () => {
    // Spellings of one engine (DuckDB's casts, windows, grouping sets, list and JSON functions;
    // ClickHouse's -If combinators, arrays, FINAL, joinGet, date functions).
    const oneEngine = [
      /\bepoch\(/, /\bstrftime\(/, /\blist_\w+\(/, /::[A-Za-z]/, /\bQUALIFY\b/, /\bOVER\s*\(/, /GROUPING SETS/, /FILTER\s*\(\s*WHERE/,
      /\barg_max\(/, /\bquantile_cont\(/, /\bTRY_CAST\(/, /\bdate_trunc\(/, /\bjson_extract/, /->>/,
      /\bcountIf\(/, /\bsumIf\(/, /\bargMax\(/, /\barrayJoin\b/, /\bgroupArray\(/, /\bFINAL\b/, /\btoDateTime\(/, /\bjoinGet\(/,
      /\buniqExact\(/, /ARRAY JOIN/, /\btoStartOf\w+\(/, /\bmultiIf\(/,
    ];
    const layers = all.filter((f) => ['metrics/', 'models/', 'cli/', 'server/'].some((l) => relative(src, f).startsWith(l)));
    expect(layers.length).toBeGreaterThan(20);
    const found: string[] = [];
    for (const f of layers) {
      // The dialect's own methods (d.countIf(…)) are the seam, not engine SQL.
      const text = readFileSync(f, 'utf8').replace(/\.(countIf|sumIf|argMax)\(/g, '.$1_(');
      for (const re of oneEngine) if (re.test(text)) found.push(`${relative(src, f)}: ${re.source}`);
    }
    expect(found).toEqual([]);
  });

  it('the dashboard takes from src only types and the chart definitions: it reaches the engine through the API', () => {
    const web = join(root, 'web', 'src');
    const tsx = (dir: string): string[] => readdirSync(dir).flatMap((n) => (statSync(join(dir, n)).isDirectory() ? tsx(join(dir, n)) : /\.tsx?$/.test(n) ? [join(dir, n)] : []));
    const offending = tsx(web).flatMap((f) =>
      [...readFileSync(f, 'utf8').matchAll(/^import\s+(type\s+)?[^'"]*?from\s+['"]([^'"]+)['"]/gm)]
        .filter((m) => !m[1] && ((m[2]!.includes('/src/') && !m[2]!.includes('/src/charts/')) || m[2]!.startsWith('node:')))
        .map((m) => `${relative(root, f)} imports ${m[2]}`),
    );
    expect(offending).toEqual([]);
  });

  it('the chart definitions import nothing but types, so the browser bundle carries none of the engine', () => {
    const values = all.filter((f) => layerOf(f) === 'charts').flatMap((f) => [...readFileSync(f, 'utf8').matchAll(/^import\s+(?!type\s)[^'"]*?from\s+['"]([^'"]+)['"]/gm)].map((m) => `${relative(root, f)} imports ${m[1]}`));
    expect(values).toEqual([]);
  });

  it('has no import cycles', () => {
    const graph = new Map(all.map((f) => [f, imports(f).filter((s) => s.startsWith('.')).map((s) => resolveImport(f, s))]));
    const state = new Map<string, 'visiting' | 'done'>();
    const cycles: string[] = [];
    const visit = (f: string, path: string[]) => {
      if (state.get(f) === 'done') return;
      if (state.get(f) === 'visiting') {
        cycles.push([...path.slice(path.indexOf(f)), f].map((p) => relative(src, p)).join(' → '));
        return;
      }
      state.set(f, 'visiting');
      for (const g of graph.get(f) ?? []) visit(g, [...path, f]);
      state.set(f, 'done');
    };
    for (const f of all) visit(f, []);
    expect(cycles).toEqual([]);
  });

  it('the README data model lists every field of every table, required ones starred', () => {
    const readme = readFileSync(join(root, 'README.md'), 'utf8');
    for (const t of TABLES) {
      const line = readme.split('\n').find((l) => l.startsWith(`| \`${t.name}\` |`));
      expect(line, `README row for ${t.name}`).toBeDefined();
      const named = [...line!.matchAll(/`([a-z_]+)(\*?)`/g)].slice(1).map((m) => m[1] + (m[2] ?? ''));
      for (const f of t.fields) expect(named, `${t.name}.${f.name}`).toContain(f.name + (f.required ? '*' : ''));
    }
  });
});
