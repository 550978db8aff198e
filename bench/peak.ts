/**
 * Run a command and report its wall time and peak resident memory (the child's VmHWM, read from
 * /proc while it runs, which covers native memory such as DuckDB's).
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';

export async function measure(cmd: string, args: string[], env: NodeJS.ProcessEnv = process.env): Promise<{ seconds: number; peakRssMB: number; stdout: string; code: number }> {
  const t0 = performance.now();
  const child = spawn(cmd, args, { env, stdio: ['ignore', 'pipe', 'inherit'] });
  let stdout = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  let peak = 0;
  const sample = () => {
    try {
      const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
      if (m) peak = Math.max(peak, Number(m[1]) / 1024);
    } catch {
      // the process has exited
    }
  };
  const timer = setInterval(sample, 100);
  const code = await new Promise<number>((resolve) => child.once('exit', (c) => resolve(c ?? 1)));
  clearInterval(timer);
  return { seconds: (performance.now() - t0) / 1000, peakRssMB: Math.round(peak), stdout, code };
}

/**
 * The demo's last day for every bench (BENCH_DEMO_END, default the first of this month): the
 * DuckDB workspace bench/demo.ts builds and the one bench/clickhouse.ts loads hold the same rows.
 */
export const DEMO_END = process.env.BENCH_DEMO_END ?? `${new Date().toISOString().slice(0, 7)}-01`;
