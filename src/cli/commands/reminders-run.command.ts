import { Command, CommandRunner, Option } from 'nest-commander';
import { calendarDateProblem } from '../../common/calendar-date';
import { AppConfig } from '../../config/app-config';
import { RunRemindersResponse } from '../../reminders/dto/reminder.dto';
import { RemindersService } from '../../reminders/reminders.service';
import { cliActor, withApplication } from '../cli-application';
import { CliConfigService } from '../cli-config.service';
import { describeCliError } from '../cli-error';
import { print, printError } from '../cli-output';

/**
 * Sends the reminders due as of `date` (today without one) through the application's own
 * service, without queue workers (withApplication starts none).
 */
export function runReminders(
  config: AppConfig,
  date: string | undefined,
): Promise<RunRemindersResponse> {
  return withApplication(config, (app) =>
    app.get(RemindersService).runAsOf(cliActor(['admin']), date),
  );
}

export function describeRun(result: RunRemindersResponse): string[] {
  const lines = result.sent.map(
    (r) =>
      `${r.pledgeReference} instalment ${r.instalment} (due ${r.dueDate}) step ${r.step}: ` +
      `${r.outstanding.currency} ${r.outstanding.amount}, ${r.delivery}` +
      (r.recipients.length > 0 ? ` to ${r.recipients.join(', ')}` : '') +
      (r.deliveryError === null ? '' : ` (${r.deliveryError})`),
  );
  const failed = result.failures.map((f) => `FAILED ${f.pledgeReference}: ${f.reason}`);
  const count = result.sent.length;
  return [
    ...lines,
    ...failed,
    `${count} reminder${count === 1 ? '' : 's'} sent as of ${result.date}` +
      (failed.length > 0 ? `; the reminders of ${failed.length} pledge(s) failed` : ''),
  ];
}

@Command({
  name: 'reminders:run',
  description:
    'send the payment reminders due today, or as of --date (not in the future); each reminder ' +
    'is sent once per instalment and step, so running again sends nothing new',
})
export class RemindersRunCommand extends CommandRunner {
  constructor(private readonly config: CliConfigService) {
    super();
  }

  @Option({
    flags: '--date <YYYY-MM-DD>',
    description: 'the day to send as of (default today, UTC)',
  })
  parseDate(value: string): string {
    return value;
  }

  async run(_args: string[], options: { date?: string }): Promise<void> {
    const problem = options.date === undefined ? undefined : calendarDateProblem(options.date);
    if (problem !== undefined) {
      printError(`--date ${problem}`);
      process.exitCode = 1;
      return;
    }
    try {
      const result = await runReminders(this.config.get(), options.date);
      print(...describeRun(result));
      if (result.failures.length > 0) process.exitCode = 1;
    } catch (error) {
      printError(describeCliError(error));
      process.exitCode = 1;
    }
  }
}
