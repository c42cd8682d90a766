import { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { randomUUID } from 'node:crypto';
import { userInfo } from 'node:os';
import { AppModule } from '../app.module';
import { Actor } from '../common/actor';
import { runWithRequestContext } from '../common/request-context';
import { AppConfig } from '../config/app-config';

/**
 * The application's services without its HTTP server, for commands that do what the API does
 * (imports, batches): the same module graph, migrations and rules as a request, so a command can
 * never bypass a check. Closed whatever happens, so an embedded database's folder is released.
 */
export async function withApplication<T>(
  config: AppConfig,
  work: (app: INestApplicationContext) => Promise<T>,
  options: { jobs?: boolean } = {},
): Promise<T> {
  // A command starts no queue workers unless asked: they belong to the running application, and
  // a short-lived command would leave jobs half-done when it exits.
  config = { ...config, jobs: { ...config.jobs, enabled: options.jobs ?? false } };
  const app = await NestFactory.createApplicationContext(AppModule.forRoot(config), {
    logger: ['error', 'warn'],
    abortOnError: false,
  });
  try {
    // Each command's audit records carry a request id of their own, like an HTTP request's.
    return await runWithRequestContext({ requestId: `cli:${randomUUID()}` }, () => work(app));
  } finally {
    await app.close();
  }
}

/** Who runs a command: the operating-system user, as a system actor with the given roles. */
export function cliActor(roles: Actor['roles']): Actor {
  return { id: `system:cli:${userInfo().username}`, roles, donorIds: [] };
}
