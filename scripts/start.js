// `npm start`: a fresh demo workspace (./demo.duckdb) filled through the real import, with the
// import summary of every table.
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';

const db = process.env.RETAIN_DEMO_DB ?? 'demo.duckdb';
for (const p of [db, `${db}.wal`]) rmSync(p, { force: true });
const retain = (...args) => spawnSync(process.execPath, ['bin/retain.js', ...args, '--db', db], { stdio: 'inherit' }).status ?? 1;
const code = retain('demo');
if (code === 0) process.stdout.write(`\nExplore it: npx retain sql "SELECT status, count(*) FROM orders GROUP BY ALL" --db ${db}\n`);
process.exit(code);
