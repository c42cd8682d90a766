import { rmSync } from 'node:fs';
import { adminQuery, TEMPLATE_DB_ENV, TEMPLATE_FILE_ENV } from './test-database';

export default async function globalTeardown(): Promise<void> {
  const serverUrl = process.env.DATABASE_URL;
  const template = process.env[TEMPLATE_DB_ENV];
  if (serverUrl && template) {
    await adminQuery(serverUrl, `DROP DATABASE IF EXISTS "${template}" WITH (FORCE)`);
  }
  const file = process.env[TEMPLATE_FILE_ENV];
  if (file) rmSync(file, { force: true });
}
