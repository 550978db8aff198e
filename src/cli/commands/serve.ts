import { Command } from 'commander';
import { UsageError } from '../../warehouse/errors.js';
import { dbOption } from '../common.js';

export function serveCommand(): Command {
  const cmd = new Command('serve')
    .description('Serve the workspace over HTTP: the JSON API (reports, metrics, status) with API keys and an OpenAPI document.')
    .option('--host <host>', 'address to listen on (loopback unless told)', '127.0.0.1')
    .option('--port <port>', 'port to listen on (0: any free port)', port, 4000)
    .addHelpText(
      'after',
      `
Prints "listening on http://HOST:PORT" once ready; logs (JSON, with request ids) go to stderr.
SIGTERM or Ctrl-C stops it after the requests in flight. Every /v1 route needs an API key
(retain keys create); /healthz, /readyz and /v1/openapi.json do not.

Examples:
  $ retain serve --db shop.duckdb
  $ retain keys create --kind read --db shop.duckdb
  $ curl -H "Authorization: Bearer rk_read_…" "http://127.0.0.1:4000/v1/report?compare=previous"`,
    )
    .action(async (o: { host: string; port: number; db?: string; engine?: string; url?: string; database?: string; cluster?: string }) => {
      const { startServer, untilSignal } = await import('../../server/start.js');
      const server = await startServer({ host: o.host, port: o.port, workspace: { db: o.db, engine: o.engine, url: o.url, database: o.database, cluster: o.cluster } });
      process.stdout.write(`listening on ${server.url}\n`);
      await untilSignal(server);
    });
  return dbOption(cmd);
}

/** A port: 0 (any free one) to 65535. */
function port(v: string): number {
  const n = Number(v);
  if (!/^\d+$/.test(v) || n > 65535) throw new UsageError('bad-option', `--port must be a whole number from 0 to 65535; got "${v}".`, '--port 0 picks a free port.');
  return n;
}
