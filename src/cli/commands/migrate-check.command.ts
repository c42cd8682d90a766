import { Command, CommandRunner } from 'nest-commander';
import { CliConfigService } from '../cli-config.service';
import { migrateAndReport, withDatabase } from '../cli-database';
import { print } from '../cli-output';
import { formatSchemaChanges, pendingSchemaChanges } from '../../database/schema-diff';

@Command({
  name: 'migrate:check',
  description:
    'migrate, then fail (exit code 1) with the SQL a new migration would need if the entities ' +
    'and the migrated schema differ',
})
export class MigrateCheckCommand extends CommandRunner {
  constructor(private readonly config: CliConfigService) {
    super();
  }

  async run(): Promise<void> {
    await withDatabase(this.config.get().database, async (database) => {
      await migrateAndReport(database);
      const changes = await pendingSchemaChanges(database.dataSource);
      if (changes.length === 0) {
        print('entities and migrations agree');
        return;
      }
      print(
        `entities and migrations disagree: a new migration would need ${changes.length} ` +
          `statement${changes.length === 1 ? '' : 's'}:`,
        ...formatSchemaChanges(changes),
      );
      // Not an exception: the SQL above is the answer, a stack trace would only bury it.
      process.exitCode = 1;
    });
  }
}
