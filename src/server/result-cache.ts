/**
 * The result cache: answers (as JSON text) under a key, each stored with the stamp it was computed
 * for — the data versions it read (cached-result.ts). A request whose stamp matches is a hit; one
 * whose stamp moved gets the stored answer marked stale at once while ONE fresh computation runs
 * in the background (stale-while-revalidate); with nothing stored it waits for the computation,
 * which identical requests share (single flight). Bounded: least recently used entries go first
 * once the entries or their bytes pass the limits.
 */

/** How an answer was found: stored and current, stored but out of date, computed for this request, or computed for another one waiting with it. */
export type CacheOutcome = 'hit' | 'stale' | 'miss' | 'shared';

export interface CachedAnswer {
  json: string;
  /** When the answer was computed (ISO 8601, UTC). */
  cachedAt: string;
  stale: boolean;
  outcome: CacheOutcome;
}

export interface ResultCacheOptions {
  /** At most this many entries. */
  maxEntries: number;
  /** At most this many bytes of JSON (one byte a character: V8 keeps ASCII text so). */
  maxBytes: number;
  /** Counters' hook points (the server's /metrics). */
  onHit?: (outcome: 'hit' | 'stale') => void;
  onMiss?: () => void;
  /** Each computation, once it ends: for the log. */
  onComputed?: (key: string, stamp: string, ms: number) => void;
  /** A background refresh that failed: the stale answer stays. */
  onRefreshError?: (key: string, e: unknown) => void;
}

interface Entry {
  stamp: string;
  json: string;
  cachedAt: string;
  /** The order computations started in: an older one finishing late never replaces a newer one. */
  seq: number;
}

export class ResultCache {
  /** In least-recently-used order (a Map iterates in insertion order; a use re-inserts). */
  readonly #entries = new Map<string, Entry>();
  /** Computations running, by key and stamp. */
  readonly #running = new Map<string, Promise<Entry>>();
  #bytes = 0;
  #seq = 0;

  constructor(private readonly o: ResultCacheOptions) {}

  /** The answer for key at stamp: stored, stale while refreshed, or computed once for all who ask. */
  async get(key: string, stamp: string, compute: () => Promise<string>): Promise<CachedAnswer> {
    const e = this.#entries.get(key);
    if (e) {
      this.#touch(key, e);
      const current = e.stamp === stamp;
      this.o.onHit?.(current ? 'hit' : 'stale');
      if (!current && !this.#running.has(flight(key, stamp))) this.#run(key, stamp, compute).catch((err: unknown) => this.o.onRefreshError?.(key, err));
      return { json: e.json, cachedAt: e.cachedAt, stale: !current, outcome: current ? 'hit' : 'stale' };
    }
    this.o.onMiss?.();
    const shared = this.#running.get(flight(key, stamp));
    const done = await (shared ?? this.#run(key, stamp, compute));
    return { json: done.json, cachedAt: done.cachedAt, stale: false, outcome: shared ? 'shared' : 'miss' };
  }

  /** Every computation still running, ended (the server waits for them before closing the workspace). */
  async settle(): Promise<void> {
    while (this.#running.size) await Promise.allSettled([...this.#running.values()]);
  }

  /** Entries and bytes held, for tests and counters. */
  get size(): { entries: number; bytes: number } {
    return { entries: this.#entries.size, bytes: this.#bytes };
  }

  #run(key: string, stamp: string, compute: () => Promise<string>): Promise<Entry> {
    const id = flight(key, stamp);
    const running = this.#running.get(id);
    if (running) return running;
    const seq = ++this.#seq;
    const started = performance.now();
    const p = compute()
      .then((json) => {
        const entry: Entry = { stamp, json, cachedAt: new Date().toISOString(), seq };
        this.o.onComputed?.(key, stamp, performance.now() - started);
        const held = this.#entries.get(key);
        if (!held || held.seq < seq) this.#store(key, entry);
        return entry;
      })
      .finally(() => this.#running.delete(id));
    this.#running.set(id, p);
    return p;
  }

  #store(key: string, entry: Entry): void {
    this.#drop(key);
    // An answer larger than the whole cache is served, not kept.
    if (entry.json.length > this.o.maxBytes) return;
    this.#entries.set(key, entry);
    this.#bytes += entry.json.length;
    for (const [oldest] of this.#entries) {
      if (this.#entries.size <= this.o.maxEntries && this.#bytes <= this.o.maxBytes) break;
      this.#drop(oldest);
    }
  }

  #touch(key: string, e: Entry): void {
    this.#entries.delete(key);
    this.#entries.set(key, e);
  }

  #drop(key: string): void {
    const e = this.#entries.get(key);
    if (!e) return;
    this.#entries.delete(key);
    this.#bytes -= e.json.length;
  }
}

const flight = (key: string, stamp: string) => `${key}\u0000${stamp}`;
