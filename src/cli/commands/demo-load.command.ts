import { Command, CommandRunner, Option } from 'nest-commander';
import { AppConfig } from '../../config/app-config';
import { DemoLoadOptions, DemoLoadResult, loadDemo } from '../../demo/demo-loader';
import { cliActor, withApplication } from '../cli-application';
import { CliConfigService } from '../cli-config.service';
import { describeCliError } from '../cli-error';
import { print, printError } from '../cli-output';

/** Loads the demo through the application's own services, as the operating-system user. */
export function runDemoLoad(
  config: AppConfig,
  options: Omit<DemoLoadOptions, 'system'> = {},
): Promise<DemoLoadResult> {
  return withApplication(config, (app) =>
    loadDemo(app, { ...options, system: cliActor(['admin']) }),
  );
}

/** Where the application the demo is for answers, as a person types it in a browser. */
export function demoUrl(config: AppConfig): string {
  const host = ['0.0.0.0', '::', ''].includes(config.http.host) ? '127.0.0.1' : config.http.host;
  return `http://${host.includes(':') ? `[${host}]` : host}:${config.http.port}`;
}

/** What the operator reads: the figures, then who can sign in, with the password once. */
export function describeDemoLoad(result: DemoLoadResult, url: string): string[] {
  if (!result.loaded) {
    const found = Object.entries(result.found)
      .map(([table, count]) => `${table} ${count}`)
      .join(', ');
    return [
      `The database is not empty (${found}): demo:load fills only an empty database and left ` +
        'this one unchanged.',
    ];
  }
  const { figures } = result;
  const width = (values: string[]) => Math.max(...values.map((value) => value.length));
  const rows = [
    ['user', 'role', 'start page'],
    ...result.users.map((user) => [user.username, user.role, `${url}${user.startPage}`]),
  ];
  const widths = [0, 1].map((column) => width(rows.map((row) => row[column])));
  return [
    `Loaded the demo of the WSIS Trust Fund: ${figures.donors} donors, ${figures.pledges} ` +
      `pledges, ${figures.receipts} receipts, ${figures.statements} bank statements ` +
      `(${figures.bankLines} lines, the last ones to reconcile), ${figures.grants} ` +
      `participation grants, ${figures.pendingApprovals} requests waiting for approval.`,
    ...result.notes,
    '',
    `Start the application (npm start) and sign in at ${url}/sign-in as one of these users,`,
    `each with the password ${result.password} (shown only now):`,
    '',
    ...rows.map((row) =>
      `  ${row[0].padEnd(widths[0])}  ${row[1].padEnd(widths[1])}  ${row[2]}`.trimEnd(),
    ),
  ];
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '');
}

@Command({
  name: 'demo:load',
  description:
    'fill an EMPTY database with a demo of the WSIS Trust Fund (donors, pledges, receipts, a ' +
    'bank statement to reconcile, grants, approvals waiting) and one user per role; a database ' +
    'with any data is left unchanged',
})
export class DemoLoadCommand extends CommandRunner {
  constructor(private readonly config: CliConfigService) {
    super();
  }

  @Option({
    flags: '--password-stdin',
    description: "read the demo users' password from standard input (default: a random one)",
  })
  parsePasswordStdin(): boolean {
    return true;
  }

  async run(_args: string[], options: { passwordStdin?: boolean }): Promise<void> {
    const config = this.config.get();
    if (config.env === 'production') {
      printError(
        'demo:load does not run with NODE_ENV=production: its donors are fictional and its ' +
          'users share one password.',
      );
      process.exitCode = 1;
      return;
    }
    const password = options.passwordStdin ? await readStdin() : undefined;
    try {
      const result = await runDemoLoad(config, {
        password,
        // Progress on stderr: stdout keeps the result only.
        progress: (step) => process.stderr.write(`demo:load: ${step}…\n`),
      });
      print(...describeDemoLoad(result, demoUrl(config)));
    } catch (error) {
      printError(
        describeCliError(error),
        'The demo stopped halfway: what it recorded stays, and demo:load will not touch a ' +
          'database that is not empty. Start again from an empty database (a new DATA_DIR, or a ' +
          'new DATABASE_URL database).',
      );
      process.exitCode = 1;
    }
  }
}
