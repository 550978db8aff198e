/**
 * The industries the built-in benchmark bands know (src/metrics/industry-benchmarks.ts holds
 * their bands): the values `retain config set industry` accepts. Named here, below the metrics,
 * so the settings can check a name without reading the bands.
 */
import { UsageError } from '../errors.js';
import { didYouMean } from '../suggest.js';

export const INDUSTRIES = ['ecommerce', 'retail', 'saas', 'finance', 'telecom', 'hospitality', 'healthcare', 'media'] as const;
export type Industry = (typeof INDUSTRIES)[number];

export const isIndustry = (name: string): name is Industry => (INDUSTRIES as readonly string[]).includes(name);

/** Throws unless `name` is a built-in industry or one of `more` (a benchmarks file's own). */
export function assertKnownIndustry(name: string, more: readonly string[] = []): void {
  if (isIndustry(name) || more.includes(name)) return;
  const known = [...INDUSTRIES, ...more];
  throw new UsageError(
    'unknown-industry',
    `Unknown industry "${name}".`,
    `${didYouMean(name, known)}Known industries: ${known.join(', ')}.`,
  );
}
