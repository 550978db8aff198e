/**
 * The baseline of bench/serve-ingest.ts: a bare Fastify server on loopback whose one route parses
 * a JSON array of rows and answers their count, doing none of ingest's work (no key, no engine).
 * What the machine's HTTP and JSON parsing allow, measured with the same load in the same run.
 * Prints "listening on URL".
 */
import Fastify from 'fastify';

const app = Fastify({ bodyLimit: 5 * 1024 * 1024 });
app.post('/v1/workspaces/:workspace/ingest/:table', async (request) => ({ accepted: (request.body as unknown[]).length, duplicates: 0, rejected: [] }));
const url = await app.listen({ host: '127.0.0.1', port: 0 });
process.stdout.write(`listening on ${url}\n`);
