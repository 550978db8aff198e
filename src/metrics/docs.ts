/** docs/metrics.md, generated from the registry (test/metrics-docs.test.ts keeps the file in sync). */
import { INDUSTRY_BENCHMARKS } from './industry-benchmarks.js';
import { METRICS } from './registry.js';

export function metricsMarkdown(): string {
  const out = [
    '# Metric catalogue',
    '',
    'Generated from `src/metrics/registry.ts` by `npm run docs`; do not edit by hand.',
    'Rates are percentages (0–100); money is in the workspace reporting currency; a period is `[from, to)`',
    'in the workspace time zone. An empty denominator gives no value (null), with the reason.',
    '',
    '## Your own benchmark bands',
    '',
    'Every band below can be replaced with `retain report --benchmarks FILE` (or `RETAIN_BENCHMARKS`):',
    'a JSON file with bands per industry (chosen by `retain config set industry NAME`) and for this',
    "workspace; the workspace's own bands win over the file's industry, which wins over the built-in industry bands, which win over these.",
    '',
    '```json',
    '{ "industries": { "telecom": { "nps": { "bands": [{ "label": "leader", "min": 30 }], "source": "telecom survey 2025" } } },',
    '  "metrics": { "churn_rate": { "bands": [{ "label": "on target", "max": 2 }, { "label": "off target", "min": 2 }], "source": "our 2026 plan" } } }',
    '```',
    '',
    'A band rates values in `[min, max)`; a missing end is open.',
    '',
    '## Built-in bands by industry',
    '',
    'With `retain config set industry NAME`, these replace the bands below (a benchmarks file still wins).',
    'Each is the published average for the industry, split into below and above it.',
    '',
    '| industry | metric | average | source |',
    '| --- | --- | --- | --- |',
    ...Object.entries(INDUSTRY_BENCHMARKS).flatMap(([industry, byMetric]) =>
      Object.entries(byMetric).map(([id, b]) => `| ${industry} | \`${id}\` | ${b.bands[0]!.max} | ${b.source} |`),
    ),
    '',
  ];
  for (const m of METRICS) {
    out.push(`## ${m.name} (\`${m.id}\`)`, '', m.description, '', `- **Formula:** ${m.formula}`, `- **Unit:** ${m.unit}, ${m.direction} is better`);
    out.push(`- **Tables:** ${m.tables.map((t) => `\`${t}\``).join(', ')}`, `- **Teams:** ${m.teams.join(', ')}`);
    if (m.convention) out.push(`- **Convention:** ${m.convention}`);
    if (m.benchmark) {
      const bands = m.benchmark.bands.map((b) => `${b.label} (${b.min ?? '−∞'} … ${b.max ?? '∞'})`).join('; ');
      out.push(`- **Benchmark bands:** ${bands}. Source: ${m.benchmark.source}.`);
      for (const f of m.benchmark.facts ?? []) out.push(`- ${f}`);
    }
    if (m.noBenchmark) out.push(`- **No benchmark:** ${m.noBenchmark}`);
    if (m.variants?.length) {
      out.push('', '### Definition variants', '', 'Shown beside the value with `retain report --variants` (never instead of it).', '');
      for (const v of m.variants) out.push(`- **${v.name}** (\`${v.id}\`): ${v.reason}${v.usedBy?.length ? ` Known to be used by: ${v.usedBy.join(', ')}.` : ''}`);
    }
    out.push('');
  }
  return out.join('\n');
}
