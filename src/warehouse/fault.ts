/**
 * Fault injection for the crash-safety tests: with RETAIN_FAULT naming one of these points, the
 * process kills itself there (kill -9: no cleanup, no finally), the worst moment for its writes.
 */
export type FaultPoint =
  /** An import has written everything and not committed. */
  | 'kill-before-commit'
  /** An upsert has taken the rows it replaces out of the table and not yet stored their successors. */
  | 'kill-mid-upsert'
  /** An undo has removed and restored its rows and not committed. */
  | 'kill-undo-before-commit'
  /** A group of ingested batches is stored and logged and not committed. */
  | 'kill-ingest-before-commit'
  /** A group of ingested batches is committed and none of its callers answered yet. */
  | 'kill-ingest-after-commit'
  /** A new workspace file is made but not yet in place. */
  | 'kill-creating-workspace';

export function faultPoint(point: FaultPoint): void {
  if (process.env.RETAIN_FAULT === point) process.kill(process.pid, 'SIGKILL');
}
