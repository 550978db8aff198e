/**
 * The dashboard in real Chromium against a real `retain serve` on loopback: the first owner is
 * made through the printed setup link, the overview's cards carry the API's values, a team and a
 * comparison change the numbers to the API's, the URL holds the view (a reload and the back
 * button keep it), signing out returns to the sign-in page. Skipped without Chromium on a
 * developer machine (the reason is printed); in CI it must run.
 */
import { spawnSync } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumAvailable, launch } from './helpers/chromium.js';
import { serve, stop, type Served } from './helpers/serve.js';
import { tmp } from './helpers/workspace.js';

const BIN = join(import.meta.dirname, '..', 'bin', 'retain.js');
const db = join(tmp(), 'shop.duckdb');
const PASSWORD = 'a long enough passphrase';

describe.skipIf(!chromiumAvailable)('the dashboard in Chromium', () => {
  let s: Served;
  let browser: Browser;
  let page: Page;
  let key = '';

  beforeAll(async () => {
    expect(spawnSync(process.execPath, [BIN, 'demo', '--customers', '300', '--months', '6', '--end', '2026-01-01', '--db', db]).status).toBe(0);
    key = (JSON.parse(spawnSync(process.execPath, [BIN, 'keys', 'create', '--kind', 'read', '--format', 'json', '--db', db], { encoding: 'utf8' }).stdout) as { key: string }).key;
    s = await serve(db);
    browser = await launch();
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    stop(s);
  });

  /** The API's report for the same view, read with a key. */
  const apiReport = async (query: string) =>
    (await (await fetch(s.v1(`/report?${query}`), { headers: { authorization: `Bearer ${key}` } })).json()) as { metrics: { id: string; value: number | null; needs: string[]; compare: { verdict: string } | null }[] };
  /** Each card's metric and value, as the page carries them in the DOM. */
  const cards = () => page.$$eval('.card', (els) => els.map((e) => [e.getAttribute('data-metric'), e.getAttribute('data-value')] as const));
  const expectCards = async (query: string) => {
    const r = await apiReport(query);
    const want = r.metrics.filter((m) => m.needs.length === 0).map((m) => [m.id, m.value === null ? '' : String(m.value)]);
    await page.waitForFunction((n) => document.querySelectorAll('.card').length === n && !document.querySelector('[aria-busy=true]'), want.length);
    const got = await cards();
    expect(got.map(([id]) => id)).toEqual(want.map(([id]) => id));
    // Equal, but for the fitted models' last digits: each report refits them, and the engine sums on
    // several threads in an order that can change a double's last bits (1e-6 relative is far below display).
    got.forEach(([id, v], i) => {
      const w = want[i]![1]!;
      if (v === '' || w === '') expect(`${id}: ${v}`).toBe(`${id}: ${w}`);
      else expect(Math.abs(Number(v) - Number(w)), `${id}: ${v} vs ${w}`).toBeLessThanOrEqual(1e-6 * Math.max(1, Math.abs(Number(w))));
    });
  };

  it('makes the first owner through the setup link, then shows the overview with the API’s values', async () => {
    await page.goto(s.setupUrl!);
    await page.getByLabel('Email').fill('owner@example.com');
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Set password and sign in' }).click();
    await page.waitForURL(/\/w\/shop$/);
    await expectCards('compare=previous');
    // The change is coloured by its verdict.
    const nps = page.locator('[data-metric=nps] .change');
    expect(await nps.getAttribute('data-verdict')).toBe((await apiReport('compare=previous')).metrics.find((m) => m.id === 'nps')!.compare!.verdict);
  }, 60_000);

  it('changes the numbers to the API’s for a team and a comparison, and keeps the view in the URL', async () => {
    await page.getByRole('link', { name: 'support' }).click();
    await page.waitForURL(/team=support/);
    await expectCards('team=support&compare=previous');
    await page.getByLabel('Compared with').selectOption('year');
    await page.waitForURL(/compare=year/);
    await expectCards('team=support&compare=year');
    // A reload reproduces the view from the URL alone; back returns to the one before.
    await page.reload();
    await expectCards('team=support&compare=year');
    await page.goBack();
    await page.waitForURL((u) => !u.search.includes('compare=year'));
    await expectCards('team=support&compare=previous');
  }, 60_000);

  it('filters on a customer field and breaks down by one, as the API does', async () => {
    await page.goto(`${s.base}/w/shop?compare=previous`);
    await page.waitForSelector('.card');
    await page.getByLabel('Only customers with').fill('country=DE');
    await page.getByRole('button', { name: 'Add filter' }).click();
    await page.waitForURL(/where=country%3DDE/);
    await expectCards('compare=previous&where=country=DE');
    await page.getByLabel('Broken down by').fill('channel');
    await page.getByLabel('Broken down by').press('Enter');
    await page.waitForURL(/by=channel/);
    await page.waitForSelector('[data-metric=nps] tr[data-segment]');
    const nps = (await apiReport('compare=previous&where=country=DE&by=channel')).metrics.find((m) => m.id === 'nps') as unknown as { segments: { segment: string | null; value: number | null }[] };
    const shown = await page.$$eval('[data-metric=nps] tr[data-segment]', (rs) => rs.map((r) => [r.getAttribute('data-segment'), r.getAttribute('data-value')]));
    expect(shown).toEqual(nps.segments.slice(0, 6).map((g) => [g.segment ?? '', g.value === null ? '' : String(g.value)]));
    // The filter comes off again, and the view is the unfiltered one.
    await page.getByRole('button', { name: 'Remove filter country=DE' }).click();
    await page.waitForURL((u) => !u.search.includes('where='));
    await expectCards('compare=previous&by=channel');
  }, 60_000);

  it('opens a metric: its trend drawn from the shared chart definition, each point’s value in the DOM', async () => {
    await page.goto(`${s.base}/w/shop?compare=previous`);
    await page.locator('[data-metric=nps] h3 a').click();
    await page.waitForURL(/\/w\/shop\/metrics\/nps\?compare=previous$/);
    await page.waitForSelector('.chart svg');
    const m = (await apiReport('metric=nps&compare=previous')).metrics[0]! as unknown as { value: number; series: { start: string; value: number | null }[] };
    expect(await page.locator('p.value[data-metric=nps]').getAttribute('data-value')).toBe(String(m.value));
    const points = await page.$$eval('.chart:first-of-type tbody tr', (rows) => rows.map((r) => [r.getAttribute('data-key'), r.getAttribute('data-value')]));
    expect(points).toEqual(m.series.map((x) => [x.start, x.value === null ? '' : String(x.value)]));
    // The NPS split beside it, and the definition from the catalogue.
    expect(await page.locator('.chart').count()).toBe(2);
    await expect.poll(() => page.locator('.definition').textContent()).toContain('NPS = %promoters − %detractors');
  }, 60_000);

  it('pages through a customer list as the API does, downloads it as CSV, and opens a customer', async () => {
    const headers = { authorization: `Bearer ${key}` };
    const apiPage = async (q: string) => (await (await fetch(s.v1(`/customers?${q}`), { headers })).json()) as { total: number; customers: { customer_id: string }[]; next_cursor: string | null };
    await page.goto(`${s.base}/w/shop`);
    await page.getByRole('link', { name: 'Customers' }).click();
    const rows = () => page.$$eval('tr[data-customer]', (rs) => rs.map((r) => r.getAttribute('data-customer')));
    // A list: the promoters, as the API gives them.
    await page.getByLabel('List', { exact: true }).selectOption('promoters');
    await page.waitForURL(/segment=promoters/);
    const promoters = await apiPage('segment=promoters&limit=50');
    await expect.poll(() => page.locator('[data-total]').getAttribute('data-total')).toBe(String(promoters.total));
    expect(await rows()).toEqual(promoters.customers.map((c) => c.customer_id));
    // Everyone by revenue: more than a page.
    await page.getByLabel('List', { exact: true }).selectOption('all');
    await page.getByLabel('Sorted by').selectOption('revenue');
    await page.waitForURL(/segment=all&sort=revenue/);
    const first = await apiPage('segment=all&sort=revenue&limit=50');
    expect(first.next_cursor).not.toBeNull();
    await expect.poll(rows).toEqual(first.customers.map((c) => c.customer_id));
    expect(await page.locator('[data-total]').getAttribute('data-total')).toBe(String(first.total));
    await page.getByRole('button', { name: 'Next page' }).click();
    const second = await apiPage(`segment=all&sort=revenue&limit=50&cursor=${first.next_cursor}`);
    await expect.poll(rows).toEqual(second.customers.map((c) => c.customer_id));
    await page.goBack();
    await expect.poll(rows).toEqual(first.customers.map((c) => c.customer_id));
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download CSV' }).click()]);
    const csv = await (await import('node:fs/promises')).readFile((await download.path())!, 'utf8');
    expect(csv.trim().split('\n')).toHaveLength(first.total + 1);
    // One customer: the scores and the timeline the API gives.
    const id = first.customers[0]!.customer_id;
    await page.locator(`tr[data-customer="${id}"] a`).click();
    await page.waitForURL(new RegExp(`/customers/${id}$`));
    const profile = (await (await fetch(s.v1(`/customers/${id}`), { headers })).json()) as { timeline: unknown[] };
    await expect.poll(() => page.locator('.timeline li').count()).toBe(profile.timeline.length);
    expect(await page.locator('[data-score=risk] .value').textContent()).not.toBe('');
  }, 60_000);

  it('changes a setting, invites a person and makes and revokes a key from the settings page', async () => {
    const headers = { authorization: `Bearer ${key}` };
    await page.goto(`${s.base}/w/shop`);
    await page.getByRole('link', { name: 'Settings' }).click();
    await page.waitForURL(/\/w\/shop\/settings$/);
    await page.getByLabel('gross margin').fill('0.6');
    await page.getByRole('button', { name: 'Save settings' }).click();
    await expect.poll(() => page.getByRole('status').textContent()).toBe('Saved.');
    expect(((await (await fetch(s.v1('/settings'), { headers })).json()) as { gross_margin: string }).gross_margin).toBe('0.6');
    await page.getByLabel('Email', { exact: true }).fill('vic@example.com');
    await page.getByLabel('Role', { exact: true }).selectOption('analyst');
    await page.getByRole('button', { name: 'Invite' }).click();
    await expect.poll(() => page.getByRole('status').textContent()).toMatch(/^vic@example\.com is analyst\. Send them this one-time link \(7 days\): http:\/\/127\.0\.0\.1:\d+\/setup\?token=ri_/);
    expect(await page.locator('tr[data-member="vic@example.com"]').textContent()).toBe('vic@example.comanalystinvited');
    await page.getByRole('button', { name: 'New read key' }).click();
    await expect.poll(() => page.getByRole('status').textContent()).toMatch(/^New read key, shown this once: rk_read_/);
    const made = (await page.getByRole('status').textContent())!.split(': ')[1]!;
    expect((await fetch(s.v1('/status'), { headers: { authorization: `Bearer ${made}` } })).status).toBe(200);
    await page.getByRole('button', { name: `Revoke ${made.slice(0, 12)}…` }).click();
    await expect.poll(async () => (await fetch(s.v1('/status'), { headers: { authorization: `Bearer ${made}` } })).status).toBe(401);
  }, 60_000);

  it('reads at desktop and phone widths: the screenshots in docs/ are taken here', async () => {
    const docs = join(import.meta.dirname, '..', 'docs');
    const shot = async (path: string, name: string, ready: string) => {
      await page.goto(s.base + path);
      await page.waitForSelector(ready);
      await page.waitForFunction(() => !document.querySelector('[aria-busy=true]'));
      await page.screenshot({ path: join(docs, `${name}.png`) });
    };
    for (const [w, h, suffix] of [[1280, 900, 'desktop'], [390, 844, 'phone']] as const) {
      await page.setViewportSize({ width: w, height: h });
      await shot('/w/shop?team=marketing&compare=previous', `dashboard-overview-${suffix}`, '.card');
      await shot('/w/shop/metrics/nps?compare=previous', `dashboard-metric-${suffix}`, '.chart svg');
      await shot('/w/shop/customers?segment=all&sort=revenue', `dashboard-customers-${suffix}`, 'tr[data-customer]');
      // Nothing runs off the side at phone width: the page scrolls only down (tables scroll in their box).
      expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth + 1)).toBe(true);
    }
    await page.setViewportSize({ width: 1280, height: 900 });
  }, 60_000);

  it('has no serious or critical accessibility violations (axe-core) on any page, and a keyboard reaches every control', async () => {
    // axe runs as an injected script: a context of its own that bypasses the page's CSP for it.
    const context = await browser.newContext({ bypassCSP: true, viewport: { width: 1280, height: 900 } });
    const p = await context.newPage();
    const axe = await readFile(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
    const violations = async (path: string) => {
      await p.goto(s.base + path);
      await p.waitForFunction(() => !document.querySelector('[aria-busy=true]') && document.querySelector('main, .sign-in'));
      await p.addScriptTag({ content: axe });
      const found = await p.evaluate(async () => {
        const r = await (window as unknown as { axe: { run: (o: unknown) => Promise<{ violations: { id: string; impact: string; nodes: unknown[] }[] }> } }).axe.run({ resultTypes: ['violations'] });
        return r.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id} (${v.impact}, ${v.nodes.length})`);
      });
      return found.map((f) => `${path}: ${f}`);
    };
    const found = [...(await violations('/login'))];
    // Signed in (the cookie is per context): then every page.
    await p.goto(`${s.base}/login`);
    await p.getByLabel('Email').fill('owner@example.com');
    await p.getByLabel('Password').fill(PASSWORD);
    await p.getByRole('button', { name: 'Sign in' }).click();
    await p.waitForURL(/\/w\/shop$/);
    const customer = (await (await fetch(s.v1('/customers?limit=1'), { headers: { authorization: `Bearer ${key}` } })).json()) as { customers: { customer_id: string }[] };
    for (const path of ['/w/shop', '/w/shop/metrics/nps', '/w/shop/customers', `/w/shop/customers/${customer.customers[0]!.customer_id}`, '/w/shop/settings']) found.push(...(await violations(path)));
    expect(found).toEqual([]);
    // Tab order on the overview reaches every link, select, input and button, each showing focus.
    await p.goto(`${s.base}/w/shop`);
    await p.waitForSelector('.card');
    const controls = await p.$$eval('a[href], button, select, input', (els) => els.length);
    // Each element Tab lands on is marked; afterwards no control may be unmarked.
    // A date input takes a stop per part (month, day, year): twice the controls covers them, wrapping is harmless.
    for (let i = 0; i < controls * 2; i++) {
      await p.keyboard.press('Tab');
      await p.evaluate(() => (document.activeElement as HTMLElement | null)?.setAttribute('data-tabbed', ''));
    }
    const missed = await p.$$eval('a[href], button, select, input', (els) => els.filter((e) => !e.hasAttribute('data-tabbed')).map((e) => e.outerHTML.slice(0, 80)));
    expect(missed).toEqual([]);
    await context.close();
  }, 120_000);

  it('signs out to the sign-in page, and signs in again with the password', async () => {
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL(/\/login$/);
    await page.getByLabel('Email').fill('owner@example.com');
    await page.getByLabel('Password').fill('not the password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('The email or the password is wrong.');
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(/\/w\/shop$/);
    await expectCards('compare=previous');
  }, 60_000);
});
