/** Every metric has benchmark bands with a source, or a stated reason why no band is meaningful. */
import { describe, expect, it } from 'vitest';
import { METRICS } from '../src/metrics/registry.js';
import type { Band } from '../src/metrics/types.js';

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
