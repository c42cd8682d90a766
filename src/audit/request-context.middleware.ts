import { Injectable, NestMiddleware } from '@nestjs/common';
import { NextFunction, Request, Response } from 'express';
import { runWithRequestContext } from '../common/request-context';
import { LANGUAGE_COOKIE, negotiateLanguage } from '../web/ui-i18n';

/**
 * Runs the rest of the request inside its RequestContext, so that an audit record written deep
 * in a service knows the request id and the client's address without every caller passing them.
 * The request's interface language is chosen here too (cookie, then Accept-Language).
 * It must come after pino-http, which sets `req.id` (and the X-Request-Id header); the logger's
 * module is global and imported first, so its middleware is mounted first.
 */
@Injectable()
export class RequestContextMiddleware implements NestMiddleware {
  use(req: Request, _res: Response, next: NextFunction): void {
    const requestId = typeof req.id === 'string' ? req.id : undefined;
    // req.ip honours 'trust proxy' (app.factory.ts): the client, not the load balancer.
    // The language of the pages: the one chosen with the header's switch, else the browser's.
    const cookies = req.cookies as Record<string, unknown> | undefined;
    const language = negotiateLanguage(cookies?.[LANGUAGE_COOKIE], req.headers['accept-language']);
    runWithRequestContext({ requestId, clientAddress: req.ip, language }, next);
  }
}
