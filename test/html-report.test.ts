/**
 * The HTML report in a real browser (Debian's Chromium, driven by playwright-core): it opens with
 * no network, its charts render, it reads at phone width. Screenshots go to docs/.
 * Without Chromium (a developer machine) the test is skipped with the reason; in CI it must run.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { tmp } from './helpers/workspace.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const root = join(import.meta.dirname, '..');
const BIN = join(root, 'bin', 'retain.js');
const available = existsSync(CHROMIUM);
if (!available && process.env.CI) throw new Error(`Chromium is missing at ${CHROMIUM}: .ci/run installs Debian's chromium package.`);

describe.skipIf(!available)('HTML report in Chromium', () => {
  it('renders every chart offline, at desktop and phone width', async () => {
    const dir = tmp();
    const db = join(dir, 'w.duckdb');
    const html = join(dir, 'report.html');
    expect(spawnSync(process.execPath, [BIN, 'demo', '--customers', '600', '--months', '14', '--end', '2026-01-01', '--db', db]).status).toBe(0);
    const r = spawnSync(process.execPath, [BIN, 'report', '--db', db, '--from', '2025-01-01', '--to', '2026-01-01', '--compare', 'previous', '--format', 'html', '--out', html], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);

    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    });
    try {
      const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
      const requests: string[] = [];
      page.on('request', (req) => {
        if (!req.url().startsWith('file:')) requests.push(req.url());
      });
      await page.goto(`file://${html}`);
      const charts = await page.$$eval('figure svg', (svgs) => svgs.map((s) => s.getBoundingClientRect()).map((b) => [b.width, b.height]));
      expect(charts.length).toBeGreaterThan(20);
      for (const [w = 0, h = 0] of charts) expect(w > 100 && h > 40).toBe(true);
      // The special charts: NPS split, MRR movements, cohort heatmap, survival, email funnel.
      for (const id of ['nps', 'mrr_movements', 'cohort_retention', 'survival', 'email_open_rate']) {
        expect(await page.$$eval(`#${id} figure svg`, (s) => s.length), id).toBeGreaterThanOrEqual(id === 'survival' ? 1 : 2);
      }
      expect(requests).toEqual([]);
      mkdirSync(join(root, 'docs'), { recursive: true });
      await page.screenshot({ path: join(root, 'docs', 'report-desktop.png') });
      await page.setViewportSize({ width: 390, height: 844 });
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      expect(overflow).toBeLessThanOrEqual(0);
      await page.screenshot({ path: join(root, 'docs', 'report-phone.png') });
    } finally {
      await browser.close();
    }
  }, 120_000);
});
