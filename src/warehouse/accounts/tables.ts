/**
 * The accounts tables, one definition for both engines' DDL. Every table is append-only: a change
 * is the row written again with a higher `version` (milliseconds, strictly increasing in this
 * process), and readers keep the newest version of each row. ClickHouse has no updates, and the
 * history says who had which role when.
 */
export interface AccountTable {
  name: string;
  /** Column name and kind: text, or a 64-bit integer (versions, expiries in ms, 0/1 flags). */
  columns: readonly (readonly [string, 'text' | 'int'])[];
}

export const ACCOUNT_TABLES: readonly AccountTable[] = [
  // password: 'scrypt$N$r$p$salt$hash' (passwords.ts), '' until the user sets one.
  { name: '_users', columns: [['email', 'text'], ['id', 'text'], ['password', 'text'], ['version', 'int']] },
  // role: owner, admin, analyst, viewer, or 'none' once removed.
  { name: '_members', columns: [['user_id', 'text'], ['workspace', 'text'], ['role', 'text'], ['version', 'int']] },
  // hash: SHA-256 of the session token (the cookie); revoked: 1 once signed out.
  { name: '_sessions', columns: [['hash', 'text'], ['user_id', 'text'], ['expires_ms', 'int'], ['revoked', 'int'], ['version', 'int']] },
  // A one-time link: the first owner's setup, or a user invited by an admin. email '' = the
  // redeemer names it; workspace '*' = every workspace the server serves; used: 1 once redeemed.
  { name: '_invites', columns: [['hash', 'text'], ['email', 'text'], ['workspace', 'text'], ['role', 'text'], ['expires_ms', 'int'], ['used', 'int'], ['version', 'int']] },
];

let last = 0;
/** A version for a row written now: milliseconds since the epoch, above any this process gave. */
export function nextVersion(): number {
  last = Math.max(Date.now(), last + 1);
  return last;
}

/** The newest version of each row by its key: the tables are small (people, not events). */
export function newest<T extends Record<string, unknown>>(rows: readonly T[], key: (r: T) => string): T[] {
  const by = new Map<string, T>();
  for (const r of rows) {
    const k = key(r);
    const had = by.get(k);
    if (!had || Number(r.version) > Number(had.version)) by.set(k, r);
  }
  return [...by.values()];
}
