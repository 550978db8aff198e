/**
 * The group commit: one writer per workspace collects the batches submitted at about the same
 * time — for at most `maxWaitMs`, or until `maxGroupRows` rows wait — and commits them together
 * in one transaction (ingestGroup), each caller getting its own answer once that transaction has
 * committed. Concurrent clients thus share one commit instead of queueing for one each.
 *
 * The queue is bounded (`maxQueueRows`, counting the rows waiting and those being committed): a
 * submit that would overflow it is refused at once with QueueFull, before anything of it is
 * taken, so a client is told to retry and no batch already taken is ever dropped. A failure of a
 * group's transaction fails every batch in it: none is told "accepted". flush() and close()
 * commit whatever waits (graceful shutdown); a closed writer refuses new batches.
 *
 * The writer must be the only one writing through its Warehouse: the group's transaction is the
 * connection's.
 */
import { RetainError, UsageError } from '../errors.js';
import { faultPoint } from '../fault.js';
import { tableDefOrUsage } from '../import/import.js';
import type { Warehouse } from '../warehouse.js';
import { checkKey } from './idempotency.js';
import { ingestGroup, requireTransactions, type IngestAnswer, type IngestRequest } from './ingest.js';

export interface WriterOptions {
  /** How long the first batch of a group waits for others; default 50 ms. */
  maxWaitMs?: number;
  /** A group is committed as soon as this many rows wait; default 10,000. */
  maxGroupRows?: number;
  /** Rows the writer holds at most (waiting and being committed); default 100,000. */
  maxQueueRows?: number;
}

/** The queue is full: retry after `retryAfterSeconds` (→ 503 with Retry-After over HTTP). */
export class QueueFull extends RetainError {
  constructor(readonly retryAfterSeconds: number, held: number, max: number) {
    super('ingest-queue-full', `The ingest queue is full (${held} of ${max} rows waiting to be committed).`, `Send the batch again in ${retryAfterSeconds} s; nothing of it was taken.`);
  }
}

interface Pending {
  request: IngestRequest;
  resolve: (a: IngestAnswer) => void;
  reject: (e: Error) => void;
}

export class IngestWriter {
  private readonly maxWaitMs: number;
  private readonly maxGroupRows: number;
  private readonly maxQueueRows: number;
  private waiting: Pending[] = [];
  private waitingRows = 0;
  private committingRows = 0;
  private timer: NodeJS.Timeout | undefined;
  /** The group being committed (one at a time: they share the connection). */
  private committing: Promise<void> = Promise.resolve();
  private closed = false;
  /** Committed groups and batches, for monitoring. */
  readonly stats = { groups: 0, batches: 0, rows: 0 };

  constructor(
    private readonly wh: Warehouse,
    o: WriterOptions = {},
  ) {
    requireTransactions(wh);
    this.maxWaitMs = o.maxWaitMs ?? 50;
    this.maxGroupRows = o.maxGroupRows ?? 10_000;
    this.maxQueueRows = o.maxQueueRows ?? 100_000;
  }

  /** Rows waiting or being committed. */
  get depth(): number {
    return this.waitingRows + this.committingRows;
  }

  /**
   * Queue a batch; resolves with its answer once it is committed. Refuses at once (nothing
   * queued) an unknown table, a bad key, a closed writer, and a batch the queue has no room for (QueueFull).
   */
  submit(table: string, rows: readonly unknown[], idempotencyKey?: string): Promise<IngestAnswer> {
    try {
      tableDefOrUsage(table);
      if (idempotencyKey !== undefined) checkKey(idempotencyKey);
      if (this.closed) throw new UsageError('ingest-closed', 'The ingest writer is shutting down and takes no more batches.', 'Send the batch again once the server is back.');
      const held = this.depth;
      // A batch larger than the whole queue could never wait in it: it is taken when the queue is empty.
      if (held > 0 && held + rows.length > this.maxQueueRows) throw new QueueFull(this.retryAfter(), held, this.maxQueueRows);
    } catch (e) {
      return Promise.reject(e as Error);
    }
    const receivedAt = new Date();
    return new Promise<IngestAnswer>((resolve, reject) => {
      this.waiting.push({ request: { table, rows, receivedAt, ...(idempotencyKey === undefined ? {} : { idempotencyKey }) }, resolve, reject });
      this.waitingRows += rows.length;
      if (this.waitingRows >= this.maxGroupRows) this.commitNow();
      else this.timer ??= setTimeout(() => this.commitNow(), this.maxWaitMs);
    });
  }

  /** Commit everything waiting; resolves when it is committed (or has failed, each caller told). */
  async flush(): Promise<void> {
    this.commitNow();
    await this.committing;
    // Batches submitted while the last group committed.
    if (this.waiting.length) await this.flush();
  }

  /** Take no more batches, then commit what waits. The Warehouse stays open (its owner closes it). */
  async close(): Promise<void> {
    this.closed = true;
    await this.flush();
  }

  /** Seconds a refused client should wait: the groups it takes to commit what is held, one per maxWaitMs at least, and never under 1. */
  private retryAfter(): number {
    return Math.max(1, Math.ceil((this.depth / Math.max(1, this.maxGroupRows)) * (this.maxWaitMs / 1000)));
  }

  private commitNow(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (!this.waiting.length) return;
    this.committing = this.committing.then(() => this.commitGroup());
  }

  /** Take up to maxGroupRows rows' batches (at least one) and commit them as one group. */
  private async commitGroup(): Promise<void> {
    const group: Pending[] = [];
    let rows = 0;
    while (this.waiting.length && (group.length === 0 || rows + (this.waiting[0]?.request.rows.length ?? 0) <= this.maxGroupRows)) {
      const p = this.waiting.shift()!;
      group.push(p);
      rows += p.request.rows.length;
    }
    if (!group.length) return;
    this.waitingRows -= rows;
    this.committingRows += rows;
    try {
      const outcomes = await ingestGroup(
        this.wh,
        group.map((p) => p.request),
      );
      faultPoint('kill-ingest-after-commit');
      this.stats.groups++;
      this.stats.batches += group.length;
      this.stats.rows += rows;
      group.forEach((p, i) => {
        const o = outcomes[i];
        if (o?.ok) p.resolve(o.answer);
        else p.reject(o?.error ?? new Error('ingestGroup gave no outcome'));
      });
    } catch (e) {
      for (const p of group) p.reject(e as Error);
    } finally {
      this.committingRows -= rows;
      // What arrived during the commit waits for its own timer, or goes now if a group is full.
      if (this.waiting.length && !this.timer) {
        if (this.waitingRows >= this.maxGroupRows) this.commitNow();
        else this.timer = setTimeout(() => this.commitNow(), this.maxWaitMs);
      }
    }
  }
}
