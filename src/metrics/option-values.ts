/**
 * The rules for option values both surfaces take — a whole number, a calendar day — the same for
 * the CLI's flags and the API's parameters (no zod: the CLI's options load it).
 */
import { UsageError } from '../warehouse/errors.js';

/** A positive whole number, as a number or as the text of one. */
export function positiveWhole(name: string, v: number | string): number {
  const n = typeof v === 'number' ? v : v.trim() === '' ? NaN : Number(v);
  if (!Number.isInteger(n) || n <= 0) throw new UsageError('bad-option', `${name} must be a positive whole number; got "${v}".`);
  return n;
}

/** A whole number ≥ 0 (a lag may be 0). */
export function wholeOrZero(name: string, v: number | string): number {
  return v === 0 || v === '0' ? 0 : positiveWhole(name, v);
}

/** A number within [min, max]. */
export function numberWithin(name: string, v: number | string, min: number, max: number): number {
  const n = typeof v === 'number' ? v : v.trim() === '' ? NaN : Number(v);
  if (!Number.isFinite(n) || n < min || n > max) throw new UsageError('bad-option', `${name} must be a number from ${min} to ${max}; got "${v}".`);
  return n;
}

/** A date as YYYY-MM-DD that is a real calendar day. */
export function isoDay(name: string, v: string): string {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(v) || Number.isNaN(Date.parse(`${v}T00:00:00Z`)) || new Date(`${v}T00:00:00Z`).toISOString().slice(0, 10) !== v) {
    throw new UsageError('bad-date', `${name} ${v}: expected a date as YYYY-MM-DD.`);
  }
  return v;
}
