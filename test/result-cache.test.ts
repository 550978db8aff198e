/**
 * The result cache's own rules (src/server/result-cache.ts), with real computations that end when
 * the test says: entries beyond the bounds go least recently used first, an answer larger than
 * the cache is served but not kept, and a refresh that started earlier but ends later never
 * replaces a newer answer.
 */
import { describe, expect, it } from 'vitest';
import { ResultCache } from '../src/server/result-cache.js';

/** A computation and the function that ends it with its JSON. */
function later(): { compute: () => Promise<string>; end: (json: string) => void } {
  let end: (json: string) => void = () => undefined;
  const p = new Promise<string>((resolve) => (end = resolve));
  return { compute: () => p, end };
}

describe('ResultCache', () => {
  it('drops the least recently used entry past its entry bound', async () => {
    const cache = new ResultCache({ maxEntries: 2, maxBytes: 1000 });
    await cache.get('a', 's', async () => '{"a":1}');
    await cache.get('b', 's', async () => '{"b":1}');
    // a is used again, so b is the least recently used when c arrives.
    expect((await cache.get('a', 's', async () => 'never')).outcome).toBe('hit');
    await cache.get('c', 's', async () => '{"c":1}');
    expect(cache.size).toEqual({ entries: 2, bytes: 14 });
    expect((await cache.get('a', 's', async () => '{"a":2}')).outcome).toBe('hit');
    expect((await cache.get('b', 's', async () => '{"b":2}')).outcome).toBe('miss');
  });

  it('keeps its bytes under the bound, and serves without keeping an answer larger than it', async () => {
    const cache = new ResultCache({ maxEntries: 100, maxBytes: 20 });
    await cache.get('a', 's', async () => '{"a":"0123456789"}'); // 18 bytes
    await cache.get('b', 's', async () => '{"b":1}'); // 7: a goes
    expect(cache.size).toEqual({ entries: 1, bytes: 7 });
    const big = await cache.get('c', 's', async () => `{"c":"${'x'.repeat(30)}"}`);
    expect(big.json).toHaveLength(38);
    expect(cache.size).toEqual({ entries: 1, bytes: 7 });
  });

  it('serves the stored answer as stale while one refresh runs, and never lets an older refresh replace a newer one', async () => {
    const cache = new ResultCache({ maxEntries: 10, maxBytes: 1000 });
    await cache.get('k', 'v1', async () => '{"v":1}');
    const two = later();
    const three = later();
    expect(await cache.get('k', 'v2', two.compute)).toMatchObject({ json: '{"v":1}', stale: true, outcome: 'stale' });
    // Asked again at v2 while its refresh runs: still stale, and no second refresh (it would never end).
    expect(await cache.get('k', 'v2', () => new Promise<string>(() => undefined))).toMatchObject({ stale: true });
    expect(await cache.get('k', 'v3', three.compute)).toMatchObject({ json: '{"v":1}', stale: true });
    three.end('{"v":3}');
    await new Promise((r) => setTimeout(r, 0));
    two.end('{"v":2}');
    await cache.settle();
    expect(await cache.get('k', 'v3', async () => 'never')).toMatchObject({ json: '{"v":3}', stale: false, outcome: 'hit' });
  });
});
