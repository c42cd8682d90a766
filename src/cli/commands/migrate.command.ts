import { Command, CommandRunner } from 'nest-commander';
import { runMigrations } from '../../database/database-connection';
import { CliConfigService } from '../cli-config.service';
import { withDatabase } from '../cli-database';
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
    await withDatabase(this.config.get().database, async ({ dataSource, engine, description }) => {
      print(`database: ${description}`);
      const applied = await runMigrations(dataSource, engine === 'postgres');
      if (applied.length === 0) {
        print('nothing to migrate: the database is up to date');
        return;
      }
      print(...applied.map((migration) => `applied ${migration.name}`));
      print(`${applied.length} migration${applied.length === 1 ? '' : 's'} applied`);
    });
  }
}
