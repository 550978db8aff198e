/**
 * Sign-in attempts are limited to 10 failures in 15 minutes per account and per address: enough
 * for a person who mistypes, too few to guess a password. Counted in memory — one server process
 * holds a workspace; a restart forgets them, which costs an attacker a restart each 10 tries.
 */
import { HttpProblem } from './problems.js';

export const LOGIN_TRIES = 10;
export const LOGIN_WINDOW_MS = 15 * 60_000;

export class LoginLimiter {
  private readonly failures = new Map<string, number[]>();

  constructor(private readonly now = () => Date.now()) {}

  private recent(key: string): number[] {
    const since = this.now() - LOGIN_WINDOW_MS;
    const kept = (this.failures.get(key) ?? []).filter((t) => t > since);
    if (kept.length) this.failures.set(key, kept);
    else this.failures.delete(key);
    return kept;
  }

  /** Refuse with 429 and Retry-After when the account or the address used its tries. */
  check(email: string, address: string): void {
    for (const key of [`account:${email}`, `address:${address}`]) {
      const r = this.recent(key);
      if (r.length >= LOGIN_TRIES) {
        const wait = Math.max(1, Math.ceil((r[0]! + LOGIN_WINDOW_MS - this.now()) / 1000));
        throw new HttpProblem(429, 'too-many-attempts', `Too many failed sign-ins for this ${key.split(':')[0]}: ${LOGIN_TRIES} in 15 minutes.`, `Try again in ${Math.ceil(wait / 60)} minutes, or ask an admin to send a new invitation.`, { 'retry-after': String(wait) });
      }
    }
  }

  fail(email: string, address: string): void {
    for (const key of [`account:${email}`, `address:${address}`]) this.failures.set(key, [...this.recent(key), this.now()]);
  }
}
