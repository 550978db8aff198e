/**
 * A file upload: the request body streamed to a temporary file under the workspace's folder (never
 * held in memory), then the import the CLI runs (importInto), on a connection of its own so its
 * transaction never holds a report's reads. Each upload is a job whose progress — bytes received,
 * then the import's phase and percent — GET /v1/imports/jobs shows while it runs.
 */
import { randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ImportOptions, ImportSummary } from '../warehouse/import/import.js';
import { importInto } from '../warehouse/import/via-staging.js';
import type { Warehouse } from '../warehouse/warehouse.js';

export interface ImportJob {
  id: string;
  table: string;
  file: string;
  state: 'receiving' | 'importing' | 'done' | 'failed';
  bytes: number;
  phase: 'reading' | 'writing' | null;
  /** The import's progress in its phase, 0–100 (-1 where the engine cannot tell). */
  percent: number | null;
  started_at: string;
  finished_at: string | null;
  summary: ImportSummary | null;
  error: string | null;
}

/** Jobs finished this long ago leave the list. */
const KEEP_MS = 60 * 60 * 1000;
const jobs = new WeakMap<Warehouse, Map<string, ImportJob>>();

/** The workspace's jobs, running and recently finished, newest first. */
export function importJobs(wh: Warehouse): ImportJob[] {
  const all = jobs.get(wh) ?? new Map<string, ImportJob>();
  const now = Date.now();
  for (const [id, j] of all) if (j.finished_at && now - Date.parse(j.finished_at) > KEEP_MS) all.delete(id);
  return [...all.values()].reverse();
}

/** Where uploads wait: beside a workspace file (same disk, same permissions), else the system's temp folder. */
function uploadFolder(wh: Warehouse): string {
  const file = wh.dialect.name === 'duckdb' && wh.location !== ':memory:' ? wh.location : null;
  return join(file ? dirname(file) : tmpdir(), '.retain-uploads', randomUUID());
}

export async function uploadAndImport(wh: Warehouse, body: Readable, name: string, opts: Omit<ImportOptions, 'file' | 'onProgress'>): Promise<{ job: string; summary: ImportSummary }> {
  const folder = uploadFolder(wh);
  const file = join(folder, basename(name));
  const job: ImportJob = { id: randomUUID(), table: opts.table, file: basename(name), state: 'receiving', bytes: 0, phase: null, percent: null, started_at: new Date().toISOString(), finished_at: null, summary: null, error: null };
  if (!jobs.has(wh)) jobs.set(wh, new Map());
  jobs.get(wh)!.set(job.id, job);
  await mkdir(folder, { recursive: true });
  const conn = wh.connection ? await wh.connection() : wh;
  try {
    body.on('data', (chunk: Buffer) => (job.bytes += chunk.length));
    await pipeline(body, createWriteStream(file, { flags: 'wx' }));
    job.state = 'importing';
    const summary = await importInto(conn, {
      ...opts,
      file,
      onProgress: (phase, p) => {
        job.phase = phase;
        job.percent = p.percent;
      },
    });
    Object.assign(job, { state: 'done', summary, finished_at: new Date().toISOString() });
    return { job: job.id, summary };
  } catch (e) {
    Object.assign(job, { state: 'failed', error: (e as Error).message, finished_at: new Date().toISOString() });
    throw e;
  } finally {
    if (conn !== wh) await conn.close();
    await rm(folder, { recursive: true, force: true });
  }
}
