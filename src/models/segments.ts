/** RFM segment sizes and revenue share for a workspace, as of a date. */
import { UsageError } from '../warehouse/errors.js';
import { getSettings } from '../warehouse/schema/settings.js';
import type { Warehouse } from '../warehouse/warehouse.js';
import { binder, lastOrderDate, type QueryBuilder, type SummaryTable } from './queries.js';
import { RFM_SEGMENTS, rfmSegmentsSql } from './rfm.js';

export interface SegmentSummary {
  readonly asOf: string;
  readonly customers: number;
  readonly segments: readonly {
    id: string;
    name: string;
    customers: number;
    share: number;
    revenue: number;
    revenueShare: number;
    recencyDays: number | null;
    frequency: number | null;
    monetary: number | null;
    action: string;
  }[];
}

/**
 * Segments as of a day (default: the last order day), of the customers `q` keeps (default: all);
 * from `summaryTable` when one holds their purchase summary as of that day (SummaryRequest.table).
 */
export async function rfmSegments(wh: Warehouse, opts: { asOf?: string; q?: QueryBuilder; summaryTable?: SummaryTable }): Promise<SegmentSummary> {
  const { timezone } = await getSettings(wh);
  const asOf = opts.asOf ?? (await lastOrderDate(wh, timezone));
  if (!asOf) throw new UsageError('no-data', 'No completed orders: RFM needs purchases.', 'Import orders first: retain import orders <file>.');
  const q = opts.q ?? binder();
  const rows = await wh.query(rfmSegmentsSql(wh.dialect, q, { calibrationEnd: asOf, timezone, timeUnit: 'day', ...(opts.summaryTable ? { table: opts.summaryTable } : {}) }), q.params);
  const byId = new Map(rows.map((r) => [String(r.segment), r]));
  const customers = rows.reduce((a, r) => a + Number(r.customers), 0);
  const revenue = rows.reduce((a, r) => a + Number(r.segment_revenue), 0);
  const num = (v: unknown) => (v === null || v === undefined ? null : Number(v));
  return {
    asOf,
    customers,
    segments: RFM_SEGMENTS.map((s) => {
      const r = byId.get(s.id);
      const n = Number(r?.customers ?? 0);
      const rev = Number(r?.segment_revenue ?? 0);
      return {
        id: s.id,
        name: s.name,
        customers: n,
        share: customers ? (100 * n) / customers : 0,
        revenue: rev,
        revenueShare: revenue ? (100 * rev) / revenue : 0,
        recencyDays: num(r?.mean_recency_days),
        frequency: num(r?.mean_frequency),
        monetary: num(r?.mean_monetary),
        action: s.action,
      };
    }),
  };
}
