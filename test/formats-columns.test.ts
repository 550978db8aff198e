/**
 * Nothing dropped silently: columns no field takes are named; --map X=attributes.key and
 * --extra-attributes keep them in customers' attributes (where --by reads them); identifiers
 * written as decimals by spreadsheets are reported, and --normalize-ids stores them as integers.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildReport } from '../src/metrics/report.js';
import { importFile } from '../src/warehouse/import/import.js';
import type { Warehouse } from '../src/warehouse/warehouse.js';
import { count, memoryWorkspace, tmp, writeFixture } from './helpers/workspace.js';

let wh: Warehouse;
let dir: string;
beforeEach(async () => {
  wh = await memoryWorkspace();
  dir = tmp();
});
afterEach(async () => wh.close());

const CUSTOMERS = `customer_id,created_at,Full Name,Segment,Region
c1,2025-01-05,Ann Lee,gold,north
c2,2025-01-06,Bob Ray,silver,
c3,2025-01-07,Cy Dee,gold,north
`;
const ORDERS = `order_id,customer_id,ordered_at,amount
o1,c1,2025-02-01,100
o2,c2,2025-02-02,30
o3,c3,2025-02-03,50
`;

const attributes = async () =>
  (await wh.query(`SELECT customer_id, attributes FROM customers ORDER BY customer_id`)).map((r) => [r.customer_id, r.attributes === null ? null : JSON.parse(String(r.attributes))]);

describe('unmapped columns', () => {
  it('are listed in the summary and warned about', async () => {
    const s = await importFile(wh, { table: 'customers', file: writeFixture(dir, 'customers.csv', CUSTOMERS) });
    expect(s).toMatchObject({ accepted: 3, unmapped: ['Full Name', 'Segment', 'Region'] });
    expect(s.warnings).toEqual([
      '3 columns "Full Name", "Segment", "Region" map to no field of customers and were not imported: name each field with --map "Full Name=<field>", or keep them with --map "Full Name=attributes.<key>" or --extra-attributes',
    ]);
    expect(await attributes()).toEqual([
      ['c1', null],
      ['c2', null],
      ['c3', null],
    ]);
  });

  it('go into attributes with --map, and --by reads them: the average order value by segment', async () => {
    const s = await importFile(wh, { table: 'customers', file: writeFixture(dir, 'customers.csv', CUSTOMERS), map: ['Segment=attributes.segment', 'Full Name=name'] });
    expect(s.unmapped).toEqual(['Region']);
    expect(await attributes()).toEqual([
      ['c1', { segment: 'gold' }],
      ['c2', { segment: 'silver' }],
      ['c3', { segment: 'gold' }],
    ]);
    expect(await wh.query(`SELECT name FROM customers ORDER BY customer_id`)).toEqual([{ name: 'Ann Lee' }, { name: 'Bob Ray' }, { name: 'Cy Dee' }]);
    await importFile(wh, { table: 'orders', file: writeFixture(dir, 'orders.csv', ORDERS) });
    const report = await buildReport(wh, { from: '2025-02-01', to: '2025-03-01', grain: 'month', metrics: ['aov'], by: 'segment' });
    const aov = report.metrics.find((m) => m.id === 'aov');
    // gold: (100 + 50) / 2 orders; silver: 30 / 1.
    expect(aov?.segments?.map((x) => [x.segment, x.value, x.n])).toEqual([
      ['gold', 75, 2],
      ['silver', 30, 1],
    ]);
  });

  it('all go into attributes with --extra-attributes, keyed by their names in snake case (an empty value as null)', async () => {
    const s = await importFile(wh, { table: 'customers', file: writeFixture(dir, 'customers.csv', CUSTOMERS), extraAttributes: true });
    expect(s).toMatchObject({ unmapped: [], warnings: [] });
    expect(await attributes()).toEqual([
      ['c1', { full_name: 'Ann Lee', segment: 'gold', region: 'north' }],
      ['c2', { full_name: 'Bob Ray', segment: 'silver', region: null }],
      ['c3', { full_name: 'Cy Dee', segment: 'gold', region: 'north' }],
    ]);
  });

  it('cannot go into a table without attributes, and the error says which tables have them', async () => {
    const file = writeFixture(dir, 'orders.csv', `order_id,customer_id,ordered_at,amount,Segment\no1,c1,2025-02-01,1,gold\n`);
    await expect(importFile(wh, { table: 'orders', file, map: ['Segment=attributes.segment'] })).rejects.toMatchObject({
      code: 'bad-map',
      message: '--map Segment=attributes.segment: orders has no attributes field to put columns in.',
    });
    await expect(importFile(wh, { table: 'orders', file, extraAttributes: true })).rejects.toMatchObject({
      message: '--extra-attributes: orders has no attributes field to put columns in.',
      hint: expect.stringMatching(/^Only customers keep free-form attributes; map the column to a field of orders/),
    });
    await expect(importFile(wh, { table: 'customers', file: writeFixture(dir, 'c.csv', CUSTOMERS), map: ['Segment=attributes.my segment'] })).rejects.toThrow(
      /is not an attributes key/,
    );
    expect(await count(wh, 'SELECT count(*) FROM _imports')).toBe(0);
  });
});

describe('identifiers written as decimals', () => {
  const file = () =>
    writeFixture(dir, 'orders.csv', `order_id,customer_id,ordered_at,amount\n5.0,17850.0,2025-02-01,1\n5,17850,2025-02-02,2\n6,13047.00,2025-02-03,3\n7,1.5,2025-02-04,4\n`);

  it('are reported with their count and an example, and stored as written', async () => {
    const s = await importFile(wh, { table: 'orders', file: file() });
    expect(s).toMatchObject({ read: 4, accepted: 4, duplicates: 0 });
    expect(s.warnings).toEqual([
      '2 records write identifiers as decimals, as spreadsheets do (e.g. customer_id "13047.00"), stored as written so they will not match the same id written without ".0": use --normalize-ids to store them as whole numbers',
    ]);
    expect((await wh.query(`SELECT order_id, customer_id FROM orders ORDER BY order_id`)).map((r) => `${r.order_id}/${r.customer_id}`)).toEqual([
      '5/17850',
      '5.0/17850.0',
      '6/13047.00',
      '7/1.5',
    ]);
  });

  it('are stored as integers with --normalize-ids, so 5.0 and 5 are the same order (a duplicate)', async () => {
    const s = await importFile(wh, { table: 'orders', file: file(), normalizeIds: true });
    expect(s).toMatchObject({ read: 4, accepted: 3, duplicates: 1 });
    expect(s.warnings).toEqual(['2 records wrote identifiers as decimals (e.g. customer_id "13047.00"); stored as whole numbers (--normalize-ids)']);
    expect((await wh.query(`SELECT order_id, customer_id, CAST(amount AS INTEGER) AS a FROM orders ORDER BY order_id`)).map((r) => `${r.order_id}/${r.customer_id}/${r.a}`)).toEqual([
      '5/17850/1',
      '6/13047/3',
      '7/1.5/4',
    ]);
  });
});
