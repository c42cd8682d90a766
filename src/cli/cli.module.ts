import { Module } from '@nestjs/common';
import { CliConfigService } from './cli-config.service';
import { AuditVerifyCommand } from './commands/audit-verify.command';
import { CreateAdminCommand } from './commands/create-admin.command';
import { DemoLoadCommand } from './commands/demo-load.command';
import { ConfigCheckCommand } from './commands/config-check.command';
import { MigrateCheckCommand } from './commands/migrate-check.command';
import { MigrateCommand } from './commands/migrate.command';
import { RemindersRunCommand } from './commands/reminders-run.command';
import { RevaluationRunCommand } from './commands/revaluation-run.command';
import { StatementsBatchCommand } from './commands/statements-batch.command';
import { StatementsImportCommand } from './commands/statements-import.command';

/**
 * Every command of `npm run cli`. To add one: write src/cli/commands/<name>.command.ts (a
 * CommandRunner with @Command({ name, description })) and list it here; `--help` picks it up.
 *
 * Nothing here opens the database or reads the environment when the module is built: a command
 * does so in run(), through CliConfigService and withDatabase(), so `--help` and `config:check`
 * work without a database and a database command always closes what it opened.
 */
export const CLI_COMMANDS = [
  MigrateCommand,
  MigrateCheckCommand,
  ConfigCheckCommand,
  AuditVerifyCommand,
  CreateAdminCommand,
  StatementsImportCommand,
  RemindersRunCommand,
  StatementsBatchCommand,
  RevaluationRunCommand,
  DemoLoadCommand,
];

@Module({
  providers: [CliConfigService, ...CLI_COMMANDS],
})
export class CliModule {}
