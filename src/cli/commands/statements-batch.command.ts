import { Presets, SingleBar } from 'cli-progress';
import { Command, CommandRunner, Option } from 'nest-commander';
import { createValidationPipe } from '../../common/validation';
import {
  CreateStatementBatchRequest,
  StatementBatchResponse,
} from '../../statements/batch/dto/statement-batch.dto';
import { StatementBatchesService } from '../../statements/batch/statement-batches.service';
import { cliActor, withApplication } from '../cli-application';
import { CliConfigService } from '../cli-config.service';
import { describeCliError } from '../cli-error';
import { print, printError } from '../cli-output';

interface BatchOptions {
  fund?: string;
  from?: string;
  to?: string;
  language?: string;
  resume?: string;
}

/** How often the command looks whether another worker has finished the batch's last items. */
const SETTLE_POLL_MS = 250;

@Command({
  name: 'statements:batch',
  description:
    'issue a statement to every donor of a fund for a period, in this process, with a progress ' +
    'bar; exit code 1 if any statement could not be issued. Ctrl-C stops after the statement in ' +
    'progress; --resume <batch id> (or the next start of the server) finishes it',
})
export class StatementsBatchCommand extends CommandRunner {
  constructor(private readonly config: CliConfigService) {
    super();
  }

  @Option({ flags: '--fund <code>', description: 'code of the fund, e.g. WSIS-TF' })
  parseFund(value: string): string {
    return value;
  }

  @Option({ flags: '--from <date>', description: 'first day of the period, YYYY-MM-DD' })
  parseFrom(value: string): string {
    return value;
  }

  @Option({ flags: '--to <date>', description: 'last day of the period, YYYY-MM-DD' })
  parseTo(value: string): string {
    return value;
  }

  @Option({
    flags: '--language <code>',
    description: "ar, zh, en, fr, es or ru for every statement (default: each donor's own)",
  })
  parseLanguage(value: string): string {
    return value;
  }

  @Option({ flags: '--resume <batch id>', description: 'finish a batch started earlier' })
  parseResume(value: string): string {
    return value;
  }

  async run(_arguments: string[], options: BatchOptions): Promise<void> {
    try {
      const request =
        options.resume === undefined
          ? // The same validation as the API's, so the command refuses exactly what the API refuses.
            ((await createValidationPipe().transform(
              {
                fund: options.fund,
                from: options.from,
                to: options.to,
                language: options.language,
              },
              { type: 'body', metatype: CreateStatementBatchRequest },
            )) as CreateStatementBatchRequest)
          : undefined;
      // No workers in this process (withApplication starts none): the command does the work.
      const batch = await withApplication(this.config.get(), async (app) => {
        const batches = app.get(StatementBatchesService);
        const started =
          request === undefined
            ? await batches.get(options.resume!)
            : (
                await batches.create(cliActor(['finance_officer']), request, undefined, {
                  queue: false,
                })
              ).body;
        print(
          `batch ${started.id}: statements of ${started.fund} for ${started.from} – ${started.to} ` +
            `to ${started.total} donor${started.total === 1 ? '' : 's'}`,
        );
        return workWithProgress(batches, started);
      });
      print(...describeOutcome(batch));
      if (batch.failed > 0 || batch.pending > 0) process.exitCode = 1;
    } catch (error) {
      printError(describeCliError(error));
      process.exitCode = 1;
    }
  }
}

/**
 * Works on the batch in this process with a progress bar on stderr (results go to stdout),
 * until it is finished or Ctrl-C stops it after the statement in progress.
 */
async function workWithProgress(
  batches: StatementBatchesService,
  batch: StatementBatchResponse,
): Promise<StatementBatchResponse> {
  const counts = { issued: batch.issued, failed: batch.failed };
  const bar = new SingleBar(
    {
      format:
        'statements [{bar}] {value}/{total} | {issued} issued, {failed} failed | {eta_formatted}',
      stream: process.stderr,
      // In a log (no terminal), a line now and then rather than nothing until the end.
      noTTYOutput: true,
      notTTYSchedule: 5000,
      hideCursor: true,
    },
    Presets.shades_classic,
  );
  bar.start(batch.total, counts.issued + counts.failed, counts);
  const interrupt = new AbortController();
  const onSigint = (): void => {
    interrupt.abort();
    // Now, not at the end: the browser library also ends the process on Ctrl-C.
    printError(
      '',
      `interrupted: stopping after the statement in progress; resume with ` +
        `statements:batch --resume ${batch.id}`,
    );
  };
  process.once('SIGINT', onSigint);
  try {
    await batches.work(batch.id, {
      signal: interrupt.signal,
      onItem: (outcome) => {
        counts[outcome.status] += 1;
        bar.update(counts.issued + counts.failed, counts);
      },
    });
    let current = await batches.get(batch.id);
    // Another worker (a server on the same database) may still be issuing the last statements.
    while (
      !interrupt.signal.aborted &&
      (current.status === 'queued' || current.status === 'running')
    ) {
      await new Promise((resolve) => setTimeout(resolve, SETTLE_POLL_MS));
      current = await batches.get(batch.id);
      bar.update(current.issued + current.failed, {
        issued: current.issued,
        failed: current.failed,
      });
    }
    bar.update(current.issued + current.failed, { issued: current.issued, failed: current.failed });
    return current;
  } finally {
    process.removeListener('SIGINT', onSigint);
    bar.stop();
  }
}

function describeOutcome(batch: StatementBatchResponse): string[] {
  const lines = [
    `${batch.status}: ${batch.issued} of ${batch.total} statements issued, ${batch.failed} failed` +
      (batch.pending > 0 ? `, ${batch.pending} pending` : ''),
  ];
  for (const item of batch.items) {
    if (item.status === 'failed') lines.push(`failed: ${item.donorName}: ${item.error ?? ''}`);
  }
  if (batch.pending > 0) {
    lines.push(
      `interrupted: resume with statements:batch --resume ${batch.id} ` +
        '(a server running job workers also resumes it when it starts)',
    );
  }
  return lines;
}
