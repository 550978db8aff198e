// The compiled CLI in dist/: `npm run build` (and `prepare`, so `npm install` on a fresh clone
// builds it). bin/retain.js runs dist when it is at least as new as every source file, and the
// test setup rebuilds it when it is not, so tests run the code users run.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
// Written after each successful build: tsc leaves an unchanged file's output untouched, so the
// outputs' own times cannot say whether a touched source was compiled.
const STAMP = join(ROOT, 'dist', '.built');
const CONFIGS = ['tsconfig.json', 'tsconfig.build.json'];

/** Whether dist is missing or older than a source file or the compiler settings (about 2 ms). */
export function distIsStale(root = ROOT) {
  const stamp = join(root, 'dist', '.built');
  if (!existsSync(stamp)) return true;
  const built = statSync(stamp).mtimeMs;
  const newer = (dir) =>
    readdirSync(dir, { withFileTypes: true }).some((e) =>
      e.isDirectory() ? newer(join(dir, e.name)) : e.name.endsWith('.ts') && statSync(join(dir, e.name)).mtimeMs > built,
    );
  return CONFIGS.some((c) => statSync(join(root, c)).mtimeMs > built) || newer(join(root, 'src'));
}

/**
 * Compile src/ into dist/ (incremental: about 3 s with nothing changed, 7 s from scratch on a
 * quiet machine). Without TypeScript installed (`npm install --omit=dev`) there is nothing to
 * build with: say so and leave the CLI on its source (bin/retain.js falls back to tsx).
 */
export function buildDist() {
  let tsc;
  try {
    tsc = createRequire(join(ROOT, 'package.json')).resolve('typescript/bin/tsc');
  } catch {
    process.stderr.write('retain: TypeScript is not installed, so dist/ is not built; the CLI runs from the source (slower to start).\n');
    return 0;
  }
  const started = new Date();
  const r = spawnSync(process.execPath, [tsc, '-p', join(ROOT, 'tsconfig.build.json')], { stdio: 'inherit' });
  if (r.status !== 0) return r.status ?? 1;
  // Dated when the build started: a file saved while tsc ran may not be in dist.
  writeFileSync(STAMP, `${started.toISOString()}\n`);
  utimesSync(STAMP, started, started);
  return 0;
}

const WEB = join(ROOT, 'web');
const WEB_STAMP = join(ROOT, 'dist', 'web', 'index.html');

/** Whether the dashboard's build is missing or older than a file of web/ (its sources and settings). */
export function webIsStale(root = ROOT) {
  const stamp = join(root, 'dist', 'web', 'index.html');
  if (!existsSync(stamp)) return true;
  const built = statSync(stamp).mtimeMs;
  const newer = (dir) => readdirSync(dir, { withFileTypes: true }).some((e) => (e.isDirectory() ? newer(join(dir, e.name)) : statSync(join(dir, e.name)).mtimeMs > built));
  return newer(join(root, 'web'));
}

/**
 * Build the dashboard (web/, Preact) into dist/web with Vite: about a second. Without Vite
 * (`npm install --omit=dev`) say so: retain serve then answers / with how to build it.
 */
export async function buildWeb() {
  let vite;
  try {
    vite = await import(pathToFileURL(createRequire(join(ROOT, 'package.json')).resolve('vite')).href);
  } catch {
    process.stderr.write('retain: Vite is not installed, so the dashboard (dist/web) is not built; retain serve still serves the API.\n');
    return 0;
  }
  await vite.build({ configFile: join(WEB, 'vite.config.ts') });
  return existsSync(WEB_STAMP) ? 0 : 1;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  process.exitCode = buildDist();
  if (process.exitCode === 0) process.exitCode = await buildWeb();
}
