/**
 * The demo generator, checked on its files alone (read back with DuckDB's CSV reader, every value as
 * text): canonical headers and formats, reproducible for a seed, inside its period, keys unique,
 * references resolved, and internally consistent (item totals, returns, exchange rates, loyalty
 * balances, subscriptions that churn and come back). A larger run checks the statistics the
 * metrics and models rely on. The import of these files is covered by demo-import.test.ts.
 */
import { readFileSync, rmSync } from 'node:fs';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeDemoFiles, type DemoOptions } from '../src/demo/generate.js';
import { TABLES, tableDef } from '../src/warehouse/schema/tables.js';
import { tmp as tmpDir } from './helpers/workspace.js';

const END = new Date('2026-01-01T00:00:00Z');
const START = '2025-01-01';
const opts: DemoOptions = { customers: 300, months: 12, seed: 11, end: END };

type Files = { table: string; file: string; rows: number }[];

/** Temporary folders, removed when the suite ends. */
const dirs: string[] = [];
const tmp = () => {
  const d = tmpDir();
  dirs.push(d);
  return d;
};
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** Every file loaded as a table of text columns (empty cells are NULL). */
async function load(files: Files): Promise<DuckDBConnection> {
  const con = await (await DuckDBInstance.create(':memory:')).connect();
  for (const f of files) {
    await con.run(`CREATE TABLE ${f.table} AS SELECT * FROM read_csv('${f.file}', header = true, all_varchar = true, delim = ',', quote = '"', escape = '"')`);
  }
  return con;
}

const scalar = async (con: DuckDBConnection, sql: string): Promise<number> => {
  const rows = (await con.runAndReadAll(sql)).getRowsJS();
  return Number(rows[0]?.[0] ?? NaN);
};

let files: Files;
let con: DuckDBConnection;
const progress: [number, number][] = [];

beforeAll(async () => {
  files = await writeDemoFiles(tmp(), opts, (done, total) => progress.push([done, total]));
  con = await load(files);
});
afterAll(() => con.closeSync());

describe('demo files', () => {
  it('are one per canonical table, in an order safe for import, with the exact header', () => {
    expect(files.map((f) => f.table).sort()).toEqual(TABLES.map((t) => t.name).sort());
    const at = (t: string) => files.findIndex((f) => f.table === t);
    expect(at('fx_rates')).toBeLessThan(2);
    expect(at('customers')).toBeLessThan(2);
    for (const t of ['order_items', 'returns']) expect(at('orders')).toBeLessThan(at(t));
    for (const f of files) {
      const text = readFileSync(f.file, 'utf8');
      expect(text.slice(0, text.indexOf('\n')), f.table).toBe(tableDef(f.table).fields.map((x) => x.name).join(','));
      expect(f.rows, f.table).toBeGreaterThan(0);
    }
    expect(progress.at(-1)).toEqual([300, 300]);
  });

  it('report the rows they hold', async () => {
    for (const f of files) expect(await scalar(con, `SELECT count(*) FROM ${f.table}`), f.table).toBe(f.rows);
  });

  it('are byte-identical for a seed and differ across seeds', async () => {
    const again = await writeDemoFiles(tmp(), opts);
    const other = await writeDemoFiles(tmp(), { ...opts, seed: 12 });
    for (let i = 0; i < files.length; i++) {
      expect(readFileSync(again[i]!.file, 'utf8'), files[i]!.table).toBe(readFileSync(files[i]!.file, 'utf8'));
    }
    const orders = (fs: Files) => readFileSync(fs.find((f) => f.table === 'orders')!.file, 'utf8');
    expect(orders(other)).not.toBe(orders(files));
  });

  it('write every value in its canonical format, required fields always present', async () => {
    const patterns: Record<string, string> = {
      timestamp: String.raw`\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ`,
      date: String.raw`\d{4}-\d\d-\d\d`,
      money: String.raw`\d+\.\d\d`,
      integer: String.raw`-?\d+`,
      decimal: String.raw`\d+(\.\d+)?`,
      boolean: 'true|false',
      currency: '[A-Z]{3}',
    };
    for (const t of TABLES) {
      for (const f of t.fields) {
        const where = [f.required ? `${f.name} IS NULL` : 'false'];
        const pattern = patterns[f.kind];
        if (pattern) where.push(`NOT regexp_full_match(${f.name}, '${pattern}')`);
        if (f.kind === 'json') where.push(`NOT json_valid(${f.name}) OR json_type(${f.name}::JSON) <> 'OBJECT'`);
        if (f.values) where.push(`${f.name} NOT IN (${f.values.map((v) => `'${v}'`).join(', ')})`);
        expect(await scalar(con, `SELECT count(*) FROM ${t.name} WHERE ${where.join(' OR ')}`), `${t.name}.${f.name}`).toBe(0);
      }
    }
    // JSON objects are quoted, their quotes doubled (RFC 4180); plain values are not quoted.
    const customers = readFileSync(files.find((f) => f.table === 'customers')!.file, 'utf8').split('\n')[1]!;
    expect(customers).toMatch(/^c\d+,[^"]+,"\{""industry"":""[a-z_]+"",""segment"":""[a-z_]+""\}"$/);
  });

  it('date nothing at or after the end, nor before the first month', async () => {
    for (const t of TABLES) {
      for (const f of t.fields.filter((x) => x.kind === 'timestamp' || x.kind === 'date')) {
        const [lo, hi] = f.kind === 'date' ? [START, '2026-01-01'] : [`${START}T00:00:00Z`, '2026-01-01T00:00:00Z'];
        expect(await scalar(con, `SELECT count(*) FROM ${t.name} WHERE ${f.name} < '${lo}'`), `${t.name}.${f.name}`).toBe(0);
        // Due dates may lie in the future; nothing else may.
        if (!f.future) expect(await scalar(con, `SELECT count(*) FROM ${t.name} WHERE ${f.name} >= '${hi}'`), `${t.name}.${f.name}`).toBe(0);
      }
    }
  });

  it('have unique keys and resolve every reference', async () => {
    for (const t of TABLES) {
      const key = t.key.join(', ');
      expect(await scalar(con, `SELECT count(*) - count(DISTINCT (${key})) FROM ${t.name}`), `${t.name} key`).toBe(0);
      for (const r of t.references) {
        const orphans = `SELECT count(*) FROM ${t.name} x WHERE x.${r.field} IS NOT NULL AND x.${r.field} NOT IN (SELECT ${r.column} FROM ${r.table})`;
        expect(await scalar(con, orphans), `${t.name}.${r.field} → ${r.table}`).toBe(0);
      }
    }
  });

  it('have order lines adding up to the order amount and no customer active before being acquired', async () => {
    const lines = `SELECT count(*) FROM orders o JOIN (SELECT order_id, sum(quantity::DECIMAL(18,2) * unit_price::DECIMAL(18,2)) s FROM order_items GROUP BY 1) i USING (order_id)
      WHERE abs(o.amount::DECIMAL(18,2) - i.s) > 0.01`;
    expect(await scalar(con, lines)).toBe(0);
    expect(await scalar(con, `SELECT count(*) FROM orders WHERE order_id NOT IN (SELECT order_id FROM order_items)`)).toBe(0);
    for (const [table, field] of [
      ['orders', 'ordered_at'],
      ['subscription_events', 'occurred_at'],
      ['loyalty_members', 'joined_at'],
      ['tickets', 'opened_at'],
      ['email_events', 'occurred_at'],
    ]) {
      expect(await scalar(con, `SELECT count(*) FROM ${table} x JOIN customers c USING (customer_id) WHERE x.${field} < c.created_at`), table).toBe(0);
    }
  });

  it('have returns within 30 days of completed orders, refunding the units at the order’s rate', async () => {
    const sql = `
      WITH r AS (
        SELECT r.*, o.ordered_at, o.status, o.currency,
          CASE WHEN o.currency = 'USD' THEN 1 ELSE (SELECT arg_max(f.rate::DOUBLE, f.date) FROM fx_rates f WHERE f.currency = o.currency AND f.date <= o.ordered_at[1:10]) END AS rate
        FROM returns r JOIN orders o USING (order_id))
      SELECT count(*) FROM r WHERE returned_at <= ordered_at OR returned_at::TIMESTAMPTZ > ordered_at::TIMESTAMPTZ + INTERVAL 30 DAY OR status <> 'completed'
        OR NOT EXISTS (SELECT 1 FROM order_items i WHERE i.order_id = r.order_id AND i.product_id = r.product_id AND i.quantity::INT >= r.quantity::INT
          AND abs(r.amount::DOUBLE - r.quantity::INT * i.unit_price::DOUBLE * r.rate) <= 0.01)`;
    expect(await scalar(con, sql)).toBe(0);
    expect(await scalar(con, `SELECT count(*) FROM returns`)).toBeGreaterThan(0);
  });

  it('have an exchange rate on or before every non-USD order', async () => {
    expect(await scalar(con, `SELECT count(*) FROM orders WHERE currency <> 'USD'`)).toBeGreaterThan(0);
    const missing = `SELECT count(*) FROM orders o WHERE currency <> 'USD' AND NOT EXISTS (SELECT 1 FROM fx_rates f WHERE f.currency = o.currency AND f.date <= o.ordered_at[1:10])`;
    expect(await scalar(con, missing)).toBe(0);
  });

  it('never let a loyalty balance go negative, and book points only for members', async () => {
    const balances = `SELECT count(*) FROM (SELECT sum(CASE WHEN kind IN ('earn', 'adjust') THEN points::DOUBLE ELSE -points::DOUBLE END)
      OVER (PARTITION BY customer_id ORDER BY occurred_at, entry_id) AS balance FROM loyalty_ledger) WHERE balance < 0`;
    expect(await scalar(con, balances)).toBe(0);
    expect(await scalar(con, `SELECT count(*) FROM loyalty_ledger WHERE points::DOUBLE <= 0`)).toBe(0);
    const outside = `SELECT count(*) FROM loyalty_ledger l JOIN loyalty_members m USING (customer_id) WHERE l.occurred_at < m.joined_at OR l.occurred_at >= coalesce(m.left_at, '9999')`;
    expect(await scalar(con, outside)).toBe(0);
    expect(await scalar(con, `SELECT count(*) FROM loyalty_ledger WHERE customer_id NOT IN (SELECT customer_id FROM loyalty_members)`)).toBe(0);
    expect(await scalar(con, `SELECT count(DISTINCT kind) FROM loyalty_ledger`)).toBeGreaterThanOrEqual(3);
  });

  it('have subscriptions that change plan, churn and come back, billed while active', async () => {
    expect(await scalar(con, `SELECT count(*) FROM subscription_events WHERE mrr::DOUBLE = 0`)).toBeGreaterThan(5);
    const reactivated = `SELECT count(DISTINCT a.customer_id) FROM subscription_events a JOIN subscription_events b USING (customer_id)
      WHERE a.mrr::DOUBLE = 0 AND b.mrr::DOUBLE > 0 AND b.occurred_at > a.occurred_at`;
    expect(await scalar(con, reactivated)).toBeGreaterThan(0);
    expect(await scalar(con, `SELECT count(DISTINCT mrr) FROM subscription_events WHERE mrr::DOUBLE > 0`)).toBe(3);
    // Invoices: due after issue, paid in full or not at all.
    expect(await scalar(con, `SELECT count(*) FROM invoices WHERE due_at <= issued_at OR paid_at < issued_at OR coalesce(paid_amount, amount) <> amount OR (paid_at IS NULL) <> (paid_amount IS NULL)`)).toBe(0);
    // The customer's plan is the one of their latest subscription event.
    const plans = `SELECT count(*) FROM customers c JOIN (SELECT customer_id, arg_max(plan, occurred_at) p FROM subscription_events GROUP BY 1) s USING (customer_id) WHERE c.plan IS DISTINCT FROM s.p`;
    expect(await scalar(con, plans)).toBe(0);
    expect(await scalar(con, `SELECT count(*) FROM customers WHERE plan IS NOT NULL AND customer_id NOT IN (SELECT customer_id FROM subscription_events)`)).toBe(0);
  });

  it('keep every journey in order: tickets, emails, events, sessions', async () => {
    expect(await scalar(con, `SELECT count(*) FROM tickets WHERE first_response_at < opened_at OR resolved_at < first_response_at OR handle_seconds::INT NOT BETWEEN 120 AND 3600`)).toBe(0);
    const emails = `SELECT count(*) FROM (SELECT campaign_id, customer_id, min(occurred_at) FILTER (WHERE type = 'sent') sent, min(occurred_at) FILTER (WHERE type <> 'sent') other,
      count(*) FILTER (WHERE type = 'sent') n FROM email_events GROUP BY 1, 2) WHERE n <> 1 OR other < sent`;
    expect(await scalar(con, emails)).toBe(0);
    const clicks = `SELECT count(*) FROM email_events c WHERE type = 'click' AND NOT EXISTS
      (SELECT 1 FROM email_events o WHERE o.type = 'open' AND o.campaign_id = c.campaign_id AND o.customer_id = c.customer_id AND o.occurred_at <= c.occurred_at)`;
    expect(await scalar(con, clicks)).toBe(0);
    const events = `SELECT count(*) FROM campaign_events a WHERE type <> 'registered' AND NOT EXISTS (SELECT 1 FROM campaign_events r WHERE r.type = 'registered' AND r.campaign_id = a.campaign_id AND r.customer_id = a.customer_id AND r.occurred_at < a.occurred_at)`;
    expect(await scalar(con, events)).toBe(0);
    const sessions = `SELECT count(*) FROM (SELECT session_id, count(*) n, count(DISTINCT visitor_id) v, max(occurred_at::TIMESTAMPTZ) - min(occurred_at::TIMESTAMPTZ) span FROM web_events GROUP BY 1) WHERE n > 8 OR v <> 1 OR span > INTERVAL 30 MINUTE`;
    expect(await scalar(con, sessions)).toBe(0);
    expect(await scalar(con, `SELECT count(*) FROM web_events WHERE customer_id IS NULL`)).toBeGreaterThan(0);
  });
});

describe('demo statistics', () => {
  let big: DuckDBConnection;
  beforeAll(async () => {
    big = await load(await writeDemoFiles(tmp(), { customers: 3000, months: 24, seed: 3, end: END }));
  });
  afterAll(() => big.closeSync());

  const between = async (sql: string, lo: number, hi: number) => {
    const v = await scalar(big, sql);
    expect(v, sql).toBeGreaterThanOrEqual(lo);
    expect(v, sql).toBeLessThanOrEqual(hi);
  };

  it('have the volumes and shares the spec describes', async () => {
    await between(`SELECT count(*) / (SELECT count(*) FROM customers) FROM orders`, 6, 14);
    await between(`SELECT avg(amount::DOUBLE) FROM orders WHERE currency = 'USD' AND status = 'completed'`, 50, 150);
    await between(`SELECT 100 * avg((status = 'cancelled')::INT) FROM orders`, 1.5, 5);
    await between(`SELECT 100 * avg((currency <> 'USD')::INT) FROM orders`, 4, 14);
    await between(`SELECT 100 * (SELECT count(*) FROM returns) / count(*) FROM order_items JOIN orders USING (order_id) WHERE status = 'completed'`, 5, 11);
    await between(`SELECT 100 * count(DISTINCT customer_id) / (SELECT count(*) FROM customers) FROM subscription_events`, 30, 40);
    await between(`SELECT 100 * count(*) / (SELECT count(*) FROM customers) FROM loyalty_members`, 35, 45);
    await between(`SELECT 100 * count(DISTINCT customer_id) / (SELECT count(*) FROM customers) FROM survey_responses WHERE survey = 'nps'`, 25, 35);
    await between(`SELECT 100 * avg(is_complaint::BOOLEAN::INT) FROM tickets`, 5, 15);
    await between(`SELECT 100 * avg((type = 'bounce')::INT) FROM email_events WHERE type IN ('delivered', 'bounce')`, 1.5, 5);
    await between(`SELECT 100 * count(DISTINCT (campaign_id, customer_id)) FILTER (WHERE type = 'open') / count(*) FILTER (WHERE type = 'delivered') FROM email_events`, 18, 32);
    await between(`SELECT 100 * avg(bounce::INT) FROM (SELECT session_id, count(*) = 1 AND bool_and(type = 'pageview') bounce FROM web_events GROUP BY 1)`, 30, 50);
    // Later months acquire more customers than earlier ones.
    await between(`SELECT count(*) FILTER (WHERE created_at >= '2025-01-01') / count(*) FILTER (WHERE created_at < '2025-01-01') FROM customers`, 1.3, 2.5);
  });

  it('tie satisfaction to behaviour: detractors buy less, lapse and churn more, complain more', async () => {
    const byGroup = `WITH nps AS (SELECT customer_id, arg_max(score::INT, responded_at) s FROM survey_responses WHERE survey = 'nps' GROUP BY 1),
      g AS (SELECT customer_id, CASE WHEN s >= 9 THEN 'promoter' WHEN s <= 6 THEN 'detractor' END grp FROM nps)`;
    const orders = async (grp: string) =>
      scalar(big, `${byGroup} SELECT avg(n) FROM g JOIN (SELECT customer_id, count(*) n FROM orders GROUP BY 1) USING (customer_id) WHERE grp = '${grp}'`);
    expect(await orders('promoter')).toBeGreaterThan(1.5 * (await orders('detractor')));
    const churned = async (grp: string) =>
      scalar(big, `${byGroup} SELECT avg((mrr::DOUBLE = 0)::INT) FROM g JOIN (SELECT customer_id, arg_max(mrr, occurred_at) mrr FROM subscription_events GROUP BY 1) USING (customer_id) WHERE grp = '${grp}'`);
    expect(await churned('detractor')).toBeGreaterThan(await churned('promoter'));
    const tickets = async (grp: string) =>
      scalar(big, `${byGroup} SELECT count(t.ticket_id) / count(DISTINCT g.customer_id) FROM g LEFT JOIN tickets t USING (customer_id) WHERE grp = '${grp}'`);
    expect(await tickets('detractor')).toBeGreaterThan(await tickets('promoter'));
  });

  it('let product use fade before a subscription churns', async () => {
    const window = (from: number, to: number) => `SELECT count(*) FROM subscription_events e JOIN activity_events a ON a.customer_id = e.customer_id
      AND a.occurred_at::TIMESTAMPTZ >= e.occurred_at::TIMESTAMPTZ - INTERVAL ${from} DAY AND a.occurred_at::TIMESTAMPTZ < e.occurred_at::TIMESTAMPTZ - INTERVAL ${to} DAY
      WHERE e.mrr::DOUBLE = 0 AND e.subscription_id IN
        (SELECT subscription_id FROM subscription_events GROUP BY 1 HAVING min(occurred_at::TIMESTAMPTZ) <= max(occurred_at::TIMESTAMPTZ) - INTERVAL 150 DAY)`;
    expect(await scalar(big, window(30, 0))).toBeLessThan(0.75 * (await scalar(big, window(150, 120))));
  });
});
