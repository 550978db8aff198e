/** Fixtures for metric tests: tables loaded through the real import, metrics computed by the real engine. */
import { expect } from 'vitest';
import { computeMetric, emptyTables, type ReportRequest } from '../../src/metrics/compute.js';
import { metricById } from '../../src/metrics/registry.js';
import { importFile } from '../../src/warehouse/import/import.js';
import { TABLE_NAMES } from '../../src/warehouse/schema/tables.js';
import type { Warehouse } from '../../src/warehouse/warehouse.js';
import { tmp, writeFixture } from './workspace.js';

/** Load CSV text (header + rows) into each table; every row must be accepted. */
export async function load(wh: Warehouse, tables: Record<string, string>): Promise<void> {
  const dir = tmp();
  for (const [table, csv] of Object.entries(tables)) {
    const s = await importFile(wh, { table, file: writeFixture(dir, `${table}.csv`, csv.trim() + '\n') });
    expect(s.quarantined, `${table} rows rejected`).toBe(0);
  }
}

export async function metric(wh: Warehouse, id: string, req: Partial<ReportRequest> & Pick<ReportRequest, 'from' | 'to'>) {
  const m = metricById(id);
  if (!m) throw new Error(`no metric ${id}`);
  const full: ReportRequest = { grain: 'month', timezone: 'UTC', slice: { where: [] }, ...req };
  return computeMetric(wh, m, full, await emptyTables(wh, TABLE_NAMES));
}
