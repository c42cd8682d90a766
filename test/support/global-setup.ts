import { Logger } from '@nestjs/common';
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EmbeddedPostgres } from '../../src/database/embedded-postgres';
import {
  adminQuery,
  databaseUrl,
  migrate,
  TEMPLATE_DB_ENV,
  TEMPLATE_FILE_ENV,
} from './test-database';

/**
 * Migrates one template database per run. Each test file then copies it (see
 * createTestDatabase), which is much faster than migrating per file and keeps files independent.
 */
export default async function globalSetup(): Promise<void> {
  if (process.env.TEST_LOGS !== '1') Logger.overrideLogger(false);
  const runId = `${process.pid}_${Date.now().toString(36)}`;
  const serverUrl = process.env.DATABASE_URL;
  if (serverUrl) {
    const template = `tf_template_${runId}`;
    await adminQuery(serverUrl, `CREATE DATABASE "${template}"`);
    await migrate(databaseUrl(serverUrl, template));
    process.env[TEMPLATE_DB_ENV] = template;
    return;
  }
  const embedded = await EmbeddedPostgres.start();
  try {
    await migrate(embedded.url);
    const file = join(tmpdir(), `tf_template_${runId}.tar.gz`);
    writeFileSync(file, Buffer.from(await (await embedded.dump()).arrayBuffer()));
    process.env[TEMPLATE_FILE_ENV] = file;
  } finally {
    await embedded.stop();
  }
}
