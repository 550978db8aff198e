/**
 * One validation path for import and retry, on random small CSV files of orders: values good and
 * bad per field, records with fields missing or too many, quotes, delimiters and line breaks in
 * values, blank lines between records. Keys are unique, so the order of arrival decides nothing.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { importFile } from '../src/warehouse/import/import.js';
import { listQuarantine, retryQuarantine } from '../src/warehouse/import/quarantine.js';
import type { Warehouse } from '../src/warehouse/warehouse.js';
import { memoryWorkspace, tmp, writeFixture } from './helpers/workspace.js';

const HEADER = ['order_id', 'customer_id', 'ordered_at', 'amount', 'currency', 'status', 'channel'];
const FX = 'currency,date,rate\nEUR,2000-01-01,1.25\n';

const text = fc.constantFrom('', 'c1', 'web', 'a,b', 'say "hi"', 'two\nlines', 'blank\n\nline', 'ab"c', ' padded ', 'é');
const values: Record<string, fc.Arbitrary<string>> = {
  customer_id: fc.constantFrom('c1', 'c2', '', 'c1\nc2'),
  ordered_at: fc.constantFrom('2024-01-05', '2024-01-05T10:00:00Z', '2024-13-01', 'yesterday', '', '2999-01-01'),
  amount: fc.constantFrom('10', '10.50', '-3', '1e3', 'x', '', '$5', '1,5'),
  currency: fc.constantFrom('', 'USD', 'EUR', 'eur', 'XX', '€'),
  status: fc.constantFrom('', 'completed', 'cancelled', 'Completed', 'lost'),
  channel: text,
};
/** A record: its fields after the order id, then fields dropped from the end or added. */
const record = fc.record({
  fields: fc.tuple(...HEADER.slice(1).map((h) => values[h] ?? text)),
  shape: fc.constantFrom(0, 0, 0, -1, -3, 1, 2),
  quoteAll: fc.boolean(),
  blankAfter: fc.constantFrom(0, 0, 0, 1, 2),
});

function csvOf(records: readonly { fields: readonly string[]; shape: number; quoteAll: boolean; blankAfter: number }[]): string {
  const cell = (v: string, quote: boolean) => (quote || /[",\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);
  const lines = [HEADER.join(',')];
  records.forEach((r, i) => {
    let fields = [`o${i + 1}`, ...r.fields];
    if (r.shape < 0) fields = fields.slice(0, fields.length + r.shape);
    for (let k = 0; k < r.shape; k++) fields.push(`extra${k}`);
    lines.push(fields.map((v) => cell(v, r.quoteAll)).join(','));
    for (let k = 0; k < r.blankAfter; k++) lines.push('');
  });
  return lines.join('\n') + '\n';
}

async function verdicts(wh: Warehouse) {
  const quarantined = (await listQuarantine(wh, { table: 'orders' })).map(({ row, line, reasons, raw }) => ({ row, line, reasons, raw }));
  const stored = await wh.query(`SELECT order_id, customer_id, ordered_at, amount, currency, status, channel, _rate FROM orders ORDER BY order_id`);
  return { quarantined, stored };
}

describe('retry decides every record as import does', () => {
  it('on random CSV files: a retry changes nothing, and a retry after FX arrives matches an import with FX there', async () => {
    const dir = tmp();
    const fx = writeFixture(dir, 'fx.csv', FX);
    // Two workspaces for every run, emptied before each: opening costs more than a run.
    const a = await memoryWorkspace();
    const b = await memoryWorkspace();
    let n = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(record, { minLength: 1, maxLength: 12 }), async (records) => {
        const file = writeFixture(dir, `o${++n}.csv`, csvOf(records));
        for (const w of [a, b]) for (const t of ['orders', 'fx_rates', '_quarantine', '_imports']) await w.exec(`DELETE FROM ${t}`);
        {
          // a: the file first; a retry with nothing new keeps every record with its reasons.
          const s = await importFile(a, { table: 'orders', file });
          expect(s.read).toBe(records.length);
          const imported = await verdicts(a);
          const [again] = await retryQuarantine(a, 'orders');
          if (again) expect(again).toMatchObject({ accepted: 0, duplicates: 0, quarantined: imported.quarantined.length });
          expect(await verdicts(a)).toEqual(imported);
          // Then the FX rates, and a retry: the same rows and reasons as b, which had the rates first.
          await importFile(a, { table: 'fx_rates', file: fx });
          await retryQuarantine(a, 'orders');
          await importFile(b, { table: 'fx_rates', file: fx });
          await importFile(b, { table: 'orders', file });
          expect(await verdicts(a)).toEqual(await verdicts(b));
        }
      }),
      { numRuns: 30 },
    );
    await a.close();
    await b.close();
  }, 120_000);
});
