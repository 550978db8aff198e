/**
 * Web sessions, kept beside web_events: one row per visit. A session is an event's given
 * session_id, or — for events without one — a visitor's events split where the gap exceeds 30
 * minutes (METRICS.md, "sessions"). Splitting needs every event of a visitor in time order, which
 * is the dearest step of any web metric; doing it once when events arrive lets every report read
 * sessions instead of re-deriving them from tens of millions of events.
 *
 * Kept up to date inside the import transaction: the sessions touched by the new rows (their
 * session ids; their visitors for events without one) are derived again from all their events, so
 * an event arriving late, or in a later file, joins the session it belongs to.
 */
import type { Dialect } from '../dialect.js';
import type { Warehouse } from '../warehouse.js';

export const SESSION_GAP_SECONDS = 30 * 60;

/** The table's DDL, in the engine's column types. */
export function webSessionsSql(d: Dialect): string {
  const cols: [string, Parameters<Dialect['columnType']>[0]][] = [
    ['session_id', 'text'], ['visitor_id', 'text'], ['customer_id', 'text'], ['started', 'timestamp'], ['ended', 'timestamp'],
    ['pageviews', 'integer'], ['interactions', 'integer'], ['exit_path', 'text'], ['exit_at', 'timestamp'],
  ];
  return `CREATE TABLE IF NOT EXISTS _web_sessions (${cols.map(([n, k]) => `${n} ${d.columnType(k)}`).join(', ')})`;
}

/** A session's columns from its events (`type`, `path`, `occurred_at`, `customer_id`). */
const summary = (d: Dialect) => `min(occurred_at) AS started, max(occurred_at) AS ended, max(customer_id) AS customer_id,
    ${d.countIf("type = 'pageview'")} AS pageviews, ${d.countIf("type <> 'pageview'")} AS interactions,
    ${d.argMax("CASE WHEN type = 'pageview' THEN path END", "CASE WHEN type = 'pageview' THEN occurred_at END")} AS exit_path,
    max(CASE WHEN type = 'pageview' THEN occurred_at END) AS exit_at`;

/**
 * The sessions of the given events (a query over web_events rows): given ids grouped as they
 * are, the rest split per visitor by the gap. Derived sessions have a NULL session_id.
 */
function sessionsOf(d: Dialect, events: string): string {
  const anonymous = `SELECT v.visitor_id, v.occurred_at, v.event_id, v.customer_id, v.type, v.path FROM (${events}) v WHERE v.session_id IS NULL`;
  const pieces = d.splitByGap(anonymous, 'visitor_id', 'occurred_at', 'event_id', ['customer_id', 'type', 'path'], SESSION_GAP_SECONDS);
  return `SELECT g.session_id AS session_id, max(g.visitor_id) AS visitor_id, ${summary(d)} FROM (${events}) g WHERE g.session_id IS NOT NULL GROUP BY g.session_id
    UNION ALL SELECT ${d.nullText} AS session_id, x.visitor_id AS visitor_id, ${summary(d)} FROM (${pieces}) x GROUP BY x.visitor_id, x.n`;
}

/**
 * The sessions as metrics read them. An engine that deletes keeps them in _web_sessions, brought
 * up to date by each import; ClickHouse 18.16 cannot take back a session a late event extends or
 * joins, so there they are derived from the events when read.
 */
export function webSessions(d: Dialect): string {
  return d.canDelete ? '_web_sessions' : `(${sessionsOf(d, `SELECT * FROM ${d.table('web_events')}`)})`;
}

const COLUMNS = 'session_id, visitor_id, started, ended, customer_id, pageviews, interactions, exit_path, exit_at';

/**
 * Before new web_events rows are stored (`added`: a query over them; null when the table is empty
 * and everything will be derived): note which sessions they touch. Runs in the import transaction.
 */
export async function noteTouchedSessions(wh: Warehouse, added: string | null): Promise<void> {
  await wh.exec(`DROP TABLE IF EXISTS _touched`);
  if (added === null) return;
  await wh.exec(`CREATE TEMPORARY TABLE _touched AS
    SELECT DISTINCT session_id, CASE WHEN session_id IS NULL THEN visitor_id END AS visitor_id FROM (${added}) a`);
}

/** After they are stored: derive the touched sessions again (all of them after a first load). */
export async function refreshWebSessions(wh: Warehouse, all: boolean): Promise<void> {
  const d = wh.dialect;
  if (all) {
    await wh.exec(`DELETE FROM _web_sessions`);
    await wh.exec(`INSERT INTO _web_sessions (${COLUMNS}) ${sessionsOf(d, 'SELECT * FROM web_events')}`);
    return;
  }
  const ids = `SELECT session_id FROM _touched WHERE session_id IS NOT NULL`;
  const visitors = `SELECT visitor_id FROM _touched WHERE visitor_id IS NOT NULL`;
  await wh.exec(`DELETE FROM _web_sessions WHERE session_id IN (${ids}) OR (session_id IS NULL AND visitor_id IN (${visitors}))`);
  const events = `SELECT w.* FROM web_events w WHERE w.session_id IN (${ids}) OR (w.session_id IS NULL AND w.visitor_id IN (${visitors}))`;
  await wh.exec(`INSERT INTO _web_sessions (${COLUMNS}) ${sessionsOf(d, events)}`);
  await wh.exec(`DROP TABLE _touched`);
}

/** A workspace made before sessions were kept: derive them once, on the first writable open. */
export async function ensureWebSessions(wh: Warehouse): Promise<void> {
  const [r] = await wh.query(`SELECT (SELECT count(*) FROM _web_sessions) AS s, (SELECT count(*) FROM web_events) AS e`);
  if (Number(r?.s) === 0 && Number(r?.e) > 0) await wh.transaction(() => refreshWebSessions(wh, true));
}
