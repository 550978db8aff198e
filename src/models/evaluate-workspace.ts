/**
 * `retain model evaluate`: fit on the calibration period, predict the holdout, and compare — per
 * calibration frequency, in aggregate, and as the weekly cumulative tracking curve.
 */
import { getSettings } from '../warehouse/schema/settings.js';
import type { Warehouse } from '../warehouse/warehouse.js';
import * as bg from './bgnbd.js';
import { ModelError } from './errors.js';
import { conditionalExpectations, trackingCurve, type FrequencyGroup, type HoldoutErrors, type TrackingPoint } from './evaluate.js';
import { fitRows, fitSummary, loadFitRows, type FitSummary } from './fit-workspace.js';
import * as pn from './paretonbd.js';
import { binder, dateOfDay, dayNumber, trackingSql, UNIT_DAYS, type TimeUnit } from './queries.js';

export interface Evaluation {
  readonly calibrationEnd: string;
  readonly holdoutEnd: string;
  readonly timeUnit: TimeUnit;
  /** Holdout length in the time unit. */
  readonly horizon: number;
  readonly fit: FitSummary;
  readonly models: readonly { model: 'bgnbd' | 'paretonbd'; groups: FrequencyGroup[]; errors: HoldoutErrors; tracking: (TrackingPoint & { date: string })[] }[];
}

export async function evaluateWorkspace(wh: Warehouse, o: { calibrationEnd: string; holdoutEnd: string; timeUnit?: TimeUnit; penalizer?: number; pareto?: boolean }): Promise<Evaluation> {
  if (o.holdoutEnd <= o.calibrationEnd) throw new ModelError(`The holdout end ${o.holdoutEnd} must come after the calibration end ${o.calibrationEnd}.`);
  const { timezone } = await getSettings(wh);
  const timeUnit = o.timeUnit ?? 'week';
  const req = { calibrationEnd: o.calibrationEnd, holdoutEnd: o.holdoutEnd, timezone, timeUnit };
  const rows = await loadFitRows(wh, req);
  const full = fitRows(rows, { calibrationEnd: o.calibrationEnd, timeUnit, penalizer: o.penalizer ?? 0, pareto: o.pareto ?? true });
  const fit = fitSummary(full);
  const unit = UNIT_DAYS[timeUnit];
  const horizon = (dayNumber(o.holdoutEnd) - dayNumber(o.calibrationEnd)) / unit;
  const q = binder();
  const tr = await wh.query(trackingSql(wh.dialect, q, req), q.params);
  const firsts = new Map<number, number>();
  const repeats = new Map<number, number>();
  for (const r of tr) (r.kind === 'first' ? firsts : repeats).set(Number(r.day), Number(r.n));
  const start = Math.min(...firsts.keys());
  const candidates = [
    { model: 'bgnbd' as const, m: { conditional: (t: number, x: number, tx: number, T: number) => bg.conditionalExpectedPurchases(fit.bgnbd, t, x, tx, T), unconditional: (t: number) => bg.expectedPurchases(fit.bgnbd, t) } },
    ...(fit.paretonbd
      ? [{ model: 'paretonbd' as const, m: { conditional: (t: number, x: number, tx: number, T: number) => pn.conditionalExpectedPurchases(fit.paretonbd!, t, x, tx, T), unconditional: (t: number) => pn.expectedPurchases(fit.paretonbd!, t) } }]
      : []),
  ];
  return {
    calibrationEnd: o.calibrationEnd,
    holdoutEnd: o.holdoutEnd,
    timeUnit,
    horizon,
    fit,
    models: candidates.map(({ model, m }) => ({
      model,
      ...conditionalExpectations(rows.bg, m, horizon),
      tracking: trackingCurve(firsts, repeats, m, { startDay: start, endDay: dayNumber(o.holdoutEnd), stepDays: 7, unitDays: unit }).map((p) => ({ ...p, date: dateOfDay(p.day) })),
    })),
  };
}
