// `npm start`: a fresh demo workspace (./demo.duckdb) filled through the real import (the import
// summary of every table), then the report over it.
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
if (code === 0) process.stdout.write(`\nExplore it: npx retain report --db ${db} --compare previous --by channel, or npx retain sql "…" --db ${db}\n`);
process.exit(code);
