import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * Credential checks shared by the carrier authorizer and the carrier mock.
 */

/**
 * Compares a presented secret with the expected one without leaking, through timing, how much of it matched or
 * how long the expected value is. `timingSafeEqual` alone throws on inputs of different lengths (and an early
 * length check would leak the length), so both sides are first hashed to fixed-size SHA-256 digests.
 * https://nodejs.org/api/crypto.html#cryptotimingsafeequala-b
 */
export function constantTimeEquals(presented: string, expected: string): boolean {
  const a = createHash('sha256').update(presented, 'utf8').digest();
  const b = createHash('sha256').update(expected, 'utf8').digest();
  return timingSafeEqual(a, b);
}

/**
 * The credentials of an `Authorization: Bearer <token>` header, or undefined when the header is missing or is
 * not a bearer credential. The scheme is case-insensitive (RFC 9110 §11.1); the token is a single run of
 * non-space characters.
 */
export function bearerToken(header: string | undefined): string | undefined {
  if (header === undefined) return undefined;
  return /^Bearer +(\S+) *$/i.exec(header)?.[1];
}
