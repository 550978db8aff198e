/** Every registered metric is complete, documented, and the CLI lists and reports it. */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { metricsMarkdown } from '../src/metrics/docs.js';
import { METRICS } from '../src/metrics/registry.js';
import { TEAMS } from '../src/metrics/types.js';
import { TABLE_NAMES } from '../src/warehouse/schema/tables.js';
import { tmp } from './helpers/workspace.js';

const root = join(import.meta.dirname, '..');
const BIN = join(root, 'bin', 'retain.js');

describe('metric registry', () => {
  it('has unique ids, known tables and teams, and a formula and description for each metric', () => {
    expect(new Set(METRICS.map((m) => m.id)).size).toBe(METRICS.length);
    for (const m of METRICS) {
      expect(m.tables.every((t) => TABLE_NAMES.includes(t)), m.id).toBe(true);
      expect(m.teams.length > 0 && m.teams.every((t) => TEAMS.includes(t)), m.id).toBe(true);
      expect(m.formula.length > 10 && m.description.length > 10, m.id).toBe(true);
    }
  });

  const specFile = join(root, '..', 'shared', 'spec', 'METRICS.md');
  it.skipIf(!existsSync(specFile))('registers every metric of the spec', () => {
    const spec = readFileSync(specFile, 'utf8');
    const ids = [...spec.matchAll(/^\| `([a-z0-9_]+)` \|/gm)].map((m) => m[1]!);
    expect(ids.length).toBeGreaterThan(40);
    expect(ids.filter((id) => !METRICS.some((m) => m.id === id))).toEqual([]);
  });

  it('docs/metrics.md is generated from the registry (run npm run docs after changing a metric)', () => {
    expect(readFileSync(join(root, 'docs', 'metrics.md'), 'utf8')).toBe(metricsMarkdown());
  });

  it('retain metrics and retain report --format json share the registry', () => {
    const list = JSON.parse(spawnSync(process.execPath, [BIN, 'metrics', '--format', 'json'], { encoding: 'utf8' }).stdout) as { id: string }[];
    expect(list.map((m) => m.id)).toEqual(METRICS.map((m) => m.id));
    const db = join(tmp(), 'w.duckdb');
    expect(spawnSync(process.execPath, [BIN, 'demo', '--customers', '200', '--months', '6', '--end', '2026-01-01', '--db', db]).status).toBe(0);
    const out = spawnSync(process.execPath, [BIN, 'report', '--db', db, '--from', '2025-07-01', '--to', '2026-01-01', '--format', 'json', '--compare', 'previous'], { encoding: 'utf8' });
    expect(out.status).toBe(0);
    const report = JSON.parse(out.stdout) as { metrics: Record<string, unknown>[] } & Record<string, unknown>;
    expect(Object.keys(report)).toEqual(['from', 'to', 'grain', 'timezone', 'currency', 'data', 'period_reason', 'metrics']);
    expect(report).toMatchObject({ from: '2025-07-01', to: '2026-01-01', grain: 'month', timezone: 'UTC' });
    expect(report.metrics.map((m) => m.id)).toEqual(METRICS.map((m) => m.id));
    for (const m of report.metrics) {
      expect(Object.keys(m)).toEqual(['id', 'name', 'unit', 'value', 'n', 'ci95', 'parts', 'benchmark', 'series', 'compare', 'note', 'needs', 'small_n', 'warnings']);
      expect((m.series as unknown[]).length, String(m.id)).toBe(METRICS.find((x) => x.id === m.id)!.noSeries ? 0 : 6);
    }
    const bad = spawnSync(process.execPath, [BIN, 'report', '--db', db, '--metric', 'nope'], { encoding: 'utf8' });
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('Unknown metric nope');
  }, 60_000);
});
