// The dashboard's build: Preact through Vite into dist/web, which `retain serve` serves at /.
// Run by scripts/build.js (npm install's prepare step), so a fresh clone serves it with no extra command.
import preact from '@preact/preset-vite';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  plugins: [preact()],
  // ECharts is one lazy chunk of ~600 KB (~200 KB compressed) loaded with the first chart; the pages' own code is ~30 KB.
  build: { outDir: fileURLToPath(new URL('../dist/web', import.meta.url)), emptyOutDir: true, assetsDir: 'assets', sourcemap: false, chunkSizeWarningLimit: 700 },
  logLevel: 'warn',
});
