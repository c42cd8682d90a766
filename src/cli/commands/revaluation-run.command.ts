import { Command, CommandRunner, Option } from 'nest-commander';
import { AppConfig } from '../../config/app-config';
import { AppError } from '../../common/errors/app-error';
import { RevaluationResponse } from '../../revaluation/dto/revaluation.dto';
import { RevaluationService } from '../../revaluation/revaluation.service';
import { cliActor, withApplication } from '../cli-application';
import { CliConfigService } from '../cli-config.service';
import { describeCliError } from '../cli-error';
import { print, printError } from '../cli-output';

/** Revalues a fund's month through the application's own service, as a finance officer. */
export async function runRevaluation(
  config: AppConfig,
  fund: string,
  period: string,
): Promise<RevaluationResponse> {
  return withApplication(config, async (app) => {
    const result = await app
      .get(RevaluationService)
      .run(cliActor(['finance_officer']), fund, period);
    return result.body;
  });
}

export function describeRevaluation(run: RevaluationResponse): string[] {
  const amount = (money: { currency: string; amount: string }) =>
    `${money.currency} ${money.amount}`;
  const lines = run.lines.map(
    (line) =>
      `  ${line.account} ${line.bankAccount ?? line.earmark ?? '(no earmark)'} ${line.currency} ` +
      `at ${line.rate}: ${amount(line.difference)}`,
  );
  const revalued =
    run.supplements === null
      ? 'revalued'
      : `revalued again (run ${run.run}, supplementing run ${run.supplements})`;
  if (run.entry === null || run.reversal === null) {
    return [
      `${run.fund} ${run.period} ${revalued} at the rates of ${run.revaluedOn}: nothing to post`,
    ];
  }
  return [
    `${run.fund} ${run.period} ${revalued} at the rates of ${run.revaluedOn}: ` +
      `${run.entry.number} (${run.entry.date}), reversed by ${run.reversal.number} (${run.reversal.date})`,
    ...lines,
    `gain ${amount(run.gain)}, loss ${amount(run.loss)}, net ${amount(run.net)}`,
  ];
}

/** What the operator reads when the run is refused: the problem, then each field's reason. */
export function describeRevaluationError(error: unknown): string[] {
  if (!(error instanceof AppError)) return [describeCliError(error)];
  const fields = (error.errors ?? []).map((field) => `${field.field}: ${field.reason}`);
  return fields.length === 1 && error.detail === fields[0] ? fields : [error.detail, ...fields];
}

@Command({
  name: 'revaluation:run',
  description:
    'revalue the foreign-currency receivables and bank balances of a fund at the UN rates of a ' +
    'month’s last day, posting the unrealised difference and its reversal on the 1st; again ' +
    'only for what postings in the month since the last run changed',
})
export class RevaluationRunCommand extends CommandRunner {
  constructor(private readonly config: CliConfigService) {
    super();
  }

  @Option({ flags: '--fund <code>', description: 'code of the fund (default WSIS-TF)' })
  parseFund(value: string): string {
    return value;
  }

  @Option({ flags: '--period <YYYY-MM>', description: 'the month to revalue, e.g. 2026-10' })
  parsePeriod(value: string): string {
    return value;
  }

  async run(_args: string[], options: { fund?: string; period?: string }): Promise<void> {
    if (options.period === undefined) {
      printError('Give the month: --period YYYY-MM.');
      process.exitCode = 1;
      return;
    }
    try {
      const run = await runRevaluation(
        this.config.get(),
        options.fund ?? 'WSIS-TF',
        options.period,
      );
      print(...describeRevaluation(run));
    } catch (error) {
      printError(...describeRevaluationError(error));
      process.exitCode = 1;
    }
  }
}
