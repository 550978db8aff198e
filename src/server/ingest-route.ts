/**
 * POST /v1/ingest/{table}: rows as a JSON array or NDJSON (at most 5 MB a request, 64 KB a row),
 * checked by the table's definition as a file import is, committed by the workspace's group-commit
 * writer before the answer is sent. The answer is always {accepted, duplicates, rejected}.
 * Idempotent twice over: a re-sent row is a duplicate by the table's key, and a request repeated
 * with its Idempotency-Key gets the first answer (Idempotent-Replayed: true); the same key with
 * another body is 422. A full queue is 503 with Retry-After, and nothing of that request is taken.
 */
import { z } from 'zod';
import { TABLE_NAMES } from '../warehouse/schema/tables.js';
import { IdempotencyConflict } from '../warehouse/ingest/idempotency.js';
import type { IngestAnswer } from '../warehouse/ingest/ingest.js';
import { QueueFull } from '../warehouse/ingest/writer.js';
import { ingestRows } from './metrics-registry.js';
import { HttpProblem } from './problems.js';
import { Answer, defineRoute } from './route.js';

export const ingestRoute = defineRoute({
  method: 'POST',
  url: '/v1/ingest/:table',
  permission: 'ingest',
  body: 'rows',
  schemas: { params: z.object({ table: z.enum(TABLE_NAMES as [string, ...string[]]).describe('a table of the data model') }) },
  summary: 'Rows into a table, committed before the answer: {accepted, duplicates, rejected: [{index, field, code, message}]}.',
  handler: async ({ ingest, params, body, headers }) => {
    if (!ingest) {
      throw new HttpProblem(501, 'ingest-not-supported', 'This workspace’s engine has no transactions, so a batch could not be committed together with its idempotency record.', 'Import files into it (retain import), or ingest into a DuckDB workspace.');
    }
    if (!Array.isArray(body)) {
      throw new HttpProblem(400, 'bad-body', 'The body must be a JSON array of rows, or NDJSON (one row a line).', 'Send Content-Type: application/json with [{…}, …], or application/x-ndjson.');
    }
    const key = headers['idempotency-key'];
    if (Array.isArray(key)) throw new HttpProblem(400, 'bad-idempotency-key', 'Send one Idempotency-Key header, not several.');
    try {
      const { replayed, ...answer } = await ingest.submit(params.table, body, key);
      // A replay stored nothing: its rows were counted the first time.
      if (!replayed) countIngested(answer);
      return new Answer(answer, replayed ? { 'idempotent-replayed': 'true' } : {});
    } catch (e) {
      if (e instanceof IdempotencyConflict) throw new HttpProblem(422, e.code, e.message, e.hint);
      if (e instanceof QueueFull) throw new HttpProblem(503, e.code, e.message, e.hint, { 'retry-after': String(e.retryAfterSeconds) });
      throw e;
    }
  },
});

function countIngested(a: IngestAnswer): void {
  ingestRows.inc({ outcome: 'accepted' }, a.accepted);
  ingestRows.inc({ outcome: 'duplicate' }, a.duplicates);
  ingestRows.inc({ outcome: 'rejected' }, a.rejected.length);
}
