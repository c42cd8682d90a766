import { AppConfig } from '../config/app-config';
import { DatabaseConnection } from '../database/database-connection';

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
