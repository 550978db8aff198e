/**
 * One measured run in its own process, so peak memory is that run's alone:
 *   tsx bench/one.ts retain|read_csv <orders.csv> <workspace.duckdb>
 * prints {"seconds","rows","maxRssMB"}.
 */
import { rmSync } from 'node:fs';
import { importFile } from '../src/warehouse/import/import.js';
import { openWorkspace } from '../src/warehouse/open.js';

const [mode, file, db] = process.argv.slice(2) as [string, string, string];
for (const p of [db, `${db}.wal`]) rmSync(p, { force: true });
const wh = await openWorkspace({ db });
const t0 = performance.now();
let rows: number;
if (mode === 'retain') {
  rows = (await importFile(wh, { table: 'orders', file })).accepted;
} else {
  // The baseline: DuckDB's own CSV reader (sniffing types) loading the same file into the same table.
  const cols = '"order_id", "customer_id", "ordered_at", "amount", "currency", "status", "channel"';
  await wh.exec(`INSERT INTO orders (${cols}) SELECT * FROM read_csv('${file.replaceAll("'", "''")}')`);
  rows = Number((await wh.query('SELECT count(*) AS n FROM orders'))[0]?.n);
}
const seconds = (performance.now() - t0) / 1000;
await wh.close();
process.stdout.write(JSON.stringify({ seconds, rows, maxRssMB: Math.round(process.resourceUsage().maxRSS / 1024) }) + '\n');
