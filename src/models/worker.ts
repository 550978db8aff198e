/**
 * The models' worker thread (off-thread.ts starts it): runs clvValue on the summaries it is sent
 * and answers with the result, or with the ModelError's message and hint (anything else: the
 * error's message, a bug).
 */
import { parentPort } from 'node:worker_threads';
import { clvValue, type ClvInput } from './clv-value.js';
import { ModelError } from './errors.js';

parentPort?.on('message', ({ id, input }: { id: number; input: ClvInput }) => {
  try {
    parentPort?.postMessage({ id, ok: clvValue(input) });
  } catch (e) {
    const err = e as Error;
    parentPort?.postMessage({ id, error: { model: e instanceof ModelError, message: err.message, hint: e instanceof ModelError ? e.hint : undefined, stack: err.stack } });
  }
});
