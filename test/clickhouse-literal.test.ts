/**
 * Values reach ClickHouse only as typed literals from literal.ts: the placeholders are found
 * outside quoted text, and hostile strings come back from a real server exactly as sent.
 * The server part needs RETAIN_TEST_CLICKHOUSE (.ci/run starts one); in CI it must run.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openClickHouse } from '../src/warehouse/engines/clickhouse/driver.js';
import { bindParams, literal } from '../src/warehouse/engines/clickhouse/literal.js';
import type { Warehouse } from '../src/warehouse/warehouse.js';

const URL = process.env.RETAIN_TEST_CLICKHOUSE;
if (!URL && process.env.CI) throw new Error('RETAIN_TEST_CLICKHOUSE is not set: .ci/run starts the ClickHouse servers.');

describe('binding values', () => {
  it('replaces placeholders outside quoted text and comments only', () => {
    expect(bindParams(`SELECT $1, '$1', "$2", \`$1\`, 'it''s $1', 'a\\'$1' -- $1\n, $2`, ['x', 7])).toBe(
      `SELECT CAST('x' AS String), '$1', "$2", \`$1\`, 'it''s $1', 'a\\'$1' -- $1\n, CAST('7' AS Int64)`,
    );
    expect(bindParams('SELECT $10', Array.from({ length: 10 }, (_, i) => i))).toBe(`SELECT CAST('9' AS Int64)`);
    expect(() => bindParams('SELECT $3', [1, 2])).toThrow(/uses \$3 but 2 values/);
  });

  it('types each value', () => {
    expect(literal(null)).toBe('NULL');
    expect(literal(true)).toBe(`CAST('1' AS UInt8)`);
    expect(literal(12345678901234567890n)).toBe(`CAST('12345678901234567890' AS Int64)`);
    expect(literal(0.1)).toBe(`reinterpretAsFloat64(unhex('9A9999999999B93F'))`);
    expect(literal(-3)).toBe(`CAST('-3' AS Int64)`);
    expect(literal(new Date('2024-03-10T01:02:03Z'))).toBe(`toDateTime('2024-03-10 01:02:03', 'UTC')`);
    expect(() => literal(Number.NaN)).toThrow(/cannot be sent/);
  });
});

describe.skipIf(!URL)('hostile values against a real ClickHouse server', () => {
  let wh: Warehouse;
  beforeAll(async () => {
    wh = await openClickHouse({ url: URL!, database: 'retain_test_literal' });
  });
  afterAll(async () => wh?.close());

  const HOSTILE = [
    "'; DROP DATABASE retain_test_literal; --",
    "\\'; SELECT 1; --",
    'back\\slash \\ at the end\\',
    "quote ' and '' doubled",
    'new\nline, return\r, tab\t, nul \0 and bell \x07',
    '$1 $2 placeholders',
    '"double" and `back` quotes',
    'Unicode: ภาษาไทย, Bahasa Melayu, 🙂, \u2028',
    '\\x27 written out',
    '',
  ];

  it('returns each hostile string exactly', async () => {
    for (const s of HOSTILE) {
      const [row] = await wh.query('SELECT $1 AS v, length($1) AS n', [s]);
      expect(row!.v, JSON.stringify(s)).toBe(s);
      expect(row!.n).toBe(Buffer.byteLength(s));
    }
  });

  it('returns any string and number exactly (property)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ unit: 'binary', maxLength: 40 }), fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true }), async (s, i, x) => {
        const [row] = await wh.query('SELECT $1 AS s, $2 AS i, $3 AS x', [s, i, x]);
        expect(row!.s).toBe(s);
        expect(row!.i).toBe(i);
        expect(row!.x).toBe(Object.is(x, -0) ? 0 : x);
      }),
      { numRuns: 100 },
    );
  });
});
