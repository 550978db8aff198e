// `npm run docs`: write docs/metrics.md from the registry.
import { mkdirSync, writeFileSync } from 'node:fs';
import { metricsMarkdown } from '../src/metrics/docs.js';

mkdirSync('docs', { recursive: true });
writeFileSync('docs/metrics.md', metricsMarkdown());
process.stdout.write('docs/metrics.md written\n');
