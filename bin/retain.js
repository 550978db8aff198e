#!/usr/bin/env node
// Runs the compiled CLI (dist/, built by `npm run build`, which `npm install` runs as `prepare`).
// When dist is missing or older than the source (a developer editing), it runs the source through
// tsx instead: correct, but about a second slower to start. RETAIN_TRACE=1 says which one runs.
import { distIsStale } from '../scripts/build.js';

let main;
if (distIsStale()) {
  if (process.env.RETAIN_TRACE === '1') process.stderr.write('retain: dist/ is missing or older than src/; running the source (npm run build makes it start faster)\n');
  const { register } = await import('tsx/esm/api');
  register();
  ({ main } = await import('../src/cli/main.ts'));
} else ({ main } = await import('../dist/cli/main.js'));
process.exitCode = await main(process.argv);
