import { applyDecorators, SetMetadata } from '@nestjs/common';
import { ApiBearerAuth, ApiCookieAuth } from '@nestjs/swagger';
import { Role } from './roles';

export const ACCESS_METADATA = 'trust-fund:access';

/** Who may call a route: anyone (public), or a signed-in user holding one of the roles. */
export type AccessRule = { kind: 'public' } | { kind: 'roles'; roles: readonly Role[] };

/**
 * Every route declares its access; the AccessGuard refuses a route without a declaration
 * (deny by default), and a test enumerates the routes to check each has one.
 */
export function Access(...roles: Role[]): MethodDecorator & ClassDecorator {
  return applyDecorators(
    SetMetadata(ACCESS_METADATA, { kind: 'roles', roles } satisfies AccessRule),
    ApiBearerAuth(),
    ApiCookieAuth(),
  );
}

/** A route anyone may call without signing in (health checks, sign-in page, assets). */
export function Public(): MethodDecorator & ClassDecorator {
  return SetMetadata(ACCESS_METADATA, { kind: 'public' } satisfies AccessRule);
}
