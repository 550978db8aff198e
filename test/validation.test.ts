/**
 * Every validation rule of DATA_MODEL.md, each on a real file: the row number and the reason are
 * asserted, and so is the accounting (read = accepted + updated + duplicates + quarantined).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { importFile } from '../src/warehouse/import/import.js';
import type { Warehouse } from '../src/warehouse/warehouse.js';
import { count, memoryWorkspace, reasonsByRow, tmp, writeFixture } from './helpers/workspace.js';

let wh: Warehouse;
let dir: string;
beforeEach(async () => {
  wh = await memoryWorkspace();
  dir = tmp();
});
afterEach(async () => wh.close());

const load = async (table: string, name: string, content: string, extra: { map?: string[] } = {}) => {
  const s = await importFile(wh, { table, file: writeFixture(dir, name, content), ...extra });
  expect(s.read).toBe(s.accepted + s.updated + s.duplicates + s.quarantined);
  return s;
};

describe('field rules', () => {
  it('rejects a missing required field, naming it and the row', async () => {
    const s = await load('orders', 'o.csv', 'order_id,customer_id,ordered_at,amount\n1,c1,2024-01-01,10\n2,,2024-01-02,5\n3,c3,,\n');
    expect(s).toMatchObject({ read: 3, accepted: 1, quarantined: 2 });
    const r = await reasonsByRow(wh, 'orders');
    expect(r[2]).toEqual(['customer_id: missing (required)']);
    expect(r[3]).toEqual(['ordered_at: missing (required)', 'amount: missing (required)']);
  });

  it('rejects unparsable numbers and timestamps', async () => {
    await load('orders', 'o.csv', 'order_id,customer_id,ordered_at,amount\n1,c1,2024-01-01,"1,234.50"\n2,c2,03/01/2024,5\n3,c3,2024-01-03,$5\n');
    const r = await reasonsByRow(wh, 'orders');
    expect(r[1]?.[0]).toMatch(/^amount: "1,234.50" is not a number/);
    expect(r[2]?.[0]).toMatch(/^ordered_at: "03\/01\/2024" is not an ISO 8601 timestamp/);
    expect(r[3]?.[0]).toMatch(/^amount: "\$5" is not a number/);
  });

  it('rejects a timestamp in the future beyond the clock-skew allowance, accepts one within it', async () => {
    const soon = new Date(Date.now() + 5 * 60_000).toISOString();
    const s = await load('orders', 'o.csv', `order_id,customer_id,ordered_at,amount\n1,c1,2999-01-01T00:00:00Z,10\n2,c2,${soon},10\n`);
    expect(s).toMatchObject({ accepted: 1, quarantined: 1 });
    expect((await reasonsByRow(wh, 'orders'))[1]).toEqual(['ordered_at: "2999-01-01T00:00:00Z" is in the future']);
  });

  it('rejects negative amounts and quantities, and non-positive points', async () => {
    await load('orders', 'o.csv', 'order_id,customer_id,ordered_at,amount\n1,c1,2024-01-01,-3\n');
    expect((await reasonsByRow(wh, 'orders'))[1]).toEqual(['amount: "-3" is negative']);
    await load('order_items', 'i.csv', 'order_id,line_id,product_id,quantity,unit_price\n1,1,p,-1,2\n');
    expect((await reasonsByRow(wh, 'order_items'))[1]).toEqual(['quantity: "-1" is negative']);
    await load('loyalty_ledger', 'l.csv', 'entry_id,customer_id,occurred_at,kind,points\ne1,c1,2024-01-01,earn,0\n');
    expect((await reasonsByRow(wh, 'loyalty_ledger'))[1]).toEqual(['points: "0" must be greater than 0']);
  });

  it('checks each survey score against its own scale', async () => {
    const csv = [
      'response_id,customer_id,survey,score,scale_max,responded_at',
      'r1,c1,nps,10,,2024-01-01', // ok
      'r2,c1,nps,11,,2024-01-01', // row 2: NPS is 0–10
      'r3,c1,csat,5,,2024-01-01', // ok: scale 5 by default
      'r4,c1,csat,6,,2024-01-01', // row 4: above 5
      'r5,c1,csat,9,10,2024-01-01', // ok on a 10-point scale
      'r6,c1,csat,0,10,2024-01-01', // row 6: CSAT starts at 1
      'r7,c1,ces,8,,2024-01-01', // row 7: CES is 1–7
      'r8,c1,cli_recommend,7,,2024-01-01', // row 8: CLI is 1–6
      'r9,c1,csat,4,7,2024-01-01', // row 9: scale_max must be 5 or 10
      'r10,c1,nps,7.5,,2024-01-01', // row 10: whole numbers only
      'r11,c1,ces,1,,2024-01-01', // ok
    ].join('\n');
    const s = await load('survey_responses', 's.csv', csv);
    expect(s).toMatchObject({ read: 11, accepted: 4, quarantined: 7 });
    const r = await reasonsByRow(wh, 'survey_responses');
    expect(r[2]).toEqual(['score: "11" is outside the nps scale 0–10']);
    expect(r[4]).toEqual(['score: "6" is outside the csat scale 1–scale_max (5 when empty)']);
    expect(r[6]).toEqual(['score: "0" is outside the csat scale 1–scale_max (5 when empty)']);
    expect(r[7]).toEqual(['score: "8" is outside the ces scale 1–7']);
    expect(r[8]).toEqual(['score: "7" is outside the cli_recommend scale 1–6']);
    expect(r[9]).toEqual(['scale_max: "7" is not one of 5, 10']);
    expect(r[10]).toEqual(['score: "7.5" is not a whole number']);
  });

  it('rejects unknown enum values and accepts them in any case', async () => {
    const s = await load('email_events', 'e.csv', 'event_id,campaign_id,customer_id,occurred_at,type\n1,k,c,2024-01-01,OPEN\n2,k,c,2024-01-01,opened\n');
    expect(s).toMatchObject({ accepted: 1, quarantined: 1 });
    expect((await reasonsByRow(wh, 'email_events'))[2]).toEqual([
      'type: "opened" is not one of sent, delivered, open, click, unsubscribe, bounce, conversion',
    ]);
    expect(await count(wh, `SELECT count(*) FROM email_events WHERE type = 'open'`)).toBe(1);
  });

  it('rejects invalid JSON attributes and booleans', async () => {
    await load('customers', 'c.csv', 'customer_id,created_at,attributes\nc1,2024-01-01,"{""a"":1}"\nc2,2024-01-01,[1]\n');
    expect((await reasonsByRow(wh, 'customers'))[2]).toEqual(['attributes: "[1]" is not a JSON object']);
    await load('tickets', 't.csv', 'ticket_id,opened_at,is_complaint\nt1,2024-01-01,yes\nt2,2024-01-01,maybe\n');
    expect((await reasonsByRow(wh, 'tickets'))[2]).toEqual(['is_complaint: "maybe" is not true or false']);
  });

  it('gives every reason of a row at once', async () => {
    await load('orders', 'o.csv', 'order_id,customer_id,ordered_at,amount,status\n1,,yesterday,-1,shipped\n');
    expect((await reasonsByRow(wh, 'orders'))[1]).toEqual([
      'customer_id: missing (required)',
      'ordered_at: "yesterday" is not an ISO 8601 timestamp (e.g. 2024-03-01 or 2024-03-01T14:30:00Z)',
      'amount: "-1" is negative',
      'status: "shipped" is not one of completed, cancelled',
    ]);
  });
});

describe('currency and FX', () => {
  it('rejects a currency with no FX rate on or before the row date, and converts with the latest rate', async () => {
    await load('fx_rates', 'fx.csv', 'currency,date,rate\nEUR,2024-01-01,1.10\nEUR,2024-02-01,1.20\n');
    const s = await load(
      'orders',
      'o.csv',
      'order_id,customer_id,ordered_at,amount,currency\n1,c,2024-01-15,100,EUR\n2,c,2024-02-01,100,eur\n3,c,2023-12-31,100,EUR\n4,c,2024-01-15,100,GBP\n5,c,2024-01-15,100,USD\n',
    );
    expect(s).toMatchObject({ accepted: 3, quarantined: 2 });
    const r = await reasonsByRow(wh, 'orders');
    expect(r[3]).toEqual(['currency: no FX rate for EUR on or before 2023-12-31 (the workspace reports in USD: import fx_rates, then run retain quarantine retry; or, if EUR is your currency, retain config set currency EUR before importing)']);
    expect(r[4]).toEqual(['currency: no FX rate for GBP on or before 2024-01-15 (the workspace reports in USD: import fx_rates, then run retain quarantine retry; or, if GBP is your currency, retain config set currency GBP before importing)']);
    const rates = await wh.query(`SELECT order_id, _rate FROM orders ORDER BY order_id`);
    expect(rates).toEqual([
      { order_id: '1', _rate: 1.1 },
      { order_id: '2', _rate: 1.2 },
      { order_id: '5', _rate: 1 },
    ]);
  });
});

describe('references', () => {
  it('accepts rows that reference unknown customers or orders, counted as orphans', async () => {
    await load('customers', 'c.csv', 'customer_id,created_at\nc1,2024-01-01\n');
    const s = await load('orders', 'o.csv', 'order_id,customer_id,ordered_at,amount\n1,c1,2024-01-01,1\n2,c9,2024-01-01,1\n');
    expect(s).toMatchObject({ accepted: 2, orphans: 1 });
    const i = await load('order_items', 'i.csv', 'order_id,line_id,product_id,quantity,unit_price\n1,1,p,1,1\n7,1,p,1,1\n');
    expect(i).toMatchObject({ accepted: 2, orphans: 1 });
  });
});

describe('CSV dialects and mapping', () => {
  it('reads a BOM, semicolons, CRLF, quoted delimiters, quotes and newlines', async () => {
    const csv = '\uFEFForder_id;customer_id;ordered_at;amount\r\n"a;1";"c ""x""";2024-01-01;1.5\r\n"b";"multi\r\nline";2024-01-02T10:00:00+02:00;2\r\n';
    const s = await load('orders', 'o.csv', csv);
    expect(s).toMatchObject({ read: 2, accepted: 2 });
    const rows = await wh.query(`SELECT order_id, customer_id, CAST(ordered_at AS VARCHAR) AS t FROM orders ORDER BY order_id`);
    expect(rows).toEqual([
      { order_id: 'a;1', customer_id: 'c "x"', t: '2024-01-01 00:00:00+00' },
      { order_id: 'b', customer_id: 'multi\r\nline', t: '2024-01-02 08:00:00+00' },
    ]);
  });

  it('reads tab-separated files', async () => {
    const s = await load('orders', 'o.tsv', 'order_id\tcustomer_id\tordered_at\tamount\n1\tc\t2024-01-01\t3\n');
    expect(s.accepted).toBe(1);
  });

  it('maps differently named columns with --map', async () => {
    const s = await load('orders', 'shop.csv', 'Name,Email,Created at,Total\n#1001,a@x,2024-01-01,10\n', {
      map: ['Name=order_id', 'Email=customer_id', 'Created at=ordered_at', 'Total=amount'],
    });
    expect(s.accepted).toBe(1);
    expect(await wh.query(`SELECT order_id, customer_id FROM orders`)).toEqual([{ order_id: '#1001', customer_id: 'a@x' }]);
  });

  it('refuses a file without a column for a required field, saying how to map it', async () => {
    await expect(load('orders', 'o.csv', 'order_id,customer_id,ordered_at\n1,c,2024-01-01\n')).rejects.toMatchObject({
      code: 'missing-columns',
      hint: expect.stringContaining('--map <column>=amount'),
    });
  });

  it('quarantines records with too many fields, with the right row numbers after them', async () => {
    const s = await load('orders', 'o.csv', 'order_id,customer_id,ordered_at,amount\n1,c,2024-01-01,1\n2,c,2024-01-01,1,extra\n3,c,2024-01-01\n4,c,2024-01-01,1\n');
    expect(s).toMatchObject({ read: 4, accepted: 2, quarantined: 2 });
    const r = await reasonsByRow(wh, 'orders');
    expect(r[2]).toEqual(['record has more fields than the header (check the delimiter and quoting)']);
    expect(r[3]).toEqual(['amount: missing (required)']);
  });

  it('numbers rows exactly in a file big enough to be read in parallel, with a foreign currency', async () => {
    await load('fx_rates', 'fx.csv', 'currency,date,rate\nEUR,2020-01-01,1.1\n');
    const lines = ['order_id,customer_id,ordered_at,amount,currency'];
    const bad: number[] = [];
    for (let i = 1; i <= 300_000; i++) {
      const broken = i % 9973 === 0;
      if (broken) bad.push(i);
      lines.push(`o${i},c${i % 100},2024-01-01,${broken ? 'x' : i % 50},${i % 7 === 0 ? 'EUR' : 'USD'}`);
    }
    const s = await load('orders', 'big.csv', lines.join('\n') + '\n');
    expect(s).toMatchObject({ read: 300_000, quarantined: bad.length, accepted: 300_000 - bad.length });
    const rows = await wh.query(`SELECT "row", raw FROM _quarantine ORDER BY "row"`);
    expect(rows.map((r) => Number(r.row))).toEqual(bad);
    expect(rows.map((r) => (JSON.parse(String(r.raw)) as { order_id: string }).order_id)).toEqual(bad.map((i) => `o${i}`));
  });

  it('reads JSON lines, reporting bad lines by line number', async () => {
    const jsonl = '{"order_id":"1","customer_id":"c","ordered_at":"2024-01-01","amount":5}\nnot json\n\n{"order_id":"2","customer_id":"c","ordered_at":"2024-01-01","amount":"x"}\n';
    const s = await load('orders', 'o.jsonl', jsonl);
    expect(s).toMatchObject({ read: 3, accepted: 1, quarantined: 2 });
    const r = await reasonsByRow(wh, 'orders');
    expect(r[2]?.[0]).toBe('line is not a JSON object');
    expect(r[4]).toEqual(['amount: "x" is not a number (use . for decimals, no currency signs or thousands separators)']);
  });
});
