import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MIGRATIONS } from '../../migrations';
import { describeCliError } from '../../src/cli/cli-error';
import { describeConfig, formatConfig } from '../../src/cli/config-summary';
import { maskDatabaseUrl } from '../../src/database/database-url';
import { formatSchemaChanges } from '../../src/database/schema-diff';
import { loadConfig } from '../../src/config/app-config';
import { ConfigurationError, ENVIRONMENT_VARIABLES } from '../../src/config/environment';
import { EmbeddedDatabaseInUseError } from '../../src/database/embedded-postgres';
import { connect, createTestDatabase, TestDatabase } from '../support/test-database';

const ROOT = join(__dirname, '..', '..');
const CLI_JS = join(ROOT, 'dist', 'src', 'cli.js');
const SECRET = 'a-session-secret-of-at-least-32-characters';

interface CliResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Runs the built CLI (`dist/`, as `npm run cli` does) with exactly the environment given, plus
 * PATH and HOME: the DATABASE_URL of the test run itself must not leak into a command.
 * Asynchronous on purpose: an embedded test database is served by this very process.
 */
function runCli(
  args: string[],
  env: Record<string, string>,
  timeoutMs = 30000,
  stdin?: string,
): Promise<CliResult> {
  const child = spawn(process.execPath, [CLI_JS, ...args], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
    stdio: [stdin === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
  });
  if (stdin !== undefined) child.stdin?.end(stdin);
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const timer = setTimeout(() => {
    stderr += `(killed: no exit within ${timeoutMs} ms)\n`;
    child.kill('SIGKILL');
  }, timeoutMs);
  return new Promise((resolve) =>
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code: code ?? (signal ? 128 : null), stdout, stderr });
    }),
  );
}

/** On a wrong exit code, shows what the command printed: the code alone explains nothing. */
function expectExit(result: CliResult, code: number): void {
  if (result.code !== code) {
    throw new Error(
      `expected exit code ${code}, got ${result.code}\n` +
        `--- stdout\n${result.stdout}--- stderr\n${result.stderr}`,
    );
  }
}

describe('the command-line tool (dist/src/cli.js)', () => {
  let dataDir: string;

  beforeAll(() => {
    if (!existsSync(CLI_JS)) {
      throw new Error(`${CLI_JS} is missing: run \`npx nest build\` before the CLI tests`);
    }
  });

  // Every run gets a DATA_DIR of its own, so that nothing (not even the generated session
  // secret) is written to the repository's ./data.
  beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'tf-cli-'));
  });

  afterEach(() => {
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('--help lists every command with its description', async () => {
    const result = await runCli(['--help'], { DATA_DIR: dataDir });
    expectExit(result, 0);
    for (const command of ['migrate', 'migrate:check', 'config:check']) {
      expect(result.stdout).toMatch(new RegExp(`^\\s+${command}\\s+\\w+`, 'm'));
    }
    // Help reads no configuration, so it creates nothing in DATA_DIR.
    expect(existsSync(join(dataDir, 'session-secret'))).toBe(false);
  });

  describe('migrate', () => {
    it('migrates a fresh embedded folder, then finds nothing to do; leaves no lock', async () => {
      const env = { DATA_DIR: dataDir, SESSION_SECRET: SECRET };
      // Every migration on a fresh PGlite: 13 s on a quiet machine, more beside other test files.
      const first = await runCli(['migrate'], env, 100_000);
      expectExit(first, 0);
      expect(first.stdout).toContain('applied InitialSchema1764300000000');
      for (const migration of MIGRATIONS) {
        expect(first.stdout).toContain(`applied ${migration.name}`);
      }
      expect(first.stderr).toBe('');
      expect(existsSync(join(dataDir, 'embedded.lock'))).toBe(false);

      const second = await runCli(['migrate'], env);
      expectExit(second, 0);
      expect(second.stdout).toContain('nothing to migrate');
      expect(second.stdout).not.toContain('applied ');
      expect(existsSync(join(dataDir, 'embedded.lock'))).toBe(false);
    }, 180_000);

    it('refuses an embedded database in use by another process: one line, exit 1', async () => {
      // This test process is alive, so its pid in the lock file means "in use".
      const lockFile = join(dataDir, 'embedded.lock');
      writeFileSync(lockFile, String(process.pid));
      const result = await runCli(['migrate'], { DATA_DIR: dataDir, SESSION_SECRET: SECRET });
      expectExit(result, 1);
      expect(result.stderr.trim().split('\n')).toEqual([
        expect.stringContaining(`in use by process ${process.pid}`),
      ]);
      expect(readFileSync(lockFile, 'utf8')).toBe(String(process.pid));
    });
  });

  describe('on the test database', () => {
    let db: TestDatabase;

    beforeEach(async () => {
      db = await createTestDatabase();
    });

    afterEach(async () => {
      await db.drop();
    });

    const env = (): Record<string, string> => ({
      DATABASE_URL: db.url,
      DATA_DIR: dataDir,
      SESSION_SECRET: SECRET,
    });

    it('user:create-admin creates the first admin once, with a hashed password from stdin', async () => {
      const args = ['user:create-admin', '--username', 'chief.admin', '--password-stdin'];
      const weak = await runCli(args, env(), 30000, 'password\n');
      expectExit(weak, 1);
      expect(weak.stderr.trim()).toBe('password: must be at least 12 characters long');

      const created = await runCli(args, env(), 30000, 'Correct-Horse-Battery-9\n');
      expectExit(created, 0);
      expect(created.stdout).toMatch(/^created admin chief\.admin \(/);
      const client = await connect(db.url);
      try {
        const row = await client.query(
          `SELECT u.password_hash, array_agg(r.role) AS roles FROM app_user u
             JOIN user_role r ON r.user_id = u.id WHERE u.username = 'chief.admin' GROUP BY u.id`,
        );
        expect(row.rows[0].roles).toEqual(['admin']);
        expect(row.rows[0].password_hash).toMatch(/^\$argon2id\$v=19\$m=19456,p=1,t=2\$/);
        expect(row.rows[0].password_hash).not.toContain('Correct-Horse');
        const audit = await client.query(
          `SELECT actor, request_id FROM audit_log WHERE action = 'user.create'`,
        );
        expect(audit.rows).toEqual([
          { actor: 'system:bootstrap', request_id: expect.stringMatching(/^cli:/) },
        ]);
      } finally {
        await client.end();
      }

      const again = await runCli(args, env(), 30000, 'Another-Strong-Pass-7\n');
      expectExit(again, 1);
      expect(again.stderr).toContain('An active admin exists already');
    });

    it('migrate finds the migrated test database up to date', async () => {
      const result = await runCli(['migrate'], env());
      expectExit(result, 0);
      expect(result.stdout).toContain('nothing to migrate');
    });

    it('migrate:check exits 0 when entities and migrations agree', async () => {
      const result = await runCli(['migrate:check'], env());
      expectExit(result, 0);
      expect(result.stdout).toContain('entities and migrations agree');
    });

    it('migrate:check exits 1 and prints the SQL when the schema no longer matches', async () => {
      const client = await connect(db.url);
      try {
        await client.query('ALTER TABLE installation ADD COLUMN extra int');
      } finally {
        await client.end();
      }
      const result = await runCli(['migrate:check'], env());
      expectExit(result, 1);
      expect(result.stdout).toMatch(/ALTER TABLE "installation" DROP COLUMN "extra";/);
      expect(result.stdout).not.toContain('entities and migrations agree');
    });
  });

  describe('config:check', () => {
    it('prints the effective configuration without the database password', async () => {
      const result = await runCli(['config:check'], {
        DATA_DIR: dataDir,
        DATABASE_URL: 'postgres://u:hunter2@127.0.0.1:5432/x',
        SESSION_SECRET: SECRET,
        PORT: '4000',
      });
      expectExit(result, 0);
      expect(result.stdout).toContain('postgres://u:***@127.0.0.1:5432/x');
      expect(result.stdout).toMatch(/^PORT\s+4000$/m);
      expect(result.stdout).toMatch(/^SESSION_SECRET\s+\[set\]$/m);
      expect(result.stdout + result.stderr).not.toContain('hunter2');
      expect(result.stdout + result.stderr).not.toContain(SECRET);
    });

    it('exits 1 with one line naming the invalid variable', async () => {
      const result = await runCli(['config:check'], { DATA_DIR: dataDir, PORT: 'abc' });
      expectExit(result, 1);
      expect(result.stdout).toBe('');
      expect(result.stderr.trim().split('\n')).toEqual([expect.stringMatching(/PORT/)]);
    });
  });
});

describe('maskDatabaseUrl', () => {
  it.each([
    ['postgres://u:hunter2@127.0.0.1:5432/x', 'postgres://u:***@127.0.0.1:5432/x'],
    [
      'postgresql://u:p%40ss@db.internal/x?sslmode=require',
      'postgresql://u:***@db.internal/x?sslmode=require',
    ],
    // Unencoded `#` and `/` would make a URL parser see a fragment or a path.
    ['postgres://u:pa#ss/w@h:5432/x', 'postgres://u:***@h:5432/x'],
    [
      'postgres://u@h/x?password=hunter2&sslmode=disable',
      'postgres://u@h/x?password=***&sslmode=disable',
    ],
    ['postgres://postgres@127.0.0.1:5432/postgres', 'postgres://postgres@127.0.0.1:5432/postgres'],
  ])('%s → %s', (url, masked) => {
    expect(maskDatabaseUrl(url)).toBe(masked);
  });
});

describe('describeConfig', () => {
  let dataDir: string;

  beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'tf-cli-'));
  });

  afterEach(() => {
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('covers every environment variable the application reads', () => {
    const config = loadConfig({ DATA_DIR: dataDir, SESSION_SECRET: SECRET });
    expect(Object.keys(describeConfig(config)).sort()).toEqual([...ENVIRONMENT_VARIABLES].sort());
    expect(formatConfig(config)).toHaveLength(ENVIRONMENT_VARIABLES.length);
  });

  it('says where the session secret comes from, never what it is', () => {
    const fromEnv = describeConfig(loadConfig({ DATA_DIR: dataDir, SESSION_SECRET: SECRET }));
    const generated = loadConfig({ DATA_DIR: dataDir });
    expect(fromEnv.SESSION_SECRET).toBe('[set]');
    expect(describeConfig(generated).SESSION_SECRET).toBe('[generated in DATA_DIR]');
    expect(formatConfig(generated).join('\n')).not.toContain(generated.session.secret);
  });
});

describe('describeCliError', () => {
  it('is one line for errors an operator can act on, a stack for the rest', () => {
    expect(describeCliError(new ConfigurationError(['PORT must be an integer port number']))).toBe(
      'Invalid configuration: PORT must be an integer port number',
    );
    expect(describeCliError(new EmbeddedDatabaseInUseError('/data', 42))).not.toContain('\n');
    expect(describeCliError(new Error('boom'))).toMatch(/^Command failed: Error: boom\n\s+at /);
  });
});

describe('formatSchemaChanges', () => {
  it('formats statements with a terminating semicolon and their parameters', () => {
    expect(
      formatSchemaChanges([
        { query: 'CREATE TABLE t (id int);', parameters: [] },
        { query: 'INSERT INTO m VALUES ($1)', parameters: ['x'] },
      ]),
    ).toEqual(['CREATE TABLE t (id int);', 'INSERT INTO m VALUES ($1); -- parameters: ["x"]']);
  });
});
