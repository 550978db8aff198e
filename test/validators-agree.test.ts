/**
 * One schema, two validators: the zod validator (small inputs) and the SQL one (bulk files) must
 * accept and reject the same rows, naming the same fields. Random rows from pools of good and bad
 * values go through both.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { importFile } from '../src/warehouse/import/import.js';
import { validateRow } from '../src/warehouse/schema/zod.js';
import { tableDef } from '../src/warehouse/schema/tables.js';
import { memoryWorkspace, tmp, writeFixture } from './helpers/workspace.js';

const POOLS: Record<string, readonly string[]> = {
  id: ['a', 'c1', '', 'x y', '=1'],
  text: ['', 'web', 'Hello, "world"'],
  timestamp: ['2024-01-01', '2024-01-01T10:00:00Z', '2024-01-01 10:00:00', '2024-01-01T10:00:00+02:00', '2024-02-30', '01/02/2024', 'now', '2999-01-01', '', ' 2024-01-01', '2024-01-01T10:00:00Z '],
  date: ['2024-01-01', '2024-13-01', 'x', ''],
  money: ['0', '10', '10.5', '1e3', '-1', 'abc', '1,5', 'NaN', '', ' 7 ', '1 000'],
  decimal: ['0', '1', '2.5', '-2', 'x', ''],
  integer: ['0', '1', '5', '6', '7', '10', '11', '-1', '7.5', 'x', '', ' 9'],
  enum: [],
  boolean: ['true', 'FALSE', 'yes', '0', 'maybe', ''],
  json: ['{}', '{"a":1}', '[1]', 'x', ''],
  currency: ['USD', 'usd', '', 'US', '12$'],
};

function poolFor(table: string, field: string): readonly string[] {
  const fd = tableDef(table).fields.find((f) => f.name === field)!;
  if (fd.kind === 'enum') return [...(fd.values ?? []), fd.values?.[0]?.toUpperCase() ?? '', 'bogus', ''];
  if (fd.kind === 'integer' && fd.values) return [...fd.values, '7', ''];
  return POOLS[fd.kind] ?? [''];
}

const csvCell = (s: string) => (/[",\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s);

for (const table of ['survey_responses', 'orders', 'tickets', 'loyalty_ledger', 'customers', 'returns'] as const) {
  describe(`${table}: zod and SQL agree`, () => {
    const t = tableDef(table);
    const keyField = t.key[0]!;
    const row = fc.record(Object.fromEntries(t.fields.filter((f) => f.name !== keyField).map((f) => [f.name, fc.constantFrom(...poolFor(table, f.name))])));
    it('on every random row', async () => {
      const dir = tmp();
      await fc.assert(
        fc.asyncProperty(fc.array(row, { minLength: 1, maxLength: 25 }), async (rows) => {
          const wh = await memoryWorkspace();
          try {
            const names = t.fields.map((f) => f.name);
            const full = rows.map((r, i) => ({ ...r, [keyField]: `k${i}` }) as Record<string, string>);
            const csv = [names.join(','), ...full.map((r) => names.map((n) => csvCell(r[n] ?? '')).join(','))].join('\n') + '\n';
            await importFile(wh, { table, file: writeFixture(dir, `${table}.csv`, csv) });
            const rejected = await wh.query(`SELECT "row", reasons FROM _quarantine`);
            const sqlFields = new Map(rejected.map((q) => [Number(q.row), fieldsOf(JSON.parse(String(q.reasons)) as string[])]));
            full.forEach((r, i) => {
              const z = validateRow(table, r);
              const zodFields = z.ok ? [] : fieldsOf(z.reasons);
              expect({ row: r, fields: sqlFields.get(i + 1) ?? [] }).toEqual({ row: r, fields: zodFields });
            });
          } finally {
            await wh.close();
          }
        }),
        { numRuns: 25 },
      );
    }, 120_000);
  });
}

const fieldsOf = (reasons: string[]) => [...new Set(reasons.map((r) => r.slice(0, r.indexOf(':'))))].sort();
