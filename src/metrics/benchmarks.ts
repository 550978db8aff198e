/**
 * Benchmark bands are data: the registry holds the source notes' bands, and a JSON file may
 * override them per industry (chosen by the workspace's `industry` setting) and per workspace:
 *
 *   { "industries": { "saas": { "churn_rate": { "bands": [...], "source": "..." } } },
 *     "metrics": { "nps": { "bands": [{ "label": "ours", "min": 40 }], "source": "our 2025 target" } } }
 *
 * The workspace's own "metrics" win over the file's industry, which wins over the built-in bands of
 * that industry (industry-benchmarks.ts), which win over the registry's. An industry that is neither
 * built in nor in the file is an error, with the known ones.
 */
import { readFile } from 'node:fs/promises';
import type { z as Z } from 'zod';
import { UsageError } from '../warehouse/errors.js';
import { assertKnownIndustry, isIndustry } from '../warehouse/schema/industries.js';
import { INDUSTRY_BENCHMARKS } from './industry-benchmarks.js';
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

/** The overrides for a workspace: the built-in industry's bands, then the file's (when given). */
export async function workspaceBenchmarks(industry: string, path: string | undefined, knownMetrics: readonly string[]): Promise<BenchmarkOverrides | undefined> {
  const file = path ? await loadBenchmarks(path, knownMetrics) : undefined;
  if (industry) assertKnownIndustry(industry, Object.keys(file?.industries ?? {}));
  const builtIn = isIndustry(industry) ? INDUSTRY_BENCHMARKS[industry] : {};
  if (!file && !Object.keys(builtIn).length) return undefined;
  return { ...builtIn, ...(file?.industries?.[industry] ?? {}), ...(file?.metrics ?? {}) };
}

async function loadBenchmarks(path: string, knownMetrics: readonly string[]) {
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
  const named = [...Object.values(r.data.industries ?? {}).flatMap((m) => Object.keys(m)), ...Object.keys(r.data.metrics ?? {})];
  const unknown = [...new Set(named.filter((id) => !knownMetrics.includes(id)))];
  if (unknown.length) throw new UsageError('bad-benchmarks', `${path}: unknown metric ${unknown.join(', ')}.`, 'retain metrics lists the ids.');
  return r.data;
}
