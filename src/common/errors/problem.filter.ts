import {
  ArgumentsHost,
  Catch,
  ExceptionFilter,
  HttpException,
  HttpStatus,
  Logger,
} from '@nestjs/common';
import { Request, Response } from 'express';
import { SignInRequired } from '../../auth/auth.errors';
import { AppError, ServiceUnavailableError } from './app-error';
import { translateDatabaseError } from './database-errors';
import { PROBLEM_CONTENT_TYPE, ProblemDetails, problemType } from './problem';

const TITLES: Record<number, [code: string, title: string]> = {
  400: ['bad-request', 'Bad request'],
  401: ['unauthenticated', 'Authentication required'],
  403: ['forbidden', 'Forbidden'],
  404: ['not-found', 'Not found'],
  405: ['method-not-allowed', 'Method not allowed'],
  406: ['not-acceptable', 'Not acceptable'],
  409: ['conflict', 'Conflict'],
  413: ['payload-too-large', 'Request body too large'],
  415: ['unsupported-media-type', 'Unsupported media type'],
  422: ['unprocessable', 'Unprocessable request'],
  429: ['too-many-requests', 'Too many requests'],
  503: ['service-unavailable', 'Service unavailable'],
};

/** Errors thrown by Express middleware (body-parser) before Nest sees the request. */
interface HttpLikeError {
  status?: number;
  statusCode?: number;
  type?: string;
  expose?: boolean;
}

/**
 * Every error answer leaves through here as RFC 9457 problem+json. Known errors keep their
 * status and code; anything unexpected is logged with its stack and answered with a generic 500
 * that carries the request id, never the stack or a driver message.
 */
@Catch()
export class ProblemFilter implements ExceptionFilter {
  private readonly logger = new Logger('Errors');

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const request = http.getRequest<Request>();
    const response = http.getResponse<Response>();
    if (exception instanceof SignInRequired && !response.headersSent) {
      response.redirect(303, `/sign-in?next=${encodeURIComponent(exception.next)}`);
      return;
    }
    const known = exception instanceof AppError ? exception : translateDatabaseError(exception);
    const problem = this.toProblem(exception, known, request);
    if (response.headersSent) {
      response.end();
      return;
    }
    if (known instanceof ServiceUnavailableError) {
      response.setHeader('Retry-After', String(known.retryAfterSeconds));
    }
    response.status(problem.status).type(PROBLEM_CONTENT_TYPE).send(JSON.stringify(problem));
  }

  private toProblem(
    exception: unknown,
    known: AppError | undefined,
    request: Request,
  ): ProblemDetails {
    const requestId = typeof request.id === 'string' ? request.id : undefined;
    const base = { instance: request.originalUrl?.split('?')[0], requestId };
    if (known !== undefined) {
      if (known.status >= 500) this.logger.warn({ err: exception, code: known.code }, known.detail);
      return {
        type: problemType(known.code),
        title: known.title,
        status: known.status,
        detail: known.detail,
        code: known.code,
        ...base,
        ...(known.errors !== undefined ? { errors: known.errors } : {}),
        ...known.extensions,
      };
    }
    if (exception instanceof HttpException) {
      return this.fromStatus(exception.getStatus(), httpExceptionDetail(exception), base);
    }
    const httpLike = exception as HttpLikeError | undefined;
    const status = httpLike?.status ?? httpLike?.statusCode;
    if (typeof status === 'number' && status >= 400 && status < 500) {
      return this.fromStatus(status, bodyParserDetail(httpLike?.type, status), base);
    }
    this.logger.error({ err: exception }, 'unexpected error');
    return {
      type: problemType('internal-error'),
      title: 'Internal error',
      status: HttpStatus.INTERNAL_SERVER_ERROR,
      detail: `Something went wrong on our side. Quote request id ${requestId ?? 'unknown'} when you report it.`,
      code: 'internal-error',
      ...base,
    };
  }

  private fromStatus(
    status: number,
    detail: string,
    base: { instance?: string; requestId?: string },
  ): ProblemDetails {
    const [code, title] = TITLES[status] ?? [`http-${status}`, 'Error'];
    return { type: problemType(code), title, status, detail, code, ...base };
  }
}

function httpExceptionDetail(exception: HttpException): string {
  const body = exception.getResponse();
  if (typeof body === 'string') return body;
  const message = (body as { message?: unknown }).message;
  if (Array.isArray(message)) return message.join('; ');
  return typeof message === 'string' ? message : exception.message;
}

function bodyParserDetail(type: string | undefined, status: number): string {
  switch (type) {
    case 'entity.too.large':
      return 'The request body is larger than this server accepts.';
    case 'entity.parse.failed':
      return 'The request body is not valid JSON.';
    case 'encoding.unsupported':
    case 'charset.unsupported':
      return 'The request body uses an encoding this server does not accept.';
    default:
      return `The request could not be processed (HTTP ${status}).`;
  }
}
