/** The row types and the zod validator come from the same declaration. */
import { describe, expect, it } from 'vitest';
import type { Row } from '../src/warehouse/schema/types.js';
import { validateRow } from '../src/warehouse/schema/zod.js';

describe('row types', () => {
  it('types required and optional fields by kind, enums as their values', () => {
    const order: Row<'orders'> = { order_id: 'o1', customer_id: 'c1', ordered_at: new Date(0), amount: 12.5, status: 'cancelled' };
    // @ts-expect-error amount is required
    const missing: Row<'orders'> = { order_id: 'o1', customer_id: 'c1', ordered_at: new Date(0) };
    // @ts-expect-error status is 'completed' | 'cancelled'
    const badStatus: Row<'orders'> = { ...order, status: 'shipped' };
    expect([order, missing, badStatus]).toHaveLength(3);
  });

  it('validates one row into that type: timestamps as instants, money as numbers, enums lower-cased', () => {
    const r = validateRow('orders', { order_id: 'o1', customer_id: 'c1', ordered_at: '2024-03-01T10:00:00+02:00', amount: '12.50', status: 'Completed' });
    expect(r).toEqual({ ok: true, row: { order_id: 'o1', customer_id: 'c1', ordered_at: new Date('2024-03-01T08:00:00Z'), amount: 12.5, status: 'completed' } });
    if (r.ok) expect(r.row.ordered_at.getUTCHours()).toBe(8);
    expect(validateRow('survey_responses', { response_id: 'r', survey: 'nps', score: 11, responded_at: '2024-01-01' })).toEqual({
      ok: false,
      reasons: ['score: "11" is outside the nps scale 0–10'],
    });
  });
});
