import { Command, CommandRunner } from 'nest-commander';
import { AuditRepository } from '../../audit/audit.repository';
import { AuditService } from '../../audit/audit.service';
import { AuditVerification } from '../../audit/audit.types';
import { CliConfigService } from '../cli-config.service';
import { withDatabase } from '../cli-database';
import { print } from '../cli-output';

@Command({
  name: 'audit:verify',
  description:
    'check the hash chain of the audit trail; fail (exit code 1) naming the first broken record',
})
export class AuditVerifyCommand extends CommandRunner {
  constructor(private readonly config: CliConfigService) {
    super();
  }

  async run(): Promise<void> {
    await withDatabase(this.config.get().database, async (database) => {
      print(`database: ${database.description}`);
      // Read-only, and not migrated first: verifying must not change what it verifies.
      const result = await new AuditService(database.dataSource, new AuditRepository()).verify();
      print(...describeVerification(result));
      // Not an exception: the line above is the answer, a stack trace would only bury it.
      if (!result.ok) process.exitCode = 1;
    });
  }
}

export function describeVerification(result: AuditVerification): string[] {
  const records = `${result.checked} record${result.checked === 1 ? '' : 's'}`;
  if (result.firstBroken !== undefined) {
    return [
      `audit trail BROKEN at record ${result.firstBroken.id}: ${result.firstBroken.reason}`,
      `(${records} checked; the chain holds up to ${result.lastId === undefined ? 'no record' : `record ${result.lastId}`})`,
    ];
  }
  if (result.lastId === undefined) return ['audit trail is empty: nothing to verify'];
  return [
    `audit trail verified: ${records}, one unbroken chain`,
    `last record ${result.lastId}, hash ${result.lastHash ?? ''}`,
  ];
}
