/**
 * The one error the model layer throws on purpose: the data or the parameters cannot give a
 * finite, meaningful answer. The message says what is wrong and what to do about it; `hint`
 * carries an optional separate remedy. A RetainError, so every surface shows it as it is (exit 1).
 * Anything else escaping this layer is a bug.
 */
import { RetainError } from '../warehouse/errors.js';

export class ModelError extends RetainError {
  constructor(message: string, hint?: string) {
    super('model-error', message, hint);
    this.name = 'ModelError';
  }
}
