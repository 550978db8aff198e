/**
 * --where and --by name fields and values the workspace has: an unknown field lists the customer
 * columns and the attributes keys the customers actually carry (with "did you mean"), a value no
 * customer has suggests the stored spelling or lists the stored values. On DuckDB, and on a
 * ClickHouse copy when RETAIN_TEST_CLICKHOUSE is set (its keys come from a regular expression).
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { customerList } from '../src/metrics/customers.js';
import { buildReport } from '../src/metrics/report.js';
import { attributeKeys, checkSlice } from '../src/metrics/slice.js';
import { openWorkspace } from '../src/warehouse/open.js';
import type { Warehouse } from '../src/warehouse/warehouse.js';
import { CLICKHOUSE, load, mirrorOf } from './helpers/metrics.js';
import { tmp } from './helpers/workspace.js';

const BIN = join(import.meta.dirname, '..', 'bin', 'retain.js');
const cli = (args: string[]) => spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8' });

/** A CSV cell holding a JSON object (quotes doubled). */
const json = (o: Record<string, string>) => `"${JSON.stringify(o).replaceAll('"', '""')}"`;

/**
 * Fourteen customers: k01–k06 in DE, k07–k13 in US, k14 without a country. Channels: email for
 * three, social for two, and one each of ads, affiliate, direct, events, partner, podcast,
 * referral, search, tv — eleven values. Attributes: segment on k01–k04; region on k01; a key with
 * a quote in its name (no filter can name it) and a value holding `": ` on k05; tier on k05, k06.
 */
const CHANNELS = ['email', 'email', 'email', 'social', 'social', 'ads', 'affiliate', 'direct', 'events', 'partner', 'podcast', 'referral', 'search', 'tv'];
const ATTRIBUTES: Record<number, Record<string, string>> = {
  1: { segment: 'smb', region: 'north' },
  2: { segment: 'smb' },
  3: { segment: 'enterprise' },
  4: { segment: 'smb' },
  5: { 'odd"key': 'x', note: 'says "a": b', tier: 'gold' },
  6: { tier: 'silver' },
};
const CUSTOMERS = [
  'customer_id,created_at,country,channel,attributes',
  ...CHANNELS.map((channel, n) => {
    const i = n + 1;
    return `k${String(i).padStart(2, '0')},2024-01-01,${i <= 6 ? 'DE' : i <= 13 ? 'US' : ''},${channel},${ATTRIBUTES[i] ? json(ATTRIBUTES[i]) : ''}`;
  }),
].join('\n');

let db: string;
let duck: Warehouse;
const engines: [string, () => Warehouse][] = [['DuckDB', () => duck]];
let server: Warehouse | undefined;
if (CLICKHOUSE) engines.push(['ClickHouse', () => server!]);

beforeAll(async () => {
  db = join(tmp(), 'filters.duckdb');
  duck = await openWorkspace({ db });
  await load(duck, { customers: CUSTOMERS, orders: 'order_id,customer_id,ordered_at,amount,status\no1,k01,2024-02-01,10,completed' });
  if (CLICKHOUSE) server = await mirrorOf(duck);
  // Read-only from here, so the CLI can open the file too.
  await duck.close();
  duck = await openWorkspace({ db, readOnly: true });
});
afterAll(async () => duck.close());

const FIELDS = 'Customer fields: email, name, country, channel, plan; attributes keys in this workspace: note, region, segment, tier.';

describe.each(engines)('filters on %s', (_, wh) => {
  it('finds the attributes keys the customers carry', async () => {
    // odd"key is left out: a filter cannot name it.
    expect(await attributeKeys(wh())).toEqual(['note', 'region', 'segment', 'tier']);
  });

  it('refuses an unknown field, listing the known ones with "did you mean"', async () => {
    await expect(checkSlice(wh(), { where: [{ field: 'planet', value: 'Mars' }] })).rejects.toMatchObject({
      code: 'unknown-field',
      message: '--where planet=Mars: no customer field or attributes key planet.',
      // planet is two edits from plan.
      hint: `Did you mean plan? ${FIELDS}`,
    });
    await expect(checkSlice(wh(), { where: [], by: 'contry' })).rejects.toMatchObject({ message: '--by contry: no customer field or attributes key contry.', hint: `Did you mean country? ${FIELDS}` });
    await expect(checkSlice(wh(), { where: [], by: 'regoin' })).rejects.toMatchObject({ hint: `Did you mean region? ${FIELDS}` });
    await expect(checkSlice(wh(), { where: [], by: 'attributes.teir' })).rejects.toMatchObject({ hint: `Did you mean tier? ${FIELDS}` });
  });

  it('takes fields and values the customers have', async () => {
    await checkSlice(wh(), { where: [{ field: 'country', value: 'DE' }, { field: 'segment', value: 'smb' }, { field: 'attributes.tier', value: 'gold' }], by: 'region' });
    await checkSlice(wh(), { where: [{ field: 'note', value: 'says "a": b' }], by: 'channel' });
  });

  it('refuses a value no customer has, with the stored spelling', async () => {
    await expect(checkSlice(wh(), { where: [{ field: 'country', value: 'de' }] })).rejects.toMatchObject({
      code: 'unknown-value',
      message: '--where country=de: no customer has country "de".',
      hint: 'Did you mean country=DE? Values are matched exactly.',
    });
    await expect(checkSlice(wh(), { where: [{ field: 'segment', value: 'SMB' }] })).rejects.toMatchObject({ hint: 'Did you mean segment=smb? Values are matched exactly.' });
  });

  it('else lists up to ten stored values, most customers first', async () => {
    // email 3, social 2, then the nine single ones alphabetically: the tenth is search, tv left out.
    await expect(checkSlice(wh(), { where: [{ field: 'channel', value: 'radio' }] })).rejects.toMatchObject({
      message: '--where channel=radio: no customer has channel "radio".',
      hint: 'Values of channel, most customers first: email, social, ads, affiliate, direct, events, partner, podcast, referral, search, ….',
    });
    // A near miss among them is named first; country has two values.
    await expect(checkSlice(wh(), { where: [{ field: 'channel', value: 'emial' }] })).rejects.toMatchObject({ hint: expect.stringMatching(/^Did you mean email\? Values of channel/) });
    await expect(checkSlice(wh(), { where: [{ field: 'country', value: 'FR' }] })).rejects.toMatchObject({ hint: 'Values of country, most customers first: US, DE.' });
    // Nobody has a plan at all.
    await expect(checkSlice(wh(), { where: [{ field: 'plan', value: 'pro' }] })).rejects.toMatchObject({ hint: 'No customer has any plan.' });
  });

  it('is checked by the report and the customer lists', async () => {
    await expect(buildReport(wh(), { from: '2024-01-01', to: '2024-03-01', metrics: ['aov'], where: ['planet=Mars'] })).rejects.toMatchObject({ code: 'unknown-field' });
    await expect(buildReport(wh(), { from: '2024-01-01', to: '2024-03-01', metrics: ['aov'], by: 'contry' })).rejects.toMatchObject({ code: 'unknown-field' });
    await expect(buildReport(wh(), { from: '2024-01-01', to: '2024-03-01', metrics: ['aov'], where: ['country=de'] })).rejects.toMatchObject({ code: 'unknown-value' });
    await expect(customerList(wh(), { where: ['country=de'] })).rejects.toMatchObject({ code: 'unknown-value', hint: 'Did you mean country=DE? Values are matched exactly.' });
    // One order, k01's (DE): the report computes on a known value.
    const r = await buildReport(wh(), { from: '2024-01-01', to: '2024-03-01', metrics: ['aov'], where: ['country=DE'] });
    expect(r.metrics[0]!.value).toBe(10);
  });
});

describe('retain with a filter the workspace lacks', () => {
  it('stops with exit code 2 and the known fields or values', () => {
    const by = cli(['report', '--db', db, '--metric', 'aov', '--by', 'contry']);
    expect(by.status).toBe(2);
    expect(by.stderr).toContain('--by contry: no customer field or attributes key contry.');
    expect(by.stderr).toContain(`Did you mean country? ${FIELDS}`);
    const value = cli(['customers', '--db', db, '--where', 'country=de']);
    expect(value.status).toBe(2);
    expect(value.stderr).toContain('Did you mean country=DE?');
  });
});
