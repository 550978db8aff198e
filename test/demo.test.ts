/**
 * The demo generator: reproducible, inside its period, internally consistent, and with the
 * behaviour the metrics and models should find (drop-out, churn and reactivation, NPS that goes
 * with retention). Checked on the imported workspace, so the validator checks the files too.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeDemoFiles } from '../src/demo/generate.js';
import { importFile } from '../src/warehouse/import/import.js';
import { TABLES } from '../src/warehouse/schema/tables.js';
import type { Warehouse } from '../src/warehouse/warehouse.js';
import { count, memoryWorkspace, tmp } from './helpers/workspace.js';

const END = new Date('2026-01-01T00:00:00Z');
const opts = { customers: 1500, months: 12, seed: 11, end: END };
let wh: Warehouse;
let files: { table: string; file: string; rows: number }[];

beforeAll(async () => {
  files = await writeDemoFiles(tmp(), opts);
  wh = await memoryWorkspace();
  for (const f of files) {
    const s = await importFile(wh, { table: f.table, file: f.file });
    expect({ table: f.table, read: s.read, quarantined: s.quarantined, orphans: s.orphans }).toEqual({ table: f.table, read: f.rows, quarantined: 0, orphans: 0 });
  }
}, 60_000);
afterAll(async () => wh.close());

describe('demo generator', () => {
  it('writes every table with its canonical header', () => {
    expect(files.map((f) => f.table).sort()).toEqual(TABLES.map((t) => t.name).sort());
    for (const f of files) {
      const header = readFileSync(f.file, 'utf8').split('\n', 1)[0];
      expect(header).toBe(TABLES.find((t) => t.name === f.table)!.fields.map((x) => x.name).join(','));
    }
  });

  it('is reproducible for a seed and differs across seeds', async () => {
    const again = await writeDemoFiles(tmp(), opts);
    const other = await writeDemoFiles(tmp(), { ...opts, seed: 12 });
    for (let i = 0; i < files.length; i++) {
      expect(readFileSync(again[i]!.file, 'utf8')).toBe(readFileSync(files[i]!.file, 'utf8'));
    }
    expect(readFileSync(other[2]!.file, 'utf8')).not.toBe(readFileSync(files[2]!.file, 'utf8'));
  });

  it('keeps everything before the end and inside the period', async () => {
    for (const t of TABLES.filter((x) => x.timeField && x.name !== 'fx_rates')) {
      const tf = t.timeField!;
      const [r] = await wh.query(`SELECT min(${tf}) AS lo, max(${tf}) AS hi FROM ${t.name}`);
      expect(new Date(String(r!.hi).replace(' ', 'T').replace('+00', 'Z')).getTime(), t.name).toBeLessThan(END.getTime());
      expect(new Date(String(r!.lo).replace(' ', 'T').replace('+00', 'Z')).getTime(), t.name).toBeGreaterThanOrEqual(Date.UTC(2025, 0, 1));
    }
  });

  it('is internally consistent: item totals, returns after orders, loyalty balances never negative', async () => {
    expect(await count(wh, `SELECT count(*) FROM orders o JOIN (SELECT order_id, sum(quantity * unit_price) AS s FROM order_items GROUP BY 1) i USING (order_id) WHERE abs(o.amount - i.s) > 0.011`)).toBe(0);
    expect(await count(wh, `SELECT count(*) FROM returns r JOIN orders o USING (order_id) WHERE r.returned_at <= o.ordered_at OR o.status = 'cancelled'`)).toBe(0);
    expect(
      await count(
        wh,
        `SELECT count(*) FROM (SELECT sum(CASE kind WHEN 'earn' THEN points ELSE -points END) OVER (PARTITION BY customer_id ORDER BY occurred_at, entry_id) AS balance FROM loyalty_ledger) WHERE balance < 0`,
      ),
    ).toBe(0);
    expect(await count(wh, `SELECT count(*) FROM orders WHERE currency <> 'USD'`)).toBeGreaterThan(0);
  });

  it('has drop-out, churn, reactivation, and NPS that goes with retention', async () => {
    expect(await count(wh, `SELECT count(*) FROM (SELECT customer_id FROM orders GROUP BY 1 HAVING count(*) = 1)`)).toBeGreaterThan(50);
    expect(await count(wh, `SELECT count(*) FROM (SELECT customer_id FROM orders GROUP BY 1 HAVING count(*) >= 4)`)).toBeGreaterThan(50);
    expect(await count(wh, `SELECT count(*) FROM subscription_events WHERE mrr = 0`)).toBeGreaterThan(10);
    expect(await count(wh, `SELECT count(*) FROM (SELECT customer_id FROM subscription_events GROUP BY 1 HAVING count(DISTINCT subscription_id) > 1)`)).toBeGreaterThan(0);
    // Subscribers whose latest NPS answer was a detractor's churn more often than promoters.
    const [r] = await wh.query(`
      WITH nps AS (SELECT customer_id, arg_max(score, responded_at) AS score FROM survey_responses WHERE survey = 'nps' GROUP BY 1),
      subs AS (SELECT customer_id, arg_max(mrr, occurred_at) AS mrr FROM subscription_events GROUP BY 1)
      SELECT avg(CASE WHEN mrr = 0 THEN 1.0 ELSE 0 END) FILTER (WHERE score >= 9) AS promoters,
             avg(CASE WHEN mrr = 0 THEN 1.0 ELSE 0 END) FILTER (WHERE score <= 6) AS detractors
      FROM nps JOIN subs USING (customer_id)`);
    expect(Number(r!.detractors)).toBeGreaterThan(Number(r!.promoters));
  });
});
