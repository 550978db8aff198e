/**
 * Reports and one-metric answers through the result cache (result-cache.ts). The key: the
 * workspace, the route and the canonical request — the parsed options, defaults applied, keys
 * sorted, so ?a=1&b=2 and ?b=2&a=1 share an entry. The stamp: the data versions of what the
 * answer reads (metrics/reads.ts) and, when the period is left to the default, today's date in
 * its zone. The versions are read before computing: rows committed while a report computes can
 * only make an entry look older than it is (one more computation), never newer.
 *
 * The answer carries `cached_at` (when it was computed) and `stale` (its data has moved since; a
 * fresh one is on its way) at its top level, and says in `X-Retain-Cache` how it was found: hit,
 * stale, miss (computed for this request) or shared (computed once for it and others at once).
 */
import { reportReads } from '../metrics/reads.js';
import type { ReportOptions } from '../metrics/report.js';
import { readVersions } from '../warehouse/data-versions.js';
import { canonicalJson } from '../warehouse/ingest/idempotency.js';
import { getSettings } from '../warehouse/schema/settings.js';
import type { Warehouse } from '../warehouse/warehouse.js';
import { JsonText } from './route.js';
import type { ResultCache } from './result-cache.js';

export async function cachedResult(
  ctx: { wh: Warehouse; cache: ResultCache },
  route: 'report' | 'metric',
  o: ReportOptions,
  compute: () => Promise<unknown>,
): Promise<JsonText> {
  // The report shows the data's first and last day (its `data`); one metric's answer does not.
  const reads = reportReads(o, { showsDataRange: route === 'report' });
  const versions = await readVersions(ctx.wh, reads.versions);
  const today = reads.today ? { today: localToday(o.timezone ?? (await workspaceZone(ctx.wh, versions.settings ?? 0))) } : {};
  const key = canonicalJson({ workspace: ctx.wh.location, route, request: o });
  const r = await ctx.cache.get(key, canonicalJson({ ...versions, ...today }), async () => JSON.stringify(await compute()));
  const fields = `"cached_at":${JSON.stringify(r.cachedAt)},"stale":${r.stale}`;
  return new JsonText(r.json === '{}' ? `{${fields}}` : `${r.json.slice(0, -1)},${fields}}`, { 'x-retain-cache': r.outcome });
}

/** The workspace's zone as of a settings version: read again only once the version moves. */
const zones = new WeakMap<Warehouse, { settings: number; timezone: string }>();
async function workspaceZone(wh: Warehouse, settings: number): Promise<string> {
  const held = zones.get(wh);
  if (held?.settings === settings) return held.timezone;
  const { timezone } = await getSettings(wh);
  zones.set(wh, { settings, timezone });
  return timezone;
}

/** Today in the zone (YYYY-MM-DD); an unknown zone stamps as such, and the report refuses it with its own message. */
function localToday(timeZone: string): string {
  try {
    return new Intl.DateTimeFormat('en-CA', { timeZone }).format(new Date());
  } catch {
    return `unknown zone ${timeZone}`;
  }
}
