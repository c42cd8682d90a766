import { createHash } from 'node:crypto';
import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import { Request } from 'express';
import { InvalidIdempotencyKeyError } from './idempotency.errors';

/** What the client's Idempotency-Key stands for: the key and a fingerprint of the request. */
export interface IdempotencyRequest {
  readonly key: string;
  /** SHA-256 of method, path and canonical body: the same key with another request is refused. */
  readonly fingerprint: string;
}

const KEY_FORMAT = /^[\x21-\x7e]{1,255}$/;

/** JSON with object keys sorted, so that a reordered body is the same request. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

export function requestFingerprint(method: string, path: string, body: unknown): string {
  return createHash('sha256')
    .update(`${method.toUpperCase()} ${path}\n${canonicalJson(body ?? null)}`)
    .digest('hex');
}

/**
 * The request's Idempotency-Key header, or undefined when the client sent none. The fingerprint
 * is taken from the raw parsed body, before validation and transformation.
 */
export const IdempotencyKey = createParamDecorator(
  (_data: unknown, context: ExecutionContext): IdempotencyRequest | undefined => {
    const request = context.switchToHttp().getRequest<Request>();
    const header = request.headers['idempotency-key'];
    if (header === undefined) return undefined;
    if (typeof header !== 'string' || !KEY_FORMAT.test(header)) {
      throw new InvalidIdempotencyKeyError();
    }
    const path = request.originalUrl.split('?')[0];
    return { key: header, fingerprint: requestFingerprint(request.method, path, request.body) };
  },
);
