/** Two bands split at a published average, for a source that gives an average and no more. */
import type { Benchmark } from './types.js';

export function aroundAverage(average: number, whose: string, source: string): Benchmark {
  return {
    bands: [
      { label: `below the ${whose} average`, max: average },
      { label: `above the ${whose} average`, min: average },
    ],
    source,
  };
}
