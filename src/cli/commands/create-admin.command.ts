import { randomUUID } from 'node:crypto';
import { Command, CommandRunner, Option } from 'nest-commander';
import { AuditRepository } from '../../audit/audit.repository';
import { AuditService } from '../../audit/audit.service';
import { runWithRequestContext } from '../../common/request-context';
import { IdentityRepository } from '../../auth/identity.repository';
import { IdentityService } from '../../auth/identity.service';
import { PasswordService } from '../../auth/password.service';
import { runMigrations } from '../../database/database-connection';
import { TransactionRunner } from '../../database/transaction-runner';
import { CliConfigService } from '../cli-config.service';
import { withDatabase } from '../cli-database';
import { print, printError } from '../cli-output';

interface CreateAdminOptions {
  username?: string;
  displayName?: string;
  passwordStdin?: boolean;
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '');
}

@Command({
  name: 'user:create-admin',
  description:
    'create the first admin (refused when an active admin exists); the password comes from ' +
    'standard input with --password-stdin, or from ADMIN_PASSWORD',
})
export class CreateAdminCommand extends CommandRunner {
  constructor(private readonly config: CliConfigService) {
    super();
  }

  @Option({ flags: '--username <username>', description: 'login name, e.g. amina.diallo' })
  parseUsername(value: string): string {
    return value;
  }

  @Option({ flags: '--display-name <name>', description: 'name shown in the application' })
  parseDisplayName(value: string): string {
    return value;
  }

  @Option({ flags: '--password-stdin', description: 'read the password from standard input' })
  parsePasswordStdin(): boolean {
    return true;
  }

  async run(_args: string[], options: CreateAdminOptions): Promise<void> {
    const config = this.config.get();
    const username = options.username ?? config.firstAdmin?.username;
    const password = options.passwordStdin ? await readStdin() : config.firstAdmin?.password;
    if (username === undefined || password === undefined || password === '') {
      printError('Give --username and the password (--password-stdin, or ADMIN_PASSWORD).');
      process.exitCode = 1;
      return;
    }
    await withDatabase(config.database, async (database) => {
      await runMigrations(database.dataSource, database.engine === 'postgres');
      const identity = new IdentityService(
        config,
        database.dataSource,
        new TransactionRunner(database.dataSource),
        new IdentityRepository(),
        new PasswordService(),
        new AuditService(database.dataSource, new AuditRepository()),
      );
      // The audit record of a CLI change carries a request id of its own, like an HTTP request's.
      const created = await runWithRequestContext({ requestId: `cli:${randomUUID()}` }, () =>
        identity.bootstrapAdmin(username, password, options.displayName ?? username),
      );
      if (created === undefined) {
        printError(
          'An active admin exists already: admins create further users in the application.',
        );
        process.exitCode = 1;
        return;
      }
      print(`created admin ${created.username} (${created.id})`);
    });
  }
}
