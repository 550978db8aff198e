import { Command } from 'commander';
import { UsageError } from '../../warehouse/errors.js';
import { dbOption } from '../common.js';

export function serveCommand(): Command {
  const cmd = new Command('serve')
    .description('Serve workspaces over HTTP: the JSON API (reports, metrics, customers, models, data) with users, roles, API keys and an OpenAPI document.')
    .option('--host <host>', 'address to listen on (loopback unless told)', '127.0.0.1')
    .option('--port <port>', 'port to listen on (0: any free port)', port, 4000)
    .option('--workspaces <dir>', 'serve every workspace file in this folder (NAME.duckdb is workspace NAME) instead of --db; on ClickHouse a prefix: every database PREFIXNAME')
    .option('--trust-proxy', 'behind a reverse proxy: read the client address and HTTPS from X-Forwarded-*')
    .addHelpText(
      'after',
      `
Prints "listening on http://HOST:PORT" once ready, and while no workspace has an owner a
one-time link that creates one; logs (JSON, with request ids) go to stderr. SIGTERM or Ctrl-C
stops it after the requests in flight. A workspace's routes are under
/v1/workspaces/NAME/ (NAME: the file's name without .duckdb) and need a signed-in user
(POST /v1/session) or an API key (retain keys create); /healthz, /readyz and
/v1/openapi.json do not.

Examples:
  $ retain serve --db shop.duckdb
  $ retain serve --workspaces ./workspaces --port 8080
  $ retain serve --engine clickhouse --url http://ch:8123 --workspaces retain_
  $ retain keys create --kind read --db shop.duckdb
  $ curl -H "Authorization: Bearer rk_read_…" "http://127.0.0.1:4000/v1/workspaces/shop/report?compare=previous"`,
    )
    .action(async (o: { host: string; port: number; db?: string; workspaces?: string; trustProxy?: boolean; engine?: string; url?: string; database?: string; cluster?: string }) => {
      if (o.workspaces !== undefined && (o.db !== undefined || o.database !== undefined)) throw new UsageError('bad-option', '--workspaces serves many workspaces: give it or --db/--database, not both.');
      const { startServer, untilSignal } = await import('../../server/start.js');
      const server = await startServer({
        host: o.host,
        port: o.port,
        trustProxy: o.trustProxy ?? false,
        workspace: { db: o.db, workspaces: o.workspaces, engine: o.engine, url: o.url, database: o.database, cluster: o.cluster },
      });
      // The link first: whoever waits for "listening on" then has it too.
      if (server.setupUrl) process.stdout.write(`No owner yet: open this link once, within 24 hours, to create one:\n  ${server.setupUrl}\n`);
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
