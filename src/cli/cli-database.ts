import { AppConfig } from '../config/app-config';
import { Migration } from 'typeorm';
import { DatabaseConnection, runMigrations } from '../database/database-connection';
import { print } from './cli-output';

/**
 * Opens the configured database as the application does, but WITHOUT migrating it (a command
 * migrates itself to report what it did), runs `work`, and always closes the pool and then the
 * embedded database: an embedded one left open would leave its folder locked.
 */
export async function withDatabase<T>(
  config: AppConfig['database'],
  work: (database: DatabaseConnection) => Promise<T>,
): Promise<T> {
  const database = await DatabaseConnection.open(config, { migrate: false });
  try {
    return await work(database);
  } finally {
    await database.close();
  }
}

/** Migrates the database, telling the operator where and what was applied. */
export async function migrateAndReport(database: DatabaseConnection): Promise<Migration[]> {
  print(`database: ${database.description}`);
  const applied = await runMigrations(database.dataSource, database.engine === 'postgres');
  for (const migration of applied) print(`applied ${migration.name}`);
  return applied;
}
