/**
 * The result cache of `retain serve`, against a real server on loopback over a tiny workspace of
 * NPS answers: a request answered twice is computed once (the same cached_at); the order of the
 * parameters and a default written out share the entry; identical requests at once are computed
 * once (the server logs each computation: counted here); rows ingested into a table the answer
 * does not read leave it current, rows into one it reads make the next answer stale — the old
 * value at once — and then a fresh one with the new rows, worked out by hand.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serve, stop, type Served } from './helpers/serve.js';
import { tmp, writeFixture } from './helpers/workspace.js';

const BIN = join(import.meta.dirname, '..', 'bin', 'retain.js');
const cli = (args: string[]) => spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8' });
const dir = tmp();
const db = join(dir, 'cache.duckdb');
const keys = { read: '', ingest: '' };
let served: Served;

/**
 * Four NPS answers in January 2025: 10 and 9 promote, 7 is passive, 3 detracts.
 * NPS = 100 × (2 − 1) / 4 = 25.
 */
const ANSWERS = `response_id,survey,score,responded_at
r1,nps,10,2025-01-05T10:00:00Z
r2,nps,9,2025-01-06T10:00:00Z
r3,nps,7,2025-01-07T10:00:00Z
r4,nps,3,2025-01-08T10:00:00Z
`;
const PERIOD = 'from=2025-01-01&to=2025-02-01';
/** That request as its cache key writes it (the options sorted, defaults applied), for counting its computations. */
const PERIOD_KEY = '"compare":"previous","from":"2025-01-01","grain":"month","metrics":["nps"]';

beforeAll(async () => {
  const imported = cli(['import', 'survey_responses', writeFixture(dir, 'answers.csv', ANSWERS), '--db', db]);
  expect(imported.status, imported.stderr).toBe(0);
  for (const kind of ['read', 'ingest'] as const) {
    const r = cli(['keys', 'create', '--kind', kind, '--format', 'json', '--db', db]);
    expect(r.status, r.stderr).toBe(0);
    keys[kind] = (JSON.parse(r.stdout) as { key: string }).key;
  }
  served = await serve(db);
}, 60_000);

afterAll(() => stop(served));

interface MetricAnswer {
  summary: { current: number | null };
  cached_at: string;
  stale: boolean;
}

async function get(path: string): Promise<{ body: MetricAnswer; outcome: string | null }> {
  const res = await fetch(served.v1(path), { headers: { authorization: `Bearer ${keys.read}` } });
  expect(res.status, await res.clone().text()).toBe(200);
  return { body: (await res.json()) as MetricAnswer, outcome: res.headers.get('x-retain-cache') };
}

async function ingest(table: string, rows: unknown[]): Promise<void> {
  const res = await fetch(served.v1(`/ingest/${table}`), {
    method: 'POST',
    headers: { authorization: `Bearer ${keys.ingest}`, 'content-type': 'application/json' },
    body: JSON.stringify(rows),
  });
  expect(await res.json()).toMatchObject({ accepted: rows.length });
}

/** The computations the server logged for requests whose key holds `part`. */
const computed = (part: string) =>
  served
    .log()
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as { msg: string; cache?: { key: string } })
    .filter((l) => l.msg === 'result computed' && l.cache?.key.includes(part)).length;

describe('the result cache', () => {
  it('answers the same request twice from one computation', async () => {
    const first = await get(`/metrics/nps?${PERIOD}`);
    expect(first.outcome).toBe('miss');
    expect(first.body).toMatchObject({ summary: { current: 25 }, stale: false });
    const second = await get(`/metrics/nps?${PERIOD}`);
    expect(second.outcome).toBe('hit');
    expect(second.body).toEqual(first.body);
    expect(computed(PERIOD_KEY)).toBe(1);
  });

  it('shares the entry whatever the order of the parameters, and with a default written out', async () => {
    const a = await get('/metrics/nps?from=2025-01-01&to=2025-02-01&grain=quarter&compare=year');
    const b = await get('/metrics/nps?compare=year&grain=quarter&to=2025-02-01&from=2025-01-01');
    expect([a.outcome, b.outcome]).toEqual(['miss', 'hit']);
    expect(b.body.cached_at).toBe(a.body.cached_at);
    // grain=month is the default: the same request as leaving it out (answered in the test above).
    const c = await get(`/metrics/nps?${PERIOD}&grain=month`);
    expect(c.outcome).toBe('hit');
  });

  it('computes identical requests that arrive together once', async () => {
    const answers = await Promise.all(Array.from({ length: 6 }, () => get(`/metrics/nps?${PERIOD}&grain=week`)));
    expect(answers.map((a) => a.outcome).sort()).toEqual(['miss', 'shared', 'shared', 'shared', 'shared', 'shared']);
    expect(new Set(answers.map((a) => a.body.cached_at)).size).toBe(1);
    expect(computed('"grain":"week"')).toBe(1);
  });

  it('keeps an answer current when rows arrive in a table it does not read', async () => {
    const before = await get(`/metrics/nps?${PERIOD}`);
    await ingest('tickets', [{ ticket_id: 't1', opened_at: '2025-01-10T09:00:00Z' }]);
    const after = await get(`/metrics/nps?${PERIOD}`);
    expect(after.outcome).toBe('hit');
    expect(after.body).toEqual(before.body);
  });

  it('serves the old answer as stale once rows arrive in a table it reads, then the new one', async () => {
    const before = await get(`/metrics/nps?${PERIOD}`);
    expect(before.body).toMatchObject({ summary: { current: 25 }, stale: false });
    // Two more promoters: 4 of 6 promote, 1 of 6 detracts, NPS = 100 × (4 − 1) / 6 = 50.
    await ingest('survey_responses', [
      { response_id: 'r5', survey: 'nps', score: 10, responded_at: '2025-01-20T10:00:00Z' },
      { response_id: 'r6', survey: 'nps', score: 10, responded_at: '2025-01-21T10:00:00Z' },
    ]);
    const stale = await get(`/metrics/nps?${PERIOD}`);
    expect(stale.outcome).toBe('stale');
    expect(stale.body).toEqual({ ...before.body, stale: true });
    // The refresh the stale answer started: one computation, then current answers with the new rows.
    let fresh = stale;
    for (let i = 0; i < 100 && fresh.body.stale; i++) {
      await new Promise((r) => setTimeout(r, 50));
      fresh = await get(`/metrics/nps?${PERIOD}`);
    }
    expect(fresh.body).toMatchObject({ summary: { current: 50 }, stale: false });
    expect(fresh.body.cached_at > before.body.cached_at).toBe(true);
    expect(computed(PERIOD_KEY)).toBe(2);
  });
});
