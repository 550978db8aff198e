// `npm start`: a fresh demo workspace (./demo.duckdb) filled through the real import (the import
// summary of every table), the report over it, then the dashboard and API on it (PORT, default
// 4000) with the one-time link that makes you its owner. Ctrl-C stops the server.
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';

const db = process.env.RETAIN_DEMO_DB ?? 'demo.duckdb';
for (const p of [db, `${db}.wal`]) rmSync(p, { force: true });
const retain = (...args) => spawnSync(process.execPath, ['bin/retain.js', ...args, '--db', db], { stdio: 'inherit' }).status ?? 1;
let code = retain('demo');
if (code === 0) {
  process.stdout.write('\n');
  code = retain('report');
}
if (code === 0) {
  process.stdout.write(`\nExplore it in the terminal: npx retain report --db ${db} --compare previous --by channel\nor in the browser: open the link below (Ctrl-C stops the server).\n\n`);
  code = retain('serve', '--port', process.env.PORT ?? '4000');
}
process.exit(code);
