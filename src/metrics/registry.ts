/**
 * The metric catalogue: every metric, once. The CLI, the report formats and docs/metrics.md all
 * read this list; nothing else names metrics.
 */
import { clvHistoric, clvPredicted } from './families/clv.js';
import { rfm } from './families/rfm.js';
import { EMAIL_METRICS } from './families/email.js';
import { EVENT_METRICS } from './families/events.js';
import { FINANCE_METRICS } from './families/finance.js';
import { LIFETIME_METRICS } from './families/lifetime.js';
import { LOYALTY_METRICS } from './families/loyalty.js';
import { ORDER_METRICS } from './families/orders.js';
import { PRODUCT_METRICS } from './families/product.js';
import { RETENTION_METRICS } from './families/retention.js';
import { REVENUE_METRICS } from './families/revenue.js';
import { SUPPORT_METRICS } from './families/support.js';
import { SURVEY_METRICS } from './families/survey.js';
import { WEB_METRICS } from './families/web.js';
import type { MetricDef } from './types.js';

export const METRICS: readonly MetricDef[] = [
  ...SURVEY_METRICS,
  ...RETENTION_METRICS,
  ...LIFETIME_METRICS,
  ...REVENUE_METRICS,
  ...ORDER_METRICS,
  clvHistoric,
  clvPredicted,
  rfm,
  ...LOYALTY_METRICS,
  ...EMAIL_METRICS,
  ...WEB_METRICS,
  ...EVENT_METRICS,
  ...PRODUCT_METRICS,
  ...SUPPORT_METRICS,
  ...FINANCE_METRICS,
];

export function metricById(id: string): MetricDef | undefined {
  return METRICS.find((m) => m.id === id);
}
