/** The batches the ingest crash test sends, the same in the child that is killed and in the test that re-sends them. */
export const CRASH_BATCHES = 40;
export const CRASH_ROWS = 100;

/** Batch i: orders `i-0` … `i-99`, its idempotency key `batch-i`. */
export function crashBatch(i: number): { key: string; rows: Record<string, unknown>[] } {
  return {
    key: `batch-${i}`,
    rows: Array.from({ length: CRASH_ROWS }, (_, j) => ({ order_id: `${i}-${j}`, customer_id: `c${j % 7}`, ordered_at: '2024-03-01T09:00:00Z', amount: i + j })),
  };
}
