/** Benchmark bands from the registry, overridden per industry and per workspace by a JSON file. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildReport } from '../src/metrics/report.js';
import { setSetting } from '../src/warehouse/schema/settings.js';
import type { Warehouse } from '../src/warehouse/warehouse.js';
import { load } from './helpers/metrics.js';
import { memoryWorkspace, tmp, writeFixture } from './helpers/workspace.js';

let wh: Warehouse;
beforeAll(async () => {
  wh = await memoryWorkspace();
  // NPS 60: 8 promoters, 2 detractors of 10.
  const rows = Array.from({ length: 10 }, (_, i) => `r${i},c${i},nps,${i < 8 ? 10 : 3},,2024-01-05`).join('\n');
  await load(wh, { survey_responses: `response_id,customer_id,survey,score,scale_max,responded_at\n${rows}` });
});
afterAll(async () => wh.close());

const nps = async (benchmarks?: string) =>
  (await buildReport(wh, { from: '2024-01-01', to: '2024-02-01', metrics: ['nps', 'csat'], benchmarks })).metrics[0]!;

describe('benchmarks', () => {
  it('rates the value with the registry bands and names their source', async () => {
    const r = await nps();
    expect(r.value).toBe(60);
    expect(r.benchmark).toMatchObject({ band: 'great', source: 'Source notes (Malay and Thai marketing glossaries), METRICS.md' });
  });

  it('an industry section applies for the workspace industry, and workspace bands win over it', async () => {
    const file = writeFixture(
      tmp(),
      'bench.json',
      JSON.stringify({
        industries: { telecom: { nps: { bands: [{ label: 'telecom leader', min: 30 }], source: 'telecom survey 2025' } } },
        metrics: { csat: { bands: [{ label: 'ours', min: 0 }], source: 'our target' } },
      }),
    );
    expect((await nps(file)).benchmark).toMatchObject({ band: 'great' }); // no industry set yet
    await setSetting(wh, 'industry', 'telecom');
    expect((await nps(file)).benchmark).toMatchObject({ band: 'telecom leader', source: 'telecom survey 2025' });
    const both = JSON.stringify({
      industries: { telecom: { nps: { bands: [{ label: 'telecom leader', min: 30 }], source: 'telecom survey 2025' } } },
      metrics: { nps: { bands: [{ label: 'below our goal', max: 70 }], source: 'our 2026 goal' } },
    });
    expect((await nps(writeFixture(tmp(), 'b2.json', both))).benchmark).toMatchObject({ band: 'below our goal', source: 'our 2026 goal' });
  });

  it('a malformed file or an unknown metric is a clear usage error', async () => {
    await expect(nps(writeFixture(tmp(), 'x.json', '{"metrics": {"nps": {"bands": []}}}'))).rejects.toMatchObject({ code: 'bad-benchmarks' });
    await expect(nps(writeFixture(tmp(), 'y.json', '{"metrics": {"npx": {"bands": [{"label": "a"}], "source": "s"}}}'))).rejects.toMatchObject({
      code: 'bad-benchmarks',
      message: expect.stringContaining('unknown metric npx'),
    });
  });
});
