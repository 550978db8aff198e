/**
 * The process the ingest crash test kills: it opens the workspace given, sends the crash batches
 * through one IngestWriter four at a time, and prints `ack <key>` for each answer as it comes —
 * what a server would acknowledge to its client.
 */
import { IngestWriter } from '../../src/warehouse/ingest/writer.js';
import { openWorkspace } from '../../src/warehouse/open.js';
import { CRASH_BATCHES, crashBatch } from './ingest-batches.js';

const wh = await openWorkspace({ db: process.argv[2] });
const writer = new IngestWriter(wh, { maxWaitMs: 20 });
for (let i = 0; i < CRASH_BATCHES; i += 4) {
  await Promise.all(
    [i, i + 1, i + 2, i + 3].map(async (n) => {
      const b = crashBatch(n);
      await writer.submit('orders', b.rows, b.key);
      process.stdout.write(`ack ${b.key}\n`);
    }),
  );
}
await writer.close();
await wh.close();
