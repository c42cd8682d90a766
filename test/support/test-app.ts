import { DynamicModule, ForwardReference, Type } from '@nestjs/common';
import { NestExpressApplication } from '@nestjs/platform-express';
import { Test } from '@nestjs/testing';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { APP_OPTIONS, configureApp } from '../../src/app.factory';
import { AppModule } from '../../src/app.module';
import { AppConfig, loadConfig } from '../../src/config/app-config';
import { EMBEDDED_POOL_SIZE } from '../../src/database/database-connection';
import { TestDatabase } from './test-database';

export interface TestAppOptions {
  /** Extra environment variables, over the test defaults. */
  env?: Record<string, string>;
  /** Modules only the test needs (controllers that throw on purpose, slow routes…). */
  imports?: Array<Type | DynamicModule | ForwardReference>;
}

export const TEST_SESSION_SECRET = 'test-session-secret-0123456789abcdef0123';

export function testConfig(db: TestDatabase, env: Record<string, string> = {}): AppConfig {
  return loadConfig({
    NODE_ENV: 'test',
    DATABASE_URL: db.url,
    DATA_DIR: mkdtempSync(join(tmpdir(), 'tf-test-')),
    LOG_LEVEL: 'silent',
    SESSION_SECRET: TEST_SESSION_SECRET,
    // An embedded test database is a PGlite, used through one connection as the app does.
    ...(db.engine === 'embedded' ? { DB_POOL_SIZE: String(EMBEDDED_POOL_SIZE) } : {}),
    ...env,
  });
}

/** The real application, wired exactly as main.ts wires it, on the test file's database. */
export async function createTestApp(
  db: TestDatabase,
  options: TestAppOptions = {},
): Promise<NestExpressApplication> {
  const config = testConfig(db, options.env);
  const moduleRef = await Test.createTestingModule({
    imports: [AppModule.forRoot(config), ...(options.imports ?? [])],
  }).compile();
  const app = moduleRef.createNestApplication<NestExpressApplication>(APP_OPTIONS);
  configureApp(app, config);
  await app.init();
  return app;
}
