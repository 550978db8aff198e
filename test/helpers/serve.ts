/** A real `retain serve` child process on loopback (a free port), for the server suites; stop it by PID. */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';

const BIN = join(import.meta.dirname, '..', '..', 'bin', 'retain.js');

export interface Served {
  server: ChildProcess;
  /** http://127.0.0.1:port */
  base: string;
  /** Its log so far (JSON lines). */
  log(): string;
  /** The URL of a workspace route: v1('/report?from=…') (routes of a workspace are mounted under its name). */
  v1(path: string): string;
}

/** `env`: more of the server's environment (a fault point: RETAIN_FAULT). */
export async function serve(db: string, env: NodeJS.ProcessEnv = {}): Promise<Served> {
  const server = spawn(process.execPath, [BIN, 'serve', '--port', '0', '--db', db], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
  let stderr = '';
  server.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
  const base = await new Promise<string>((resolve, reject) => {
    let out = '';
    server.stdout!.on('data', (c: Buffer) => {
      out += c.toString();
      const m = /listening on (http:\/\/127\.0\.0\.1:\d+)\n/.exec(out);
      if (m) resolve(m[1]!);
    });
    server.on('exit', (code) => reject(new Error(`retain serve exited with ${code}: ${stderr}`)));
  });
  return { server, base, log: () => stderr, v1: (path: string) => `${base}/v1${path}` };
}

/** SIGKILL it if it still runs (afterAll). */
export function stop(s: Served | undefined): void {
  if (s && s.server.exitCode === null && s.server.signalCode === null && s.server.pid) process.kill(s.server.pid, 'SIGKILL');
}
