import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { Command, CommandRunner, Option } from 'nest-commander';
import { StatementImportService } from '../../reconciliation/import/statement-import.service';
import { createValidationPipe } from '../../common/validation';
import {
  ImportStatementRequest,
  STATEMENT_FORMATS,
} from '../../reconciliation/import/dto/statement-import.dto';
import { CliConfigService } from '../cli-config.service';
import { cliActor, withApplication } from '../cli-application';
import { print, printError } from '../cli-output';
import { describeCliError } from '../cli-error';

interface ImportOptions {
  bankAccount?: string;
  fund?: string;
  format?: (typeof STATEMENT_FORMATS)[number];
}

@Command({
  name: 'bank-statements:import',
  arguments: '<file>',
  description:
    'import a bank statement file (camt.053, MT940 or CSV) into a bank account of a fund: the ' +
    'whole file or nothing, refused if already imported; prints the summary and any warning',
})
export class StatementsImportCommand extends CommandRunner {
  constructor(private readonly config: CliConfigService) {
    super();
  }

  @Option({ flags: '--bank-account <code>', description: 'code of the bank account, e.g. UBS-CHF' })
  parseBankAccount(value: string): string {
    return value;
  }

  @Option({ flags: '--fund <code>', description: 'code of the fund (default WSIS-TF)' })
  parseFund(value: string): string {
    return value;
  }

  @Option({ flags: '--format <format>', description: 'camt.053, mt940 or csv (default: guessed)' })
  parseFormat(value: string): string {
    return value;
  }

  async run([file]: string[], options: ImportOptions): Promise<void> {
    if (options.bankAccount === undefined) {
      printError('Give the bank account: --bank-account <code>.');
      process.exitCode = 1;
      return;
    }
    let content: Buffer;
    try {
      content = readFileSync(file);
    } catch (error) {
      printError(`Cannot read ${file}: ${(error as Error).message}`);
      process.exitCode = 1;
      return;
    }
    try {
      // The same validation as the API's, so the command refuses exactly what the API refuses.
      const request = (await createValidationPipe().transform(
        {
          fund: options.fund,
          bankAccount: options.bankAccount,
          fileName: basename(file),
          content: content.toString('base64'),
          format: options.format,
        },
        { type: 'body', metatype: ImportStatementRequest },
      )) as ImportStatementRequest;
      const summary = await withApplication(this.config.get(), async (app) => {
        const result = await app
          .get(StatementImportService)
          .upload(cliActor(['finance_officer']), request, undefined);
        return result.body;
      });
      for (const statement of summary.statements) {
        print(
          `imported statement ${statement.statementId} into ${request.bankAccount}: ` +
            `${statement.lineCount} lines, opening ${statement.opening.amount} ` +
            `${statement.opening.currency}, closing ${statement.closing.amount} ` +
            `${statement.closing.currency}`,
        );
      }
      for (const warning of summary.warnings) print(`warning: ${warning}`);
    } catch (error) {
      printError(describeCliError(error));
      process.exitCode = 1;
    }
  }
}
