/**
 * Password hashes: scrypt from Node's crypto with a random 16-byte salt, stored as
 * `scrypt$N$r$p$salt$hash` so the cost can rise later without breaking old hashes. N = 2^15,
 * r = 8, p = 1 takes 32 MiB and tens of milliseconds a hash: OWASP's figure is N = 2^17 (128 MiB),
 * which would let a burst of logins take gigabytes from the server that also runs the reports.
 * Hashing runs on libuv's thread pool, not the event loop.
 */
import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import { UsageError } from '../errors.js';

const N = 2 ** 15;
const R = 8;
const P = 1;
const LENGTH = 32;
export const MIN_PASSWORD_LENGTH = 10;

const derive = (password: string, salt: Buffer, o: ScryptOptions) =>
  new Promise<Buffer>((resolve, reject) => scrypt(password.normalize('NFKC'), salt, LENGTH, { ...o, maxmem: 128 * o.N! * o.r! * 2 }, (e, key) => (e ? reject(e) : resolve(key))));

export function checkPassword(password: string): void {
  if ([...password].length < MIN_PASSWORD_LENGTH) {
    throw new UsageError('weak-password', `A password needs at least ${MIN_PASSWORD_LENGTH} characters.`, 'A few unrelated words make a long password that is easy to remember.');
  }
}

export async function hashPassword(password: string): Promise<string> {
  checkPassword(password);
  const salt = randomBytes(16);
  const key = await derive(password, salt, { N, r: R, p: P });
  return ['scrypt', N, R, P, salt.toString('base64url'), key.toString('base64url')].join('$');
}

/** A stored hash to compare against when the account is unknown, so both take as long. */
const DUMMY = `scrypt$${N}$${R}$${P}$${Buffer.alloc(16).toString('base64url')}$${Buffer.alloc(LENGTH).toString('base64url')}`;

/** Whether the password matches the stored hash ('' or null: no password set, never matches). */
export async function verifyPassword(password: string, stored: string | null): Promise<boolean> {
  const [scheme, n, r, p, salt, hash] = (stored || DUMMY).split('$');
  if (scheme !== 'scrypt' || !salt || !hash) return false;
  const expected = Buffer.from(hash, 'base64url');
  const got = await derive(password, Buffer.from(salt, 'base64url'), { N: Number(n), r: Number(r), p: Number(p) });
  return Boolean(stored) && got.length === expected.length && timingSafeEqual(got, expected);
}
