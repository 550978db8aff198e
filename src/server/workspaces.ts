/**
 * The workspaces a server holds open: each with its warehouse and its ingest writer (on a
 * connection of its own, so a group's transaction never holds a report's reads), and the
 * accounts store they share (the workspace itself when there is one). Workspaces are found when
 * the server starts; a file added to the folder later is served after a restart.
 */
import type { KeyKind } from '../warehouse/api-keys.js';
import { IngestWriter } from '../warehouse/ingest/writer.js';
import { workspaceSet } from '../warehouse/accounts/location.js';
import { clearHolder, markHolder, type Holder } from '../warehouse/holder.js';
import { openWorkspace, type OpenOptions } from '../warehouse/open.js';
import type { Warehouse } from '../warehouse/warehouse.js';

export interface ServedWorkspace {
  name: string;
  wh: Warehouse;
  /** Absent where the engine has no transactions (ClickHouse). */
  ingest?: IngestWriter;
  writer?: Warehouse;
}

/** A live key as a request presents it: the workspace that holds it, its id and kind. */
export interface KnownKey {
  workspace: string;
  id: string;
  kind: KeyKind;
}

export class Workspaces {
  /**
   * Live keys already looked up, by the SHA-256 of the key. Only where every workspace is a
   * DuckDB file: the server holds each file's lock, so no other process can make or revoke a key
   * while it runs, and the server's own revocation empties this at once (forgetKeys). On
   * ClickHouse another process may revoke a key: every request looks it up there.
   */
  private readonly keys: Map<string, KnownKey> | null;

  private constructor(
    readonly accounts: Warehouse,
    private readonly byName: ReadonlyMap<string, ServedWorkspace>,
    private readonly files: readonly string[],
    /** Whether the accounts store is a file of its own (a folder of workspaces), to close apart. */
    private readonly ownAccounts: boolean,
  ) {
    this.keys = this.all().every((w) => w.wh.dialect.name === 'duckdb') ? new Map() : null;
  }

  knownKey(hash: string): KnownKey | undefined {
    return this.keys?.get(hash);
  }

  /** Moves at each revocation: a lookup that began before one must not remember its answer. */
  private keysGeneration = 0;

  get keyGeneration(): number {
    return this.keysGeneration;
  }

  /** Remember a key looked up during `generation`, unless a revocation came since. */
  rememberKey(hash: string, key: KnownKey, generation: number): void {
    // Bounded: a key is remembered once; a flood of made keys cannot grow it without end.
    if (this.keys && generation === this.keysGeneration && this.keys.size < 10_000) this.keys.set(hash, key);
  }

  /** After a revocation: every key is looked up again from the next request on. */
  forgetKeys(): void {
    this.keysGeneration++;
    this.keys?.clear();
  }

  static async open(o: OpenOptions & { workspaces?: string }): Promise<Workspaces> {
    const set = await workspaceSet(o);
    const opened: ServedWorkspace[] = [];
    const close = async () => {
      for (const w of opened) await closeOne(w);
    };
    try {
      for (const w of set.workspaces) {
        const wh = await openWorkspace(w.open);
        const writer = wh.connection ? await wh.connection() : undefined;
        opened.push({ name: w.name, wh, ...(writer ? { writer, ingest: new IngestWriter(writer) } : {}) });
      }
      const shared = set.workspaces[0]!.shared;
      const accounts = shared ? opened[0]!.wh : await openWorkspace(set.accounts);
      const files = [...opened.map((w) => w.wh), ...(shared ? [] : [accounts])].filter((wh) => wh.dialect.name === 'duckdb' && wh.location !== ':memory:').map((wh) => wh.location);
      return new Workspaces(accounts, new Map(opened.map((w) => [w.name, w])), files, !shared);
    } catch (e) {
      await close();
      throw e;
    }
  }

  get names(): string[] {
    return [...this.byName.keys()];
  }

  get(name: string): ServedWorkspace | undefined {
    return this.byName.get(name);
  }

  all(): ServedWorkspace[] {
    return [...this.byName.values()];
  }

  /** Note in each file who holds it, so a command that cannot open it names the server. */
  markHeld(holder: Holder): void {
    for (const f of this.files) markHolder(f, holder);
  }

  /** Commit what waits in the writers, then close every workspace and the accounts store. */
  async close(): Promise<void> {
    for (const w of this.all()) await closeOne(w);
    if (this.ownAccounts) await this.accounts.close();
    for (const f of this.files) clearHolder(f);
  }
}

async function closeOne(w: ServedWorkspace): Promise<void> {
  // Whatever batches wait are committed before the workspace closes: an acknowledged row is never lost.
  await w.ingest?.close();
  await w.writer?.close();
  await w.wh.close();
}
