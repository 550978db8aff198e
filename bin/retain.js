#!/usr/bin/env node
// Runs the TypeScript CLI straight from the source tree: no build step between `npm install` and
// `npx retain`. tsx compiles each module on first load and caches it.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/cli/main.ts');
process.exitCode = await main(process.argv);
