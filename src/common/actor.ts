import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import { Request } from 'express';

/** Who did something: recorded with every change (created_by, changed_by, audit). */
export interface Actor {
  readonly id: string;
}

const ACTOR_HEADER = 'x-actor';
const ACCEPTABLE_ACTOR = /^[A-Za-z0-9._@-]{1,100}$/;

/**
 * The actor of the current request. Until sign-in and tokens exist (issue 4), this is the
 * `X-Actor` header as the caller states it, or `anonymous`: attributable, not authenticated.
 * Issue 4 replaces the body of this decorator with the signed-in user; callers stay the same.
 */
export const CurrentActor = createParamDecorator((_data: unknown, context: ExecutionContext) => {
  const request = context.switchToHttp().getRequest<Request>();
  const header = request.headers[ACTOR_HEADER];
  const id = typeof header === 'string' && ACCEPTABLE_ACTOR.test(header) ? header : 'anonymous';
  return { id } satisfies Actor;
});
