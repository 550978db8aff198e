/**
 * No acknowledged row is lost, over HTTP: four clients send numbered batches with an
 * Idempotency-Key to a real `retain serve`; the test SIGKILLs it mid-load, starts it again on the
 * same file and re-sends every batch that had no answer, same key, same body. To be sure the
 * worst case is met too — a batch committed whose answer never left — the second server is
 * started with the fault point that kills it right after its first group commits; a third one
 * takes the re-sends that are left. Every row is then there exactly once, a batch committed
 * unanswered answers its re-send with its first answer (Idempotent-Replayed: true), and so does an
 * acknowledged batch sent again.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CRASH_ROWS, crashBatch } from './helpers/ingest-batches.js';
import { serve, stop, type Served } from './helpers/serve.js';
import { tmp } from './helpers/workspace.js';

const BIN = join(import.meta.dirname, '..', 'bin', 'retain.js');
const cli = (args: string[]) => spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8' });
const CLIENTS = 4;
const BATCHES = 60;
/** Answers before the first kill: a third of the batches, the clients still sending. */
const KILL_AFTER = 20;
/** How long after it: about the writer's group wait (50 ms), so a group may be committing. */
const KILL_DELAY_MS = 40;

type Answer = { accepted: number; duplicates: number; rejected: unknown[] };
/** What every batch is answered, first time or replayed: its 100 orders are new. */
const STORED: Answer = { accepted: CRASH_ROWS, duplicates: 0, rejected: [] };

const running: Served[] = [];
afterAll(() => running.forEach(stop));

const exited = (s: Served) => new Promise((resolve) => (s.server.exitCode !== null || s.server.signalCode !== null ? resolve(null) : s.server.once('exit', resolve)));

describe('retain serve killed mid-load', () => {
  it('keeps every acknowledged row, and stores every row exactly once after the unanswered batches are re-sent', async () => {
    const db = join(tmp(), 'kill.duckdb');
    const made = cli(['keys', 'create', '--kind', 'ingest', '--format', 'json', '--db', db]);
    expect(made.status, made.stderr).toBe(0);
    const { key } = JSON.parse(made.stdout) as { key: string };
    const start = async (env: NodeJS.ProcessEnv = {}) => {
      const s = await serve(db, { env });
      running.push(s);
      return s;
    };
    const send = (s: Served, n: number) => {
      const b = crashBatch(n);
      return fetch(s.v1('/ingest/orders'), {
        method: 'POST',
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json', 'idempotency-key': b.key },
        body: JSON.stringify(b.rows),
      });
    };
    const answers = new Map<number, Answer>();
    const replayed = new Set<number>();
    const unanswered = () => Array.from({ length: BATCHES }, (_, n) => n).filter((n) => !answers.has(n));

    /** The batches `todo`, CLIENTS at a time (each client sends its next once answered), until done or the server is gone. */
    const sendAll = async (s: Served, todo: number[], afterEach: () => void = () => undefined) => {
      const queue = [...todo];
      let gone = false;
      const client = async () => {
        for (let n = queue.shift(); n !== undefined && !gone; n = queue.shift()) {
          let answer: Answer;
          try {
            const res = await send(s, n);
            expect(res.status).toBe(200);
            if (res.headers.get('idempotent-replayed') === 'true') replayed.add(n);
            answer = (await res.json()) as Answer;
          } catch (e) {
            // The connection cut by a kill, before or while the answer came: no answer.
            if (!(e instanceof TypeError)) throw e;
            gone = true;
            return;
          }
          answers.set(n, answer);
          afterEach();
        }
      };
      await Promise.all(Array.from({ length: CLIENTS }, client));
    };

    // 1. Killed by the test, a moment after the KILL_AFTER-th answer.
    const first = await start();
    let kill: Promise<void> | undefined;
    await sendAll(first, unanswered(), () => {
      if (answers.size >= KILL_AFTER) kill ??= new Promise((resolve) => setTimeout(resolve, KILL_DELAY_MS)).then(() => void process.kill(first.server.pid!, 'SIGKILL'));
    });
    await kill;
    await exited(first);
    const acknowledged = new Map(answers);
    expect(acknowledged.size).toBeGreaterThanOrEqual(KILL_AFTER);
    expect(acknowledged.size).toBeLessThan(BATCHES);

    // 2. Killed by itself right after its first group commits: those batches are stored, and unanswered.
    const second = await start({ RETAIN_FAULT: 'kill-ingest-after-commit' });
    await sendAll(second, unanswered());
    await exited(second);
    expect(second.server.signalCode).toBe('SIGKILL');
    expect(answers.size).toBe(acknowledged.size);

    // 3. Every batch still without an answer, again with its key.
    const third = await start();
    await sendAll(third, unanswered());
    expect(unanswered()).toEqual([]);
    for (const a of answers.values()) expect(a).toEqual(STORED);
    // The second server's group was committed: its batches' re-sends are replays (at most a client's batch each).
    expect(replayed.size).toBeGreaterThanOrEqual(1);
    expect(replayed.size).toBeLessThanOrEqual(2 * CLIENTS);

    // An acknowledged batch sent again: its first answer, marked as a replay.
    const [n, firstAnswer] = [...acknowledged][0]!;
    const replay = await send(third, n);
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    expect(await replay.json()).toEqual(firstAnswer);

    process.kill(third.server.pid!, 'SIGTERM');
    await exited(third);
    const r = cli(['sql', 'SELECT count(*) AS n, count(DISTINCT order_id) AS ids FROM orders', '--format', 'json', '--db', db]);
    expect(r.status, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual([{ n: BATCHES * CRASH_ROWS, ids: BATCHES * CRASH_ROWS }]);
  }, 180_000);
});
