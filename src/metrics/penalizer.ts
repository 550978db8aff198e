/** The rule for the models' L2 penalty, the same for --penalizer and the API's `penalizer` (no zod: the CLI's options load it). */
import { UsageError } from '../warehouse/errors.js';

export function penalizer(v: number | string): number {
  const n = typeof v === 'number' ? v : v.trim() === '' ? NaN : Number(v);
  if (!Number.isFinite(n) || n < 0) throw new UsageError('bad-option', `--penalizer must be a number ≥ 0; got "${v}".`, 'Use 0 for none, e.g. 0.001 for a light one.');
  return n;
}
