/**
 * Metrics that declare additive statistics get their period value from the sum of their series;
 * this checks the declaration: on a demo workspace, the period query and the summed series agree
 * for each of them, at every grain.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeDemoFiles } from '../src/demo/generate.js';
import { bucketStarts, sumStats } from '../src/metrics/compute.js';
import { METRICS } from '../src/metrics/registry.js';
import { makeScope, type Grain } from '../src/metrics/scope.js';
import { importFile } from '../src/warehouse/import/import.js';
import type { Warehouse } from '../src/warehouse/warehouse.js';
import { memoryWorkspace, tmp } from './helpers/workspace.js';

let wh: Warehouse;
beforeAll(async () => {
  wh = await memoryWorkspace();
  for (const f of await writeDemoFiles(tmp(), { customers: 300, months: 8, seed: 5, end: new Date('2026-01-01T00:00:00Z') })) {
    await importFile(wh, { table: f.table, file: f.file });
  }
}, 60_000);
afterAll(async () => wh.close());

const settings = { activityWindowDays: 365, grossMargin: 1, engagementWeights: {} };
const stats = async (id: string, grain: Grain | null, timezone: string) => {
  const m = METRICS.find((x) => x.id === id)!;
  const [from, to] = ['2025-06-03', '2025-12-17'];
  const s = makeScope(wh.dialect, { from, to, timezone, grain, slice: { where: [] }, settings, bucketStarts: grain ? bucketStarts(from, to, grain) : [], model: 'subscription' });
  const rows = await wh.query(m.sql(s), s.params);
  return rows.map((r) => ({ bucket: String(r.bucket), stats: Object.fromEntries(Object.entries(r).filter(([k]) => k !== 'bucket' && k !== 'segment' && k !== 'key').map(([k, v]) => [k, Number(v ?? 0)])) }));
};

describe('additive statistics', () => {
  const additive = METRICS.filter((m) => m.statsAdditive);
  it('are declared for the count-and-total metrics', () => {
    expect(additive.length).toBeGreaterThan(15);
  });
  for (const m of additive) {
    it(`${m.id}: the period equals the sum of its buckets`, async () => {
      // Summed over keys too (page views come per page).
      const period = sumStats(await stats(m.id, null, 'Europe/Berlin'));
      for (const grain of ['week', 'month'] as const) {
        const summed = sumStats(await stats(m.id, grain, 'Europe/Berlin'));
        for (const [k, v] of Object.entries(period)) expect(summed[k] ?? 0, `${k} by ${grain}`).toBeCloseTo(v ?? 0, 6);
      }
    });
  }
});
