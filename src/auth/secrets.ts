import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/** A random secret for a session or an access token: 256 bits, URL-safe, with a readable prefix. */
export function randomSecret(prefix: string): string {
  return `${prefix}${randomBytes(32).toString('base64url')}`;
}

/**
 * What is stored for a session or token value: its HMAC under SESSION_SECRET. A copy of the
 * database alone does not let anyone present a valid value.
 */
export function secretDigest(key: string, value: string): string {
  return createHmac('sha256', key).update(value).digest('hex');
}

export function sameSecret(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}
