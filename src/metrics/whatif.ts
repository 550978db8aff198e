/**
 * The retention what-if on a workspace: its inputs measured over the last full months with the
 * registry's own definitions (who is active, retention, MRR), then projected by models/whatif.ts.
 */
import { UsageError } from '../warehouse/errors.js';
import { getSettings } from '../warehouse/schema/settings.js';
import { TABLE_NAMES } from '../warehouse/schema/tables.js';
import type { Warehouse } from '../warehouse/warehouse.js';
import { retentionWhatIf, type WhatIf, type WhatIfInputs } from '../models/whatif.js';
import { bucketStarts, emptyTables, workspaceModel } from './compute.js';
import { dataRange, defaultPeriod, rangeOf } from './data-range.js';
import { activeAt, movementSql, mrrAt } from './families/retention.js';
import { makeScope } from './scope.js';

export interface WhatIfOptions {
  /** Percentage points added to the annual retention rate (may be negative). */
  retention: number;
  horizonMonths?: number;
  /** Monthly discount rate, e.g. 0.01 (default 0.01). */
  discount?: number;
  /** Gross margin 0–1 (default: the workspace setting). */
  margin?: number;
  /** Today (tests): the inputs are measured over the 12 full months before it. */
  now?: Date;
}

/** Inputs over the last 12 full months (of the data, when it ends earlier): annual retention, customers active now, new per month, revenue per active customer-month. */
export async function measureWhatIfInputs(wh: Warehouse, o: { discount: number; margin?: number; now?: Date }): Promise<WhatIfInputs & { from: string; to: string; period_reason: string | null; model: string }> {
  const settings = await getSettings(wh);
  const empty = await emptyTables(wh, TABLE_NAMES);
  const model = workspaceModel(settings.model, empty);
  if (empty.has(model === 'subscription' ? 'subscription_events' : 'orders')) {
    throw new UsageError('no-data', 'The what-if needs orders or subscription events to measure retention and revenue.', 'Import them first: retain import orders <file>.');
  }
  const months = 12;
  const { from, to, reason } = defaultPeriod(rangeOf(await dataRange(wh, settings.timezone)), settings.timezone, months, o.now);
  const scopeOf = (grain: 'month' | null) =>
    makeScope(wh.dialect, {
      from,
      to,
      timezone: settings.timezone,
      grain,
      slice: { where: [] },
      settings: { activityWindowDays: Number(settings.activity_window.replace('d', '')), grossMargin: Number(settings.gross_margin), engagementWeights: {} },
      bucketStarts: grain ? bucketStarts(from, to, grain) : [],
      model,
    });
  // The period as one bucket: retained of those active at its start, active at its end, new inside it.
  const period = scopeOf(null);
  const [m] = await wh.query(`SELECT sum(s) AS s, sum(retained) AS retained, sum(e) AS e, sum(nw) AS nw FROM (${movementSql(period)}) x`, period.params);
  const start = Number(m?.s ?? 0);
  if (!start) throw new UsageError('no-data', `No customer was active on ${from}, so retention over the last ${months} months cannot be measured.`, 'Import more history, or check the activity_window setting.');
  // Revenue per active customer and month: MRR at each month start per subscriber, or completed
  // order revenue per customer active at the month starts.
  const monthly = scopeOf('month');
  const revenueSql =
    model === 'subscription'
      ? `SELECT sum(mrr) AS revenue, count(*) AS active FROM (${mrrAt(monthly, 'CAST(e.mrr AS DOUBLE) * e._rate')}) x WHERE i < ${monthly.boundaryCount - 1}`
      : `SELECT (SELECT sum(CAST(o.amount AS DOUBLE) * o._rate) FROM orders o WHERE o.status = 'completed' AND ${monthly.inPeriod('o.ordered_at')}) AS revenue,
           (SELECT count(*) FROM (${activeAt(monthly)}) a WHERE a.i < ${monthly.boundaryCount - 1}) AS active`;
  const [r] = await wh.query(revenueSql, monthly.params);
  const activeMonths = Number(r?.active ?? 0);
  return {
    from,
    to,
    period_reason: reason,
    model,
    activeCustomers: Number(m?.e ?? 0),
    annualRetention: (100 * Number(m?.retained ?? 0)) / start,
    newPerMonth: Number(m?.nw ?? 0) / months,
    revenuePerCustomerMonth: activeMonths ? Number(r?.revenue ?? 0) / activeMonths : 0,
    grossMargin: o.margin ?? Number(settings.gross_margin),
    monthlyDiscount: o.discount,
  };
}

export async function workspaceWhatIf(wh: Warehouse, o: WhatIfOptions): Promise<WhatIf & { measured: { from: string; to: string; period_reason: string | null; model: string } }> {
  const { from, to, period_reason, model, ...inputs } = await measureWhatIfInputs(wh, { discount: o.discount ?? 0.01, margin: o.margin, now: o.now });
  return { ...retentionWhatIf(inputs, o.retention, o.horizonMonths ?? 36), measured: { from, to, period_reason, model } };
}
