import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { createApp } from './app.factory';
import { AppConfig, loadConfig } from './config/app-config';
import { ConfigurationError } from './config/environment';
import { describeDatabase } from './database/database-url';
import { EmbeddedDatabaseInUseError } from './database/embedded-postgres';

async function main(): Promise<void> {
  const config = loadConfig();
  const app = await createApp(config);
  const logger = new Logger('Main');
  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    logger.log(`${signal} received: finishing in-flight requests, then closing`);
    // A request that never ends must not keep the process (and the data folder) forever.
    setTimeout(() => {
      logger.error(`shutdown did not finish within ${config.shutdownTimeoutMs} ms; exiting`);
      process.exit(1);
    }, config.shutdownTimeoutMs).unref();
    app
      .close()
      .then(() => {
        logger.log('shutdown complete');
        process.exitCode = 0;
      })
      .catch((error: unknown) => {
        logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      });
  };
  process.once('SIGTERM', () => stop('SIGTERM'));
  process.once('SIGINT', () => stop('SIGINT'));

  await app.listen(config.http.port, config.http.host);
  const address = app.getHttpServer().address();
  const port = typeof address === 'object' && address !== null ? address.port : config.http.port;
  logger.log(describeStart(config, port));
}

function describeStart(config: AppConfig, port: number): string {
  return `listening on http://${config.http.host}:${port} (${describeDatabase(config.database)})`;
}

main().catch((error: unknown) => {
  // Configuration and start-up errors are one plain line a newcomer can act on.
  if (error instanceof ConfigurationError || error instanceof EmbeddedDatabaseInUseError) {
    process.stderr.write(`${error.message}\n`);
  } else {
    process.stderr.write(
      `Start-up failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
  }
  process.exit(1);
});
