/** One metric as /v1/metrics/{id} gives it: its entries by bucket and a summary against the comparison period. */
import type { Report } from '../metrics/report.js';

export function metricView(report: Report) {
  const m = report.metrics[0]!;
  return {
    id: m.id,
    name: m.name,
    unit: m.unit,
    from: report.from,
    to: report.to,
    grain: report.grain,
    timezone: report.timezone,
    currency: report.currency,
    entries: m.series,
    summary: { current: m.value, previous: m.compare?.value ?? null, change: m.compare?.change ?? null, verdict: m.compare?.verdict ?? null },
    note: m.note,
    warnings: m.warnings,
  };
}
