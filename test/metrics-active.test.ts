/**
 * Who is active at each bucket boundary is computed by grouping changes and orders by the
 * boundaries that follow them (retention.ts), for speed. This checks it against the definition
 * written the plain way — every order or change joined with every boundary — on random demo
 * workspaces, periods, grains, time zones and activity windows.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeDemoFiles } from '../src/demo/generate.js';
import { bucketStarts } from '../src/metrics/compute.js';
import { activeAt, mrrAt } from '../src/metrics/families/retention.js';
import { makeScope, type Grain } from '../src/metrics/scope.js';
import { importFile } from '../src/warehouse/import/import.js';
import type { Warehouse } from '../src/warehouse/warehouse.js';
import { memoryWorkspace, tmp } from './helpers/workspace.js';

let wh: Warehouse;
beforeAll(async () => {
  wh = await memoryWorkspace();
  const files = await writeDemoFiles(tmp(), { customers: 300, months: 12, seed: 7, end: new Date('2026-01-01T00:00:00Z') });
  for (const f of files.filter((f) => ['customers', 'orders', 'subscription_events', 'fx_rates'].includes(f.table))) {
    await importFile(wh, { table: f.table, file: f.file });
  }
});
afterAll(async () => wh.close());

const scopeFor = (model: 'subscription' | 'transactional', from: string, to: string, grain: Grain, timezone: string, w: number) =>
  makeScope(wh.dialect, {
    from,
    to,
    timezone,
    grain,
    slice: { where: [] },
    settings: { activityWindowDays: w, grossMargin: 1, engagementWeights: {} },
    bucketStarts: bucketStarts(from, to, grain),
    model,
  });

/** Rows in one query and not the other, both ways. */
async function difference(a: string, b: string, params: readonly unknown[]): Promise<number> {
  const [r] = await wh.query(`SELECT (SELECT count(*) FROM ((${a}) EXCEPT (${b})) x) + (SELECT count(*) FROM ((${b}) EXCEPT (${a})) y) AS n`, params as never);
  return Number(r?.n);
}

describe('active customers at boundaries', () => {
  it('match the definition, for either model', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(['2025-03-01', '2025-12-01'], ['2025-06-15', '2025-08-20'], ['2025-01-01', '2026-01-01']),
        fc.constantFrom<Grain>('day', 'week', 'month', 'quarter'),
        fc.constantFrom('UTC', 'Asia/Kolkata', 'America/New_York'),
        fc.constantFrom(30, 90, 365),
        async ([from, to], grain, tz, w) => {
          const t = scopeFor('transactional', from!, to!, grain, tz, w);
          const fast = activeAt(t);
          const plain = `SELECT DISTINCT o.customer_id, b.i FROM orders o JOIN ${t.boundaries} b
            ON o.ordered_at < b.instant AND o.ordered_at >= b.instant - INTERVAL ${w} DAY WHERE o.status = 'completed'`;
          expect(await difference(fast, plain, t.params)).toBe(0);

          const s = scopeFor('subscription', from!, to!, grain, tz, w);
          const fastMrr = mrrAt(s, 'e.mrr');
          const plainMrr = `SELECT customer_id, i, sum(mrr) AS mrr FROM (
              SELECT e.customer_id, e.subscription_id, b.i, arg_max(e.mrr, e.occurred_at) AS mrr
              FROM subscription_events e JOIN ${s.boundaries} b ON e.occurred_at < b.instant GROUP BY 1, 2, 3) x
            GROUP BY 1, 2 HAVING sum(mrr) > 0`;
          expect(await difference(fastMrr, plainMrr, s.params)).toBe(0);
        },
      ),
      { numRuns: 12 },
    );
  });
});
