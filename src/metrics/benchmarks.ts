/**
 * Benchmark bands are data: the registry holds the source notes' bands, and a JSON file may
 * override them per industry (chosen by the workspace's `industry` setting) and per workspace:
 *
 *   { "industries": { "saas": { "churn_rate": { "bands": [...], "source": "..." } } },
 *     "metrics": { "nps": { "bands": [{ "label": "ours", "min": 40 }], "source": "our 2025 target" } } }
 *
 * The workspace's own "metrics" win over the industry's, which win over the built-in bands.
 */
import { readFile } from 'node:fs/promises';
import type { z as Z } from 'zod';
import { UsageError } from '../warehouse/errors.js';
import type { Benchmark } from './types.js';

/** The file's shape; built with zod loaded on demand, since few reports name a benchmarks file. */
function fileSchema(z: typeof Z) {
  const band = z.object({ label: z.string().min(1), min: z.number().optional(), max: z.number().optional() }).strict();
  const benchmark = z.object({ bands: z.array(band).min(1), source: z.string().min(1), facts: z.array(z.string()).optional() }).strict();
  return z
    .object({
      industries: z.record(z.string(), z.record(z.string(), benchmark)).optional(),
      metrics: z.record(z.string(), benchmark).optional(),
    })
    .strict();
}

export type BenchmarkOverrides = Readonly<Record<string, Benchmark>>;

export async function loadBenchmarks(path: string, industry: string, knownMetrics: readonly string[]): Promise<BenchmarkOverrides> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(await readFile(path, 'utf8'));
  } catch (e) {
    throw new UsageError('bad-benchmarks', `Cannot read benchmarks from ${path}: ${(e as Error).message}`, 'Give a JSON file as described in docs/metrics.md.');
  }
  const r = fileSchema((await import('zod')).z).safeParse(parsed);
  if (!r.success) {
    const issue = r.error.issues[0]!;
    throw new UsageError('bad-benchmarks', `${path}: ${issue.path.join('.')}: ${issue.message}`, 'Each benchmark is {"bands": [{"label", "min"?, "max"?}], "source"}.');
  }
  const merged = { ...(r.data.industries?.[industry] ?? {}), ...(r.data.metrics ?? {}) };
  const unknown = Object.keys(merged).filter((id) => !knownMetrics.includes(id));
  if (unknown.length) throw new UsageError('bad-benchmarks', `${path}: unknown metric ${unknown.join(', ')}.`, 'retain metrics lists the ids.');
  return merged;
}
