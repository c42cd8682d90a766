import { randomUUID } from 'node:crypto';
import { IncomingMessage, ServerResponse } from 'node:http';
import { DynamicModule } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import pino from 'pino';
import { AppConfig } from '../config/app-config';

const REQUEST_ID_HEADER = 'x-request-id';
const ACCEPTABLE_REQUEST_ID = /^[A-Za-z0-9._:-]{8,128}$/;

/** Query parameters whose values are replaced before a URL is logged. */
const SECRET_QUERY_PARAMS =
  /^(access_?token|token|api_?key|key|password|secret|code|session|signature)$/i;

/**
 * Keys that never reach a log line, wherever an object carrying them is logged. Pino's redaction
 * has no recursive wildcard, so the depths at which they are looked for are listed (three).
 * Request headers are not logged at all (see the req serializer below).
 */
export const REDACTED_KEYS = [
  'password',
  'newPassword',
  'currentPassword',
  'token',
  'accessToken',
  'refreshToken',
  'secret',
  'sessionSecret',
  'authorization',
  'cookie',
  'databaseUrl',
  'DATABASE_URL',
  'SESSION_SECRET',
];
export const REDACT_PATHS = REDACTED_KEYS.flatMap((key) => [key, `*.${key}`, `*.*.${key}`]);

/**
 * pino's error serializer copies every enumerable property; TypeORM's QueryFailedError carries
 * the query's `parameters` (session digests, password hashes…). They never reach a log line.
 */
export function serializeError(error: unknown): Record<string, unknown> {
  const serialized = {
    ...(pino.stdSerializers.err(error as Error) as unknown as Record<string, unknown>),
  };
  delete serialized.parameters;
  const driver = serialized.driverError;
  if (typeof driver === 'object' && driver !== null) {
    const copy = { ...(driver as Record<string, unknown>) };
    delete copy.parameters;
    serialized.driverError = copy;
  }
  return serialized;
}

export function redactUrl(url: string | undefined): string | undefined {
  if (url === undefined || !url.includes('?')) return url;
  const [path, query] = url.split('?', 2);
  const params = new URLSearchParams(query);
  for (const key of [...params.keys()]) {
    if (SECRET_QUERY_PARAMS.test(key)) params.set(key, '[redacted]');
  }
  return `${path}?${params.toString()}`;
}

// A caller may pass its own request id (a load balancer's, a client's retry); anything odd is
// replaced, so that log lines cannot be forged through the header.
function requestId(req: IncomingMessage, res: ServerResponse): string {
  const incoming = req.headers[REQUEST_ID_HEADER];
  const id =
    typeof incoming === 'string' && ACCEPTABLE_REQUEST_ID.test(incoming) ? incoming : randomUUID();
  res.setHeader('X-Request-Id', id);
  return id;
}

export function loggingModule(config: AppConfig): DynamicModule {
  return LoggerModule.forRoot({
    pinoHttp: {
      level: config.log.level,
      genReqId: requestId,
      quietReqLogger: true,
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      // Only what an operator needs: no headers (cookies, tokens), no bodies.
      serializers: {
        err: serializeError,
        req: (req: { id: unknown; method: string; url: string; remoteAddress?: string }) => ({
          id: req.id,
          method: req.method,
          url: redactUrl(req.url),
          remoteAddress: req.remoteAddress,
        }),
        res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
      },
      customLogLevel: (_req, res, error) =>
        error !== undefined || res.statusCode >= 500
          ? 'error'
          : res.statusCode >= 400
            ? 'warn'
            : 'info',
      customSuccessMessage: (req, res, ms) =>
        `${req.method} ${redactUrl(req.url)} ${res.statusCode} ${Math.trunc(ms)}ms`,
      customErrorMessage: (req, res) => `${req.method} ${redactUrl(req.url)} ${res.statusCode}`,
    },
  });
}
