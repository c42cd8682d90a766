import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import { Request } from 'express';
import type { Role } from '../auth/roles';

/** Who did something: recorded with every change (created_by, audit trail, approvals). */
export interface Actor {
  /** The user's login name (immutable), or `system:<what>` for the CLI and migrations. */
  readonly id: string;
  /** The user's id; absent for system actors. */
  readonly userId?: string;
  readonly roles: readonly Role[];
  /** For donor users: the donor records they may see. */
  readonly donorIds: readonly string[];
}

/** Set on the request by the authentication middleware once the caller is known. */
export interface AuthenticatedRequest extends Request {
  actor?: Actor;
}

const ACTOR_HEADER = 'x-actor';
const ACCEPTABLE_ACTOR = /^[A-Za-z0-9._@-]{1,100}$/;

/**
 * The actor of the current request: the signed-in user. Until authentication is in place, the
 * `X-Actor` header as the caller states it, or `anonymous`: attributable, not authenticated.
 */
export const CurrentActor = createParamDecorator((_data: unknown, context: ExecutionContext) => {
  const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
  if (request.actor !== undefined) return request.actor;
  const header = request.headers[ACTOR_HEADER];
  const id = typeof header === 'string' && ACCEPTABLE_ACTOR.test(header) ? header : 'anonymous';
  return { id, roles: [], donorIds: [] } satisfies Actor;
});
