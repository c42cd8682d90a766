import { CanActivate, ExecutionContext, Injectable, Logger } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AuthenticatedRequest } from '../common/actor';
import { AppError } from '../common/errors/app-error';
import { ACCESS_METADATA, AccessRule } from './access.decorator';
import { CsrfError, ForbiddenError, SignInRequired, UnauthenticatedError } from './auth.errors';
import { IdentityService } from './identity.service';
import { sameSecret } from './secrets';
import { sessionCookieValue } from './session-cookie';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export class UndeclaredAccessError extends AppError {
  constructor() {
    super(
      403,
      'access-undeclared',
      'Forbidden',
      'This route declares no access rule, so nobody may call it.',
    );
  }
}

/**
 * Deny by default. Every route must carry @Access(...roles) or @Public(); one without is refused
 * for everybody. The caller is known by a Bearer personal access token or by the session cookie;
 * a request that changes something under a session must carry the session's CSRF token.
 */
@Injectable()
export class AccessGuard implements CanActivate {
  private readonly logger = new Logger(AccessGuard.name);

  constructor(
    private readonly reflector: Reflector,
    private readonly identity: IdentityService,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return false;
    const rule = this.reflector.getAllAndOverride<AccessRule | undefined>(ACCESS_METADATA, [
      context.getHandler(),
      context.getClass(),
    ]);
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    if (rule === undefined) {
      this.logger.error(`${request.method} ${request.path} declares no access rule`);
      throw new UndeclaredAccessError();
    }
    await this.authenticate(request);
    if (rule.kind === 'public') return true;
    if (request.actor === undefined) {
      const isPage = !request.path.startsWith('/api/') && SAFE_METHODS.has(request.method);
      throw isPage ? new SignInRequired(request.originalUrl) : new UnauthenticatedError();
    }
    const held = request.actor.roles;
    if (!rule.roles.some((role) => held.includes(role))) throw new ForbiddenError();
    return true;
  }

  private async authenticate(request: AuthenticatedRequest): Promise<void> {
    const header = request.headers.authorization;
    if (typeof header === 'string' && header.startsWith('Bearer ')) {
      const actor = await this.identity.actorForToken(header.slice(7).trim());
      // A token that is wrong, expired or revoked is refused outright, even on public routes.
      if (actor === undefined)
        throw new UnauthenticatedError(
          'The access token is not valid: it is unknown, expired or revoked.',
        );
      request.actor = actor;
      return;
    }
    const cookie = sessionCookieValue(request);
    if (cookie === undefined) return;
    const session = await this.identity.actorForSession(cookie);
    if (session === undefined) return;
    if (!SAFE_METHODS.has(request.method)) {
      const body = request.body as Record<string, unknown> | undefined;
      const sent = request.headers['x-csrf-token'] ?? body?._csrf;
      if (typeof sent !== 'string' || !sameSecret(sent, session.csrfToken)) throw new CsrfError();
      if (body !== undefined && '_csrf' in body) delete body._csrf;
    }
    request.actor = session.actor;
    request.csrfToken = session.csrfToken;
  }
}
