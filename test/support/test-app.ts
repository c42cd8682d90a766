import request from 'supertest';
import { DynamicModule, ForwardReference, Type } from '@nestjs/common';
import { NestExpressApplication } from '@nestjs/platform-express';
import { Test } from '@nestjs/testing';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { APP_OPTIONS, configureApp } from '../../src/app.factory';
import { AppModule } from '../../src/app.module';
import { IdentityService, toActor } from '../../src/auth/identity.service';
import { Role } from '../../src/auth/roles';
import { Actor } from '../../src/common/actor';
import { TransactionRunner } from '../../src/database/transaction-runner';
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
    // No job workers nor schedules unless a test asks for them (JOBS_ENABLED: 'true'): nothing
    // runs in the background on a test's data behind its back (a cron job firing mid-test).
    JOBS_ENABLED: 'false',
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

export interface TestUser {
  readonly id: string;
  readonly username: string;
  /** A personal access token of this user. */
  readonly token: string;
  /** Headers that authenticate a request as this user: `.set(user.auth)`. */
  readonly auth: { Authorization: string };
}

/**
 * Creates a user with these roles (no password: it signs in by token only) and a personal access
 * token for it, through the real identity service.
 */
export async function createTestUser(
  app: NestExpressApplication,
  username: string,
  roles: Role[],
  donorIds: string[] = [],
): Promise<TestUser> {
  const identity = app.get(IdentityService);
  const system: Actor = { id: 'system:test', roles: ['admin'], donorIds: [] };
  return app.get(TransactionRunner).run(async (manager) => {
    const user = await identity.createUser(manager, system, {
      username,
      displayName: username,
      roles,
      donorIds,
    });
    const { token } = await identity.createToken(manager, toActor(user), 'test', 1);
    return {
      id: user.id,
      username: user.username,
      token,
      auth: { Authorization: `Bearer ${token}` },
    };
  });
}

/**
 * Users by name, created on first use with the given roles: `await users.auth('officer.a',
 * ['finance_officer'])` gives the headers to send.
 */
export class TestUsers {
  private readonly users = new Map<string, TestUser>();

  constructor(private readonly app: NestExpressApplication) {}

  async get(
    username: string,
    roles: Role[] = ['finance_officer'],
    donorIds: string[] = [],
  ): Promise<TestUser> {
    let user = this.users.get(username);
    if (user === undefined) {
      user = await createTestUser(this.app, username, roles, donorIds);
      this.users.set(username, user);
    }
    return user;
  }

  async auth(username: string, roles?: Role[]): Promise<{ Authorization: string }> {
    return (await this.get(username, roles)).auth;
  }
}

/** Requests to the application, each authenticated with `auth` (a user's Bearer header). */
export function authedHttp(app: NestExpressApplication, auth: { Authorization: string }) {
  const server = app.getHttpServer();
  return {
    get: (url: string) => request(server).get(url).set(auth),
    post: (url: string) => request(server).post(url).set(auth),
    put: (url: string) => request(server).put(url).set(auth),
    patch: (url: string) => request(server).patch(url).set(auth),
  };
}
