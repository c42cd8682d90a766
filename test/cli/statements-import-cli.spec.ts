import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect, createTestDatabase, TestDatabase } from '../support/test-database';

const ROOT = join(__dirname, '..', '..');
const CLI_JS = join(ROOT, 'dist', 'src', 'cli.js');
const SAMPLES = join(ROOT, '..', 'shared', 'samples', 'bank-statements');
const CAMT_CHF = join(SAMPLES, 'camt053-v04-oca-batch-txdtls-chf.xml');

interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** The built CLI, as `npm run cli` runs it, on the test file's database only. */
function runCli(args: string[], databaseUrl: string): Promise<CliResult> {
  const child = spawn(process.execPath, [CLI_JS, ...args], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      DATABASE_URL: databaseUrl,
      DATA_DIR: mkdtempSync(join(tmpdir(), 'tf-cli-import-')),
      SESSION_SECRET: 'a-session-secret-of-at-least-32-characters',
      LOG_LEVEL: 'silent',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const timer = setTimeout(() => child.kill('SIGKILL'), 60000);
  return new Promise((resolve) =>
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    }),
  );
}

describe('bank-statements:import (CLI)', () => {
  let db: TestDatabase;

  const counts = async (): Promise<{ statements: number; lines: number; audited: number }> => {
    const client = await connect(db.url);
    try {
      const { rows } = await client.query<{ statements: number; lines: number; audited: number }>(
        `SELECT (SELECT count(*)::int FROM bank_statement) AS statements,
                (SELECT count(*)::int FROM bank_statement_line) AS lines,
                (SELECT count(*)::int FROM audit_log WHERE actor LIKE 'system:cli:%') AS audited`,
      );
      return rows[0];
    } finally {
      await client.end();
    }
  };

  beforeAll(async () => {
    db = await createTestDatabase();
    const client = await connect(db.url);
    try {
      await client.query(
        `INSERT INTO bank_account (fund_id, code, name, bank_name, account_number, currency, created_by)
         SELECT id, 'UBS-CHF', 'UBS CHF', 'Test bank', 'CH1111000000123456789', 'CHF', 'test'
           FROM fund WHERE code = 'WSIS-TF'`,
      );
    } finally {
      await client.end();
    }
  });

  afterAll(async () => {
    await db?.drop();
  });

  it('imports a camt.053 file into the named account, once, and says why not the second time', async () => {
    const first = await runCli(
      ['bank-statements:import', CAMT_CHF, '--bank-account', 'UBS-CHF'],
      db.url,
    );
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/imported statement \S+ into UBS-CHF: \d+ lines, opening/);
    const after = await counts();
    expect(after.statements).toBe(1);
    expect(after.lines).toBeGreaterThan(0);
    expect(after.audited).toBe(1);

    const again = await runCli(
      ['bank-statements:import', CAMT_CHF, '--bank-account', 'UBS-CHF'],
      db.url,
    );
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/already imported/i);
    expect(await counts()).toEqual(after);
  });

  it('refuses an unknown bank account and a missing option, changing nothing', async () => {
    const before = await counts();
    const unknown = await runCli(
      ['bank-statements:import', CAMT_CHF, '--bank-account', 'NOPE'],
      db.url,
    );
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/NOPE/);
    const missing = await runCli(['bank-statements:import', CAMT_CHF], db.url);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/--bank-account/);
    expect(await counts()).toEqual(before);
  });
});
