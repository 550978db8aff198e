/**
 * The demo through the real CLI: every table filled, nothing quarantined, no orphans, and a second
 * run with the same seed changes nothing.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { TABLE_NAMES } from '../src/warehouse/schema/tables.js';
import { tmp } from './helpers/workspace.js';

const BIN = join(import.meta.dirname, '..', 'bin', 'retain.js');
const run = (args: string[]) => spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8' });

interface Summary {
  table: string;
  read: number;
  accepted: number;
  duplicates: number;
  quarantined: number;
  orphans: number;
}

describe('retain demo', () => {
  it('fills every table consistently, and is idempotent for a seed', () => {
    const db = join(tmp(), 'demo.duckdb');
    const first = run(['demo', '--customers', '400', '--months', '12', '--seed', '7', '--end', '2026-01-01', '--db', db, '--format', 'json']);
    expect(first.stderr).toBe('');
    expect(first.status).toBe(0);
    const summaries = JSON.parse(first.stdout) as Summary[];
    expect(summaries.map((s) => s.table).sort()).toEqual([...TABLE_NAMES].sort());
    for (const s of summaries) {
      expect(s.read, s.table).toBeGreaterThan(0);
      expect({ table: s.table, quarantined: s.quarantined, orphans: s.orphans, duplicates: s.duplicates }).toEqual({
        table: s.table,
        quarantined: 0,
        orphans: 0,
        duplicates: 0,
      });
      expect(s.accepted).toBe(s.read);
    }
    const again = JSON.parse(run(['demo', '--customers', '400', '--months', '12', '--seed', '7', '--end', '2026-01-01', '--db', db, '--format', 'json']).stdout) as Summary[];
    for (const s of again) expect({ table: s.table, accepted: s.accepted, duplicates: s.duplicates }).toEqual({ table: s.table, accepted: 0, duplicates: s.read });
  }, 120_000);
});
