import { NestFactory } from '@nestjs/core';
import { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import cookieParser from 'cookie-parser';
import { Logger } from 'nestjs-pino';
import { dirname, join } from 'node:path';
import { AppModule } from './app.module';
import { APP_INFO } from './common/app-info';
import { answerClientError } from './common/errors/client-error';
import { ProblemFilter } from './common/errors/problem.filter';
import { securityHeaders } from './common/security-headers';
import { createValidationPipe } from './common/validation';
import { AppConfig } from './config/app-config';

/**
 * Builds the whole HTTP application from a configuration, without listening. `main.ts` and the
 * tests both start from here, so what the tests exercise is what runs.
 */
export async function createApp(config: AppConfig): Promise<NestExpressApplication> {
  const app = await NestFactory.create<NestExpressApplication>(
    AppModule.forRoot(config),
    APP_OPTIONS,
  );
  configureApp(app, config);
  return app;
}

// Nest's own console logger stays silent until pino takes over in configureApp: a failed start
// is reported once, by main.ts, not also as a stack trace from the injector.
export const APP_OPTIONS = { logger: false, bodyParser: false, abortOnError: false } as const;

/** Swagger UI; the only pages with a relaxed content security policy (inline styles). */
const API_DOCS_PATH = 'api/docs';

/** Everything that sits around the modules: logger, parsers, pipes, filters, assets, docs. */
export function configureApp(app: NestExpressApplication, config: AppConfig): void {
  app.useLogger(app.get(Logger));
  // First of all middleware, so that every answer carries the headers: pages, API, assets, docs
  // and the errors any later middleware (body parser) or route produces.
  app.use(securityHeaders(API_DOCS_PATH));
  app.disable('x-powered-by');
  // Behind a load balancer, TRUST_PROXY must name it: client address (sign-in throttling, rate
  // limits, audit) and protocol (Secure cookies) come from its X-Forwarded-* headers.
  app.set('trust proxy', config.http.trustProxy);
  app.useBodyParser('json', {
    limit: config.http.bodyLimit,
    type: ['application/json', 'application/*+json'],
  });
  app.useBodyParser('urlencoded', { limit: config.http.bodyLimit, extended: false });
  app.use(cookieParser());
  app.useGlobalPipes(createValidationPipe());
  app.useGlobalFilters(new ProblemFilter());
  // What Node's HTTP parser refuses (a URL over the header size limit) is problem+json too.
  app.getHttpServer().on('clientError', answerClientError);
  app.useStaticAssets(join(__dirname, 'web', 'public'), { prefix: '/assets/', maxAge: '1h' });
  app.useStaticAssets(dirname(require.resolve('htmx.org/dist/htmx.min.js')), {
    prefix: '/assets/vendor/htmx/',
    maxAge: '1d',
  });
  SwaggerModule.setup(API_DOCS_PATH, app, () => buildOpenApiDocument(app), {
    jsonDocumentUrl: 'api/docs-json',
  });
}

export function buildOpenApiDocument(app: NestExpressApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('Trust-fund contribution tracker API')
    .setDescription(
      'JSON API of the trust-fund contribution tracker. Errors are RFC 9457 application/problem+json.',
    )
    .setVersion(APP_INFO.version)
    .addBearerAuth({
      type: 'http',
      scheme: 'bearer',
      description: 'A personal access token (tft_…)',
    })
    .addCookieAuth('tf_session')
    .build();
  return SwaggerModule.createDocument(app, config);
}
