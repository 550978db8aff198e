/** Values as people read them, by the metric's unit; the currency is the report's. */
import type { Unit } from '../../src/metrics/types.js';

export function formatValue(value: number | null, unit: Unit, currency: string): string {
  if (value === null) return '—';
  switch (unit) {
    case 'percent':
      return `${value.toLocaleString('en', { maximumFractionDigits: 1 })} %`;
    case 'money':
      return value.toLocaleString('en', { style: 'currency', currency, maximumFractionDigits: Math.abs(value) >= 100 ? 0 : 2 });
    case 'seconds':
      return value >= 3600 ? `${(value / 3600).toFixed(1)} h` : value >= 60 ? `${(value / 60).toFixed(1)} min` : `${value.toFixed(0)} s`;
    case 'days':
      return `${value.toLocaleString('en', { maximumFractionDigits: 1 })} days`;
    case 'months':
      return `${value.toLocaleString('en', { maximumFractionDigits: 1 })} months`;
    case 'ratio':
      return value.toLocaleString('en', { maximumFractionDigits: 2 });
    default:
      return value.toLocaleString('en', { maximumFractionDigits: 1 });
  }
}

/** A change with its sign, in the unit's terms (points for percentages and scores). */
export function formatChange(change: number | null, unit: Unit, currency: string): string {
  if (change === null) return '';
  const sign = change > 0 ? '+' : change < 0 ? '−' : '±';
  const abs = Math.abs(change);
  if (unit === 'percent') return `${sign}${abs.toLocaleString('en', { maximumFractionDigits: 1 })} pts`;
  return sign + formatValue(abs, unit, currency);
}
