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
  /** The session's CSRF token, for forms rendered to a signed-in user. */
  csrfToken?: string;
}

/**
 * The signed-in user of the current request, as the AccessGuard established it. Only used on
 * routes that require a role, where the guard has already refused anonymous callers.
 */
export const CurrentActor = createParamDecorator((_data: unknown, context: ExecutionContext) => {
  const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
  if (request.actor === undefined) {
    throw new Error('CurrentActor used on a route that does not require a signed-in user');
  }
  return request.actor;
});
