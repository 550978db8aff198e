/** suggest.ts: the edit distance worked out by hand, and when a name is near enough to suggest. */
import { describe, expect, it } from 'vitest';
import { closest, didYouMean, editDistance } from '../src/warehouse/suggest.js';

describe('editDistance', () => {
  it('counts insertions, deletions, substitutions and neighbour swaps as one edit each', () => {
    expect(editDistance('', '')).toBe(0);
    expect(editDistance('', 'abc')).toBe(3);
    expect(editDistance('orders', 'orders')).toBe(0);
    expect(editDistance('ordrs', 'orders')).toBe(1); // e left out
    expect(editDistance('orderss', 'orders')).toBe(1); // s doubled
    expect(editDistance('ordars', 'orders')).toBe(1); // a for e
    expect(editDistance('odrers', 'orders')).toBe(1); // d and r swapped (Levenshtein: 2)
    expect(editDistance('kitten', 'sitting')).toBe(3); // k→s, e→i, +g
    // Optimal string alignment: a swapped pair is not edited again, so ca → abc is 3, not 2.
    expect(editDistance('ca', 'abc')).toBe(3);
  });

  it('is symmetric', () => {
    for (const [a, b] of [['customers', 'custmoer'], ['nps', 'csat'], ['churn_rate', 'chrun_rat']] as const) {
      expect(editDistance(a, b)).toBe(editDistance(b, a));
    }
  });
});

describe('closest', () => {
  const tables = ['customers', 'orders', 'order_items', 'returns', 'tickets'];

  it('finds the nearest name within the limit, ignoring case', () => {
    expect(closest('ordrs', tables)).toBe('orders');
    expect(closest('Orders', tables)).toBe('orders'); // distance 0 once case is ignored, but not the same name
    expect(closest('order_item', tables)).toBe('order_items');
    expect(closest('tikcets', tables)).toBe('tickets');
  });

  it('suggests nothing for an exact name or for a name far from all', () => {
    expect(closest('orders', tables)).toBeUndefined();
    expect(closest('invoices', tables)).toBeUndefined(); // 5+ edits from every table above
    expect(closest('zzz', tables)).toBeUndefined();
  });

  it('allows one edit up to three characters, two from four, a third of the length beyond six', () => {
    expect(closest('npx', ['nps'])).toBe('nps'); // 1 edit, 3 characters
    expect(closest('nxx', ['nps'])).toBeUndefined(); // 2 edits, 3 characters
    expect(closest('cust', ['cats'])).toBe('cats'); // u→a and a swap: 2 edits
    expect(closest('cxyz', ['cats'])).toBeUndefined(); // 3 edits
    expect(closest('csta', ['csat'])).toBe('csat'); // a swap
    expect(closest('ctsa', ['csat'])).toBe('csat'); // 2 edits, 4 characters
    // 14 characters: up to 4 edits. retnetoin_rate → retention_rate is 2 swaps; 'xetxntxon_xate' 4 substitutions.
    expect(closest('retnetoin_rate', ['retention_rate'])).toBe('retention_rate');
    expect(closest('xetxntxon_xate', ['retention_rate'])).toBe('retention_rate');
    expect(closest('xetxntxon_xatx', ['retention_rate'])).toBeUndefined(); // 5 of 14 > 4
  });

  it('breaks ties by the order of the candidates', () => {
    expect(closest('cat', ['bat', 'hat'])).toBe('bat');
    expect(closest('cat', ['hat', 'bat'])).toBe('hat');
    expect(closest('bt', ['bat', 'b'])).toBe('bat');
  });
});

describe('didYouMean', () => {
  it('leads a hint with the suggestion, or adds nothing', () => {
    expect(didYouMean('ordrs', ['orders'])).toBe('Did you mean orders? ');
    expect(didYouMean('zzz', ['orders'])).toBe('');
  });
});
