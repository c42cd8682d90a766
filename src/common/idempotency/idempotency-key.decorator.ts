import { createHash } from 'node:crypto';
import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import { Request } from 'express';
import { canonicalJson } from '../canonical-json';
import { assertNotTooDeep } from '../validation';
import { InvalidIdempotencyKeyError } from './idempotency.errors';

/** What the client's Idempotency-Key stands for: the key and a fingerprint of the request. */
export interface IdempotencyRequest {
  readonly key: string;
  /** SHA-256 of method, path and canonical body: the same key with another request is refused. */
  readonly fingerprint: string;
}

const KEY_FORMAT = /^[\x21-\x7e]{1,255}$/;

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
    // Runs before the validation pipe: a body too deep for canonicalJson's recursion is refused
    // here as the pipe would refuse it, not with a stack overflow (500).
    assertNotTooDeep(request.body);
    return { key: header, fingerprint: requestFingerprint(request.method, path, request.body) };
  },
);

/** The OpenAPI description of the header, for @ApiHeader on every idempotent route. */
export const IDEMPOTENCY_HEADER = {
  name: 'Idempotency-Key',
  required: false,
  description: 'Makes the request safe to retry: the same key and body return the first answer.',
};
