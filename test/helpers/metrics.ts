/**
 * Fixtures for metric tests: tables loaded through the real import, metrics computed by the real
 * engine. With RETAIN_TEST_CLICKHOUSE set, every metric a test computes is also computed on a
 * ClickHouse copy of the same workspace and must come out the same: the hand-worked fixtures
 * are part of the conformance suite.
 */
import { afterAll, expect } from 'vitest';
import { computeMetric, emptyTables, type ReportRequest } from '../../src/metrics/compute.js';
import { NOT_YET_ON } from '../../src/metrics/engines.js';
import { metricById } from '../../src/metrics/registry.js';
import { openClickHouse } from '../../src/warehouse/engines/clickhouse/driver.js';
import { copySettings } from '../../src/warehouse/schema/settings.js';
import { copyTables } from '../../src/warehouse/import/transfer.js';
import { importFile } from '../../src/warehouse/import/import.js';
import { TABLE_NAMES } from '../../src/warehouse/schema/tables.js';
import type { Warehouse } from '../../src/warehouse/warehouse.js';
import { comparable, expectSame, TOLERANCE } from './conformance.js';
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
  const result = await computeMetric(wh, m, full, await emptyTables(wh, TABLE_NAMES));
  if (CLICKHOUSE && !(id in NOT_YET_ON.clickhouse!)) {
    const server = await mirrorOf(wh);
    const there = await computeMetric(server, m, full, await emptyTables(server, TABLE_NAMES));
    expectSame(comparable(result), comparable(there), `${id} on ClickHouse`, TOLERANCE[id]);
  }
  return result;
}

export const CLICKHOUSE = process.env.RETAIN_TEST_CLICKHOUSE;
const mirrors = new Map<Warehouse, { server: Awaited<ReturnType<typeof openClickHouse>>; database: string }>();

/**
 * The workspace's ClickHouse copy, brought up to date: every row shipped again each time, so
 * earlier copies are re-deliveries the reads must collapse (as the import's would be).
 */
export async function mirrorOf(wh: Warehouse): Promise<Warehouse> {
  let mirror = mirrors.get(wh);
  if (!mirror) {
    const database = `retain_fixture_${process.pid}_${mirrors.size}_${Date.now().toString(36)}`;
    mirror = { server: await openClickHouse({ url: CLICKHOUSE!, database }), database };
    mirrors.set(wh, mirror);
  }
  await copyTables(wh, mirror.server);
  await copySettings(wh, mirror.server);
  return mirror.server;
}

afterAll(async () => {
  for (const { server, database } of mirrors.values()) {
    await server.exec(`DROP DATABASE IF EXISTS ${database}`);
    await server.close();
  }
  mirrors.clear();
});
