import { ExecutionContext, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import {
  minutes,
  ThrottlerGuard,
  ThrottlerLimitDetail,
  ThrottlerModule,
  ThrottlerModuleOptions,
} from '@nestjs/throttler';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { API_V1 } from './api';

const API_PREFIX = `/${API_V1}`;

/**
 * Decided on the route that matched, not on the URL as typed: Express matches paths without
 * regard to case, so `/API/V1/funds` reaches the same handler and must count the same.
 * Pages, health checks, assets and the API docs are never limited.
 */
function isApiRoute(context: ExecutionContext): boolean {
  if (context.getType() !== 'http') return false;
  // Express's own typing of `route` is `any`; only its `path` (the declared pattern) is read.
  const { route } = context.switchToHttp().getRequest<{ route?: { path?: unknown } }>();
  const path = route?.path;
  return typeof path === 'string' && (path === API_PREFIX || path.startsWith(`${API_PREFIX}/`));
}

function rateLimitOptions(limitPerMinute: number): ThrottlerModuleOptions {
  return {
    // Unnamed ('default'): any other name would turn the header into `Retry-After-<name>`.
    throttlers: [{ ttl: minutes(1), limit: limitPerMinute }],
    skipIf: (context) => !isApiRoute(context),
    // One budget per client address over the whole API (the default is one per route). The
    // address is req.ip, which follows X-Forwarded-For only from a proxy on loopback
    // ('trust proxy' in app.factory.ts); IPv6 clients are grouped by /56 like the default does.
    generateKey: (_context, tracker, name) => `${name}:${tracker}`,
    errorMessage: (_context, detail: ThrottlerLimitDetail) =>
      `This address has reached the limit of ${detail.limit} API requests per minute. ` +
      `Try again in ${detail.timeToBlockExpire} seconds.`,
  };
}

/**
 * Rate limit of the JSON API, per client address. Over it: 429 problem+json with Retry-After
 * (the guard sets the header before throwing; the global ProblemFilter keeps it).
 *
 * The counters live in this process's memory (the throttler's default store): with several
 * instances behind a load balancer each one counts on its own, so a client gets up to N times
 * the limit. A shared store (PostgreSQL or Redis) can replace it when scaling out (issue 12).
 *
 * Independent of authentication on purpose; keep this module before the auth module in
 * AppModule's imports so that it runs first and also counts requests that fail to authenticate.
 */
@Module({
  imports: [
    ThrottlerModule.forRootAsync({
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => rateLimitOptions(config.http.rateLimitPerMinute),
    }),
  ],
  providers: [{ provide: APP_GUARD, useClass: ThrottlerGuard }],
})
export class RateLimitModule {}
