import 'reflect-metadata';
import { CommandFactory } from 'nest-commander';
import { CliModule } from './cli/cli.module';
import { describeCliError } from './cli/cli-error';
import { printError } from './cli/cli-output';
import { APP_INFO } from './common/app-info';

/**
 * `npm run cli -- <command>`: the operator's commands, sharing the server's configuration and
 * database code. The commands are listed in src/cli/cli.module.ts.
 */
async function main(): Promise<void> {
  await CommandFactory.run(CliModule, {
    // Nest's own start-up lines would interleave with the command's output.
    logger: ['error'],
    abortOnError: false,
    version: APP_INFO.version,
    // Exit codes are set, never process.exit(): the process ends by itself once the pool and the
    // embedded database are closed, so a handle left open shows up as a hang, not a lock file.
    serviceErrorHandler: (error) => {
      printError(describeCliError(error));
      process.exitCode = 1;
    },
  });
}

main().catch((error: unknown) => {
  printError(describeCliError(error));
  process.exitCode = 1;
});
