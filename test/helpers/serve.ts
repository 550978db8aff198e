/** A real `retain serve` child process on loopback (a free port), for the server suites; stop it by PID. */
import { spawn, type ChildProcess } from 'node:child_process';
import { basename, join } from 'node:path';

const BIN = join(import.meta.dirname, '..', '..', 'bin', 'retain.js');

export interface Served {
  server: ChildProcess;
  /** http://127.0.0.1:port */
  base: string;
  /** The one-time link that creates the first owner, when the server printed one. */
  setupUrl: string | null;
  /** Its log so far (JSON lines). */
  log(): string;
  /** The URL of a workspace route: v1('/report?from=…') is /v1/workspaces/NAME/report?from=… (NAME: the served file's, or `workspace`). */
  v1(path: string, workspace?: string): string;
}

/**
 * Serve one workspace file, or with `{ workspaces: DIR }` every one in the folder (v1's default:
 * `workspace`); `args`: more options; `env`: more of the server's environment (a fault point: RETAIN_FAULT).
 */
export async function serve(target: string | { workspaces: string; workspace: string }, o: { args?: string[]; env?: NodeJS.ProcessEnv } = {}): Promise<Served> {
  const where = typeof target === 'string' ? ['--db', target] : ['--workspaces', target.workspaces];
  const name = typeof target === 'string' ? basename(target).replace(/\.duckdb$/, '') : target.workspace;
  const server = spawn(process.execPath, [BIN, 'serve', '--port', '0', ...where, ...(o.args ?? [])], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...o.env } });
  let stderr = '';
  server.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
  let out = '';
  const base = await new Promise<string>((resolve, reject) => {
    server.stdout!.on('data', (c: Buffer) => {
      out += c.toString();
      const m = /listening on (http:\/\/127\.0\.0\.1:\d+)\n/.exec(out);
      if (m) resolve(m[1]!);
    });
    server.on('exit', (code) => reject(new Error(`retain serve exited with ${code}: ${stderr}`)));
  });
  const setupUrl = /^ {2}(http:\/\/\S+\/setup\?token=\S+)$/m.exec(out)?.[1] ?? null;
  return { server, base, setupUrl, log: () => stderr, v1: (path: string, workspace = name) => `${base}/v1/workspaces/${workspace}${path}` };
}

/** SIGKILL it if it still runs (afterAll). */
export function stop(s: Served | undefined): void {
  if (s && s.server.exitCode === null && s.server.signalCode === null && s.server.pid) process.kill(s.server.pid, 'SIGKILL');
}
