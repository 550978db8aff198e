/**
 * Who holds a workspace file: `retain serve` leaves a note beside the DuckDB file it holds
 * (`<file>.server.json`: pid and address) and removes it when it stops, so a command that cannot
 * open the file for its lock can name the server instead of a vague "another command".
 */
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';

export interface Holder {
  pid: number;
  url: string;
  started_at: string;
}

const noteOf = (path: string) => `${path}.server.json`;

export function markHolder(path: string, h: Holder): void {
  writeFileSync(noteOf(path), JSON.stringify(h) + '\n');
}

export function clearHolder(path: string): void {
  rmSync(noteOf(path), { force: true });
}

/** The server holding the file, when its note names a process that is still running. */
export function holderOf(path: string): Holder | null {
  if (!existsSync(noteOf(path))) return null;
  try {
    const h = JSON.parse(readFileSync(noteOf(path), 'utf8')) as Holder;
    process.kill(h.pid, 0); // throws when no such process: a note a killed server left
    return h;
  } catch {
    return null;
  }
}
