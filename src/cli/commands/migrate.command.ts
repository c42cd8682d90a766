import { Command, CommandRunner } from 'nest-commander';
import { CliConfigService } from '../cli-config.service';
import { migrateAndReport, withDatabase } from '../cli-database';
import { print } from '../cli-output';

@Command({
  name: 'migrate',
  description: 'apply pending database migrations and list the ones applied',
})
export class MigrateCommand extends CommandRunner {
  constructor(private readonly config: CliConfigService) {
    super();
  }

  async run(): Promise<void> {
    await withDatabase(this.config.get().database, async (database) => {
      const applied = await migrateAndReport(database);
      print(
        applied.length === 0
          ? 'nothing to migrate: the database is up to date'
          : `${applied.length} migration${applied.length === 1 ? '' : 's'} applied`,
      );
    });
  }
}
