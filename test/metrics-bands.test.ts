/** Every metric has benchmark bands with a source, or a stated reason why no band is meaningful. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { INDUSTRY_BENCHMARKS } from '../src/metrics/industry-benchmarks.js';
import { METRICS } from '../src/metrics/registry.js';
import { buildReport } from '../src/metrics/report.js';
import type { Band } from '../src/metrics/types.js';
import { INDUSTRIES } from '../src/warehouse/schema/industries.js';
import { setSetting } from '../src/warehouse/schema/settings.js';
import type { Warehouse } from '../src/warehouse/warehouse.js';
import { load } from './helpers/metrics.js';
import { memoryWorkspace, tmp, writeFixture } from './helpers/workspace.js';

/** Bands ordered by their bounds, each starting where the previous one ended, each labelled. */
function checkBands(id: string, bands: readonly Band[]): void {
  expect(bands.length, id).toBeGreaterThan(0);
  for (const b of bands) expect(b.label.length, id).toBeGreaterThan(0);
  expect(bands[0]!.min, `${id}: the first band is open below`).toBeUndefined();
  expect(bands.at(-1)!.max, `${id}: the last band is open above`).toBeUndefined();
  for (let i = 1; i < bands.length; i++) {
    expect(bands[i]!.min, `${id}: band ${i} starts where band ${i - 1} ends`).toBe(bands[i - 1]!.max);
    expect(bands[i]!.max === undefined || bands[i]!.max! > bands[i]!.min!, `${id}: band ${i} is not empty`).toBe(true);
  }
}

describe('benchmark bands', () => {
  it('every registered metric has bands or a reason, not both', () => {
    const neither = METRICS.filter((m) => !m.benchmark && !m.noBenchmark).map((m) => m.id);
    const both = METRICS.filter((m) => m.benchmark && m.noBenchmark).map((m) => m.id);
    expect({ neither, both }).toEqual({ neither: [], both: [] });
    for (const m of METRICS) if (m.noBenchmark) expect(m.noBenchmark.length, m.id).toBeGreaterThan(40);
  });

  it('bands are ordered, non-overlapping and labelled, with a named source', () => {
    for (const m of METRICS) {
      if (!m.benchmark) continue;
      checkBands(m.id, m.benchmark.bands);
      expect(m.benchmark.source.length, m.id).toBeGreaterThan(20);
    }
  });
});

describe('built-in bands by industry', () => {
  it('name known industries and registered metrics, with valid bands and a source', () => {
    expect(Object.keys(INDUSTRY_BENCHMARKS).sort()).toEqual([...INDUSTRIES].sort());
    const ids = METRICS.map((m) => m.id);
    for (const [industry, byMetric] of Object.entries(INDUSTRY_BENCHMARKS)) {
      for (const [id, b] of Object.entries(byMetric)) {
        expect(ids, `${industry}: ${id}`).toContain(id);
        checkBands(`${industry}: ${id}`, b.bands);
        expect(b.source.length).toBeGreaterThan(20);
      }
    }
    // The metrics the issue asks industry bands for each have some.
    const covered = new Set(Object.values(INDUSTRY_BENCHMARKS).flatMap((b) => Object.keys(b)));
    for (const id of ['nps', 'csat', 'churn_rate', 'retention_rate', 'repeat_purchase_rate', 'email_open_rate', 'email_ctr', 'bounce_rate', 'return_rate']) {
      expect(covered.has(id), id).toBe(true);
    }
  });

  let wh: Warehouse;
  beforeAll(async () => {
    wh = await memoryWorkspace();
    // 10 answers: 5 promoters (10), 3 passives (8), 2 detractors (3): NPS = 50 % − 20 % = 30.
    const score = (i: number) => (i < 5 ? 10 : i < 8 ? 8 : 3);
    const rows = Array.from({ length: 10 }, (_, i) => `r${i},c${i},nps,${score(i)},,2024-01-05`).join('\n');
    await load(wh, { survey_responses: `response_id,customer_id,survey,score,scale_max,responded_at\n${rows}` });
  });
  afterAll(async () => wh.close());
  const nps = async (benchmarks?: string) => (await buildReport(wh, { from: '2024-01-01', to: '2024-02-01', metrics: ['nps'], benchmarks })).metrics[0]!;

  it('the workspace industry selects its bands and source; a benchmarks file still wins', async () => {
    // No industry: the general bands, 30 in positive [0, 50).
    expect(await nps()).toMatchObject({ value: 30, benchmark: { band: 'positive' } });
    // Telecoms average 24 (Satmetrix 2018): 30 ≥ 24 is above it.
    await setSetting(wh, 'industry', 'telecom');
    expect((await nps()).benchmark).toMatchObject({ band: 'above the industry average', source: 'NICE Satmetrix, 2018 U.S. Consumer NPS Benchmarks: telecommunications average 24' });
    // Streaming media average 39 (Temkin 2018): 30 < 39 is below it.
    await setSetting(wh, 'industry', 'media');
    expect((await nps()).benchmark).toMatchObject({ band: 'below the industry average', source: expect.stringContaining('Temkin Group') });
    const file = writeFixture(tmp(), 'b.json', JSON.stringify({ metrics: { nps: { bands: [{ label: 'below our goal', max: 40 }, { label: 'on goal', min: 40 }], source: 'our 2026 goal' } } }));
    expect((await nps(file)).benchmark).toMatchObject({ band: 'below our goal', source: 'our 2026 goal' });
  });

  it('an unknown industry is an error listing the known ones, with a suggestion', async () => {
    await expect(setSetting(wh, 'industry', 'telcom')).rejects.toMatchObject({
      code: 'unknown-industry',
      hint: expect.stringMatching(/Did you mean telecom\?.*Known industries: ecommerce, retail/),
    });
    // A name far from every built-in one is the workspace's own: set, and the report asks a
    // benchmarks file to give its bands.
    await setSetting(wh, 'industry', 'nordic-ferries');
    await expect(nps()).rejects.toMatchObject({ code: 'unknown-industry' });
    const own = writeFixture(tmp(), 'own.json', JSON.stringify({ industries: { 'nordic-ferries': { nps: { bands: [{ label: 'ferry leader', min: 20 }], source: 'ferry survey 2026' } } } }));
    expect((await nps(own)).benchmark).toMatchObject({ band: 'ferry leader', source: 'ferry survey 2026' });
    // A name stored before it was checked stops the report the same way.
    await wh.exec(`DELETE FROM _settings WHERE key = 'industry'`);
    await wh.exec(`INSERT INTO _settings VALUES ('industry', 'helthcare')`);
    await expect(nps()).rejects.toMatchObject({ code: 'unknown-industry', hint: expect.stringContaining('Did you mean healthcare?') });
  });
});
