/**
 * Errors the user can act on: a stable kebab-case code, a message that says what is wrong, a hint
 * that says what to do, and where (file, row, SQL). Anything else that escapes is a bug.
 */
export class RetainError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly hint?: string,
    readonly detail: { sql?: string; file?: string; row?: number; cause?: unknown } = {},
  ) {
    super(message, detail.cause === undefined ? undefined : { cause: detail.cause });
    this.name = 'RetainError';
  }
}

/** Usage errors (bad flags, unreadable files) exit with code 2. */
export class UsageError extends RetainError {}
