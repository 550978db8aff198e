/**
 * The HTML report in a real browser (Debian's Chromium, driven by playwright-core): it opens with
 * no network, its charts render, it reads at phone width. Screenshots go to docs/.
 * Without Chromium (a developer machine) the test is skipped with the reason; in CI it must run.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { chromiumAvailable, launch } from './helpers/chromium.js';
import { tmp } from './helpers/workspace.js';

const root = join(import.meta.dirname, '..');
const BIN = join(root, 'bin', 'retain.js');

describe.skipIf(!chromiumAvailable)('HTML report in Chromium', () => {
  const dir = tmp();
  const db = join(dir, 'w.duckdb');
  beforeAll(() => {
    expect(spawnSync(process.execPath, [BIN, 'demo', '--customers', '600', '--months', '14', '--end', '2026-01-01', '--db', db]).status).toBe(0);
  }, 120_000);

  it('renders every chart offline, at desktop and phone width', async () => {
    const html = join(dir, 'report.html');
    const r = spawnSync(process.execPath, [BIN, 'report', '--db', db, '--from', '2025-01-01', '--to', '2026-01-01', '--compare', 'previous', '--variants', '--format', 'html', '--out', html], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);

    const browser = await launch();
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
      // The special charts: NPS split, MRR movements, cohort heatmap, survival, email funnel, RFM segments.
      for (const id of ['nps', 'mrr_movements', 'cohort_retention', 'survival', 'email_open_rate', 'rfm']) {
        expect(await page.$$eval(`#${id} figure svg`, (s) => s.length), id).toBeGreaterThanOrEqual(id === 'survival' || id === 'rfm' ? 1 : 2);
      }
      expect(requests).toEqual([]);
      // What people read says things in words: no option syntax, commands, JSON parts or field names.
      const text = await page.evaluate(() => [...document.querySelectorAll('header, .card > :not(figure), table.variants')].map((e) => (e as HTMLElement).innerText).join('\n'));
      for (const line of text.split('\n')) expect(line, line).not.toMatch(/--[a-z]|retain [a-z]|parts\.|\b[a-z]+_[a-z_]+\b/);
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

  it('model fit and model evaluation pages: the P(alive) heatmap, the new-customer curve, tracking and conditional plots', async () => {
    const fit = join(dir, 'fit.html');
    const evaluation = join(dir, 'evaluation.html');
    let r = spawnSync(process.execPath, [BIN, 'model', 'fit', '--db', db, '--no-pareto', '--format', 'html', '--out', fit], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    r = spawnSync(process.execPath, [BIN, 'model', 'evaluate', '--db', db, '--calibration-end', '2025-06-30', '--holdout-end', '2025-12-31', '--no-pareto', '--format', 'html', '--out', evaluation], {
      encoding: 'utf8',
    });
    expect(r.status, r.stderr).toBe(0);
    const json = JSON.parse(spawnSync(process.execPath, [BIN, 'model', 'fit', '--db', db, '--no-pareto', '--format', 'json'], { encoding: 'utf8' }).stdout) as {
      customers: number;
      predictions: { pAlive: { frequencies: number[]; recencies: number[] } };
    };
    const cells = json.predictions.pAlive.frequencies.length * json.predictions.pAlive.recencies.length;
    const browser = await launch();
    try {
      const page = await browser.newPage({ viewport: { width: 1000, height: 900 } });
      await page.goto(`file://${fit}`);
      const sizes = await page.$$eval('figure svg', (svgs) => svgs.map((s) => [s.getBoundingClientRect().width, s.querySelectorAll('path').length]));
      expect(sizes).toHaveLength(2);
      for (const [w = 0] of sizes) expect(w).toBeGreaterThan(300);
      // One drawn shape per matrix cell at least.
      expect(sizes[1]![1]).toBeGreaterThanOrEqual(cells);
      expect(await page.textContent('body')).toContain(`${json.customers} customers`);
      await page.screenshot({ path: join(root, 'docs', 'model-fit.png'), fullPage: true });
      await page.goto(`file://${evaluation}`);
      expect(await page.$$eval('figure svg', (s) => s.length)).toBe(2);
    } finally {
      await browser.close();
    }
  }, 120_000);
});
