/**
 * clvValue on a worker thread, so the seconds of model fitting a large report takes never hold
 * the server's event loop (its /healthz, its cached answers). One worker, started on the first
 * call and kept (unref'd: it never keeps a process alive); calls queue on it. From compiled code
 * it runs dist's worker.js; from the source (tsx, the tests) a two-line bootstrap registers tsx
 * in the worker first, as bin/retain.js does for the CLI.
 */
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { ClvInput, ClvOutput } from './clv-value.js';
import { ModelError } from './errors.js';

type Reply = { id: number; ok: ClvOutput } | { id: number; error: { model: boolean; message: string; hint?: string; stack?: string } };

let worker: Worker | undefined;
let nextId = 0;
const waiting = new Map<number, { resolve: (o: ClvOutput) => void; reject: (e: Error) => void }>();

function start(): Worker {
  const fromSource = import.meta.url.endsWith('.ts');
  const module = new URL(`./worker.${fromSource ? 'ts' : 'js'}`, import.meta.url);
  const w = fromSource
    ? new Worker(`import(${JSON.stringify(tsxApi())}).then((t) => { t.register(); return import(${JSON.stringify(module.href)}); })`, { eval: true })
    : new Worker(module);
  w.unref();
  w.on('message', (r: Reply) => {
    const call = waiting.get(r.id);
    waiting.delete(r.id);
    if (!call) return;
    if ('ok' in r) return call.resolve(r.ok);
    const e = r.error.model ? new ModelError(r.error.message, r.error.hint) : Object.assign(new Error(r.error.message), { stack: r.error.stack });
    call.reject(e);
  });
  // A worker that dies fails what it held; the next call starts another.
  w.on('error', (e) => fail(w, e));
  w.on('exit', (code) => fail(w, new Error(`The models' worker thread exited (${code}).`)));
  return w;
}

/** tsx's ESM API (its import condition: the require one cannot register the loader). */
function tsxApi(): string {
  const resolve = (import.meta as { resolve?: (s: string) => string }).resolve;
  return resolve ? resolve('tsx/esm/api') : pathToFileURL(createRequire(import.meta.url).resolve('tsx/esm/api').replace(/\.cjs$/, '.mjs')).href;
}

function fail(w: Worker, e: Error): void {
  if (worker !== w) return;
  worker = undefined;
  for (const call of waiting.values()) call.reject(e);
  waiting.clear();
}

export function clvValueOffThread(input: ClvInput): Promise<ClvOutput> {
  worker ??= start();
  const id = ++nextId;
  const w = worker;
  return new Promise((resolve, reject) => {
    waiting.set(id, { resolve, reject });
    w.postMessage({ id, input });
  });
}

/** End the worker (a server's shutdown): from the source its tsx loader would keep the process alive. */
export async function stopModelWorker(): Promise<void> {
  const w = worker;
  worker = undefined;
  await w?.terminate();
}
