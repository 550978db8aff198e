/**
 * Invariants of the whole catalogue on random demo workspaces: shares sum to 100, MRR movements
 * sum to the MRR change, rates stay within 0–100, retention + churn = 100, and additive metrics'
 * series add up to the period value.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { writeDemoFiles } from '../src/demo/generate.js';
import { METRICS } from '../src/metrics/registry.js';
import { buildReport } from '../src/metrics/report.js';
import { importFile } from '../src/warehouse/import/import.js';
import { memoryWorkspace, tmp } from './helpers/workspace.js';

/**
 * Percentages that may leave 0–100: net churn and growth go negative or past 100; points redeemed
 * in a period may exceed those issued in it; units returned in a week (of earlier sales) may
 * exceed the units sold that week.
 */
const NOT_BOUNDED = ['revenue_churn_net', 'existing_revenue_growth', 'nrr', 'redemption_rate', 'return_rate'];

describe('catalogue invariants on random demo workspaces', () => {
  it('hold for every seed, size, period and grain', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 1_000_000 }),
        fc.integer({ min: 80, max: 250 }),
        fc.constantFrom('week', 'month', 'quarter'),
        fc.constantFrom('UTC', 'Europe/Berlin', 'America/New_York'),
        async (seed, customers, grain, timezone) => {
          const wh = await memoryWorkspace();
          try {
            const files = await writeDemoFiles(tmp(), { customers, months: 9, seed, end: new Date('2026-01-01T00:00:00Z') });
            for (const f of files) await importFile(wh, { table: f.table, file: f.file });
            const report = await buildReport(wh, { from: '2025-04-01', to: '2026-01-01', grain, timezone });
            const byId = new Map(report.metrics.map((m) => [m.id, m]));
            for (const m of report.metrics) {
              const def = METRICS.find((d) => d.id === m.id)!;
              for (const v of [m.value, ...m.series.map((s) => s.value)]) {
                expect(Number.isNaN(v), m.id).toBe(false);
                if (def.unit === 'percent' && v !== null && !NOT_BOUNDED.includes(m.id)) {
                  expect(v, m.id).toBeGreaterThanOrEqual(0);
                  expect(v, m.id).toBeLessThanOrEqual(100 + 1e-9);
                }
              }
              if (def.additive && m.value !== null) {
                expect(m.series.reduce((a, s) => a + (s.value ?? 0), 0), m.id).toBeCloseTo(m.value, 6);
              }
            }
            const nps = byId.get('nps')!;
            if (nps.value !== null) {
              const p = nps.parts!;
              expect(p.promoters! + p.passives! + p.detractors!).toBeCloseTo(100, 9);
            }
            const mv = byId.get('mrr_movements')!;
            if (mv.value !== null) expect(Object.values(mv.parts!).reduce((a, b) => a! + b!, 0)).toBeCloseTo(mv.value, 6);
            const [ret, churn] = [byId.get('retention_rate')!, byId.get('churn_rate')!];
            if (ret.value !== null) expect(ret.value + churn.value!).toBeCloseTo(100, 9);
            ret.series.forEach((s, i) => {
              if (s.value !== null) expect(s.value + churn.series[i]!.value!).toBeCloseTo(100, 9);
            });
            // The series of MRR ends at the period's MRR.
            const mrr = byId.get('mrr')!;
            if (mrr.value !== null) expect(mrr.series.at(-1)!.value).toBeCloseTo(mrr.value, 6);
          } finally {
            await wh.close();
          }
        },
      ),
      { numRuns: Number(process.env.PROPERTY_RUNS ?? 4) },
    );
  }, 300_000);
});
