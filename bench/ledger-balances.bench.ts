/**
 * Balance reads at scale (run by hand, not in CI):
 *   DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres npm run bench:ledger
 * Creates a scratch database on that server, migrates it, loads 1,000,000 journal lines
 * (250,000 balanced entries over 500 donors, through the real tables and their deferred balance
 * triggers), then times the application's own BalancesService: a donor's receivable balance
 * (target p95 < 50 ms) and the fund's trial balance (target p95 < 500 ms). Drops the database.
 */
import { NestFactory } from '@nestjs/core';
import { createHash } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { AppModule } from '../src/app.module';
import { loadConfig } from '../src/config/app-config';
import { BalancesService } from '../src/ledger/balances.service';

const LINES = Number(process.env.BENCH_LINES ?? 1_000_000);
const ENTRIES = Math.floor(LINES / 4);
const DONORS = 500;
const BATCH = 25_000;

function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

async function admin(url: string, sql: string): Promise<void> {
  const client = new Client({ connectionString: url });
  await client.connect();
  await client.query(sql);
  await client.end();
}

const percentile = (sorted: number[], p: number): number =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];

async function time(runs: number, work: (i: number) => Promise<unknown>): Promise<string> {
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const started = process.hrtime.bigint();
    await work(i);
    samples.push(Number(process.hrtime.bigint() - started) / 1e6);
  }
  samples.sort((a, b) => a - b);
  return `median ${percentile(samples, 50).toFixed(1)} ms, p95 ${percentile(samples, 95).toFixed(1)} ms (${runs} runs)`;
}

async function load(url: string): Promise<void> {
  const sql = new Client({ connectionString: url });
  await sql.connect();
  const ids = await sql.query<{
    fund: string;
    recv: string;
    rev: string;
    cash: string;
    earmark: string;
  }>(
    `SELECT f.id AS fund,
            (SELECT id FROM account WHERE fund_id = f.id AND code = '1100') AS recv,
            (SELECT id FROM account WHERE fund_id = f.id AND code = '4000') AS rev,
            (SELECT id FROM account WHERE fund_id = f.id AND code = '1000') AS cash,
            (SELECT id FROM earmark WHERE fund_id = f.id AND code = 'PARTICIPATION-GRANTS') AS earmark
       FROM fund f WHERE f.code = 'WSIS-TF'`,
  );
  const { fund, recv, rev, cash, earmark } = ids.rows[0];
  const started = Date.now();
  for (let from = 1; from <= ENTRIES; from += BATCH) {
    const to = Math.min(ENTRIES, from + BATCH - 1);
    await sql.query('BEGIN');
    // A pledge agreed (receivable / revenue) and paid (cash / receivable): four lines, balanced.
    await sql.query(
      `INSERT INTO journal_entry (fund_id, number, fiscal_year, sequence, entry_date, description,
         source_type, idempotency_key, line_count, created_by)
       SELECT $1, 'JE-2026-' || lpad(s::text, 6, '0'), 2026, s,
              make_date(2026, 1 + s % 12, 1 + s % 28), 'bench', 'bench', 'bench-' || s, 4, 'bench'
         FROM generate_series($2::int, $3::int) AS s`,
      [fund, from, to],
    );
    await sql.query(
      `INSERT INTO journal_line (entry_id, line_no, fund_id, entry_date, account_id, donor_id,
         earmark_id, bank_account_id, currency, amount_minor, functional_minor)
       SELECT e.id, v.line_no, e.fund_id, e.entry_date, v.account_id, v.donor_id, v.earmark_id,
              v.bank_account_id, 'CHF', v.amount, v.amount
         FROM journal_entry e
         CROSS JOIN LATERAL (SELECT md5('donor-' || (e.sequence % ${DONORS}))::uuid AS donor,
                                    (e.sequence * 7919 % 1000000 + 100)::bigint AS amount) d
         CROSS JOIN LATERAL (VALUES
           (1, $2::uuid, d.donor, $5::uuid, NULL::uuid, d.amount),
           (2, $3::uuid, d.donor, $5::uuid, NULL::uuid, -d.amount),
           (3, $4::uuid, NULL::uuid, NULL::uuid, md5('bank')::uuid, d.amount),
           (4, $2::uuid, d.donor, $5::uuid, NULL::uuid, -d.amount)
         ) AS v (line_no, account_id, donor_id, earmark_id, bank_account_id, amount)
        WHERE e.fund_id = $1 AND e.fiscal_year = 2026 AND e.sequence BETWEEN $6 AND $7`,
      [fund, recv, rev, cash, earmark, from, to],
    );
    await sql.query('COMMIT');
    process.stdout.write(`\rloaded ${(to * 4).toLocaleString('en')} lines`);
  }
  await sql.query(
    `INSERT INTO journal_sequence (fund_id, fiscal_year, last_number) VALUES ($1, 2026, $2)`,
    [fund, ENTRIES],
  );
  process.stdout.write(` in ${((Date.now() - started) / 1000).toFixed(0)} s\n`);
  await sql.query('VACUUM ANALYZE journal_line');
  await sql.query('VACUUM ANALYZE journal_entry');
  await sql.end();
}

async function main(): Promise<void> {
  const server = process.env.DATABASE_URL;
  if (!server) {
    console.error(
      'Set DATABASE_URL to a PostgreSQL server: the benchmark creates and drops a scratch database there.',
    );
    process.exit(2);
  }
  const database = `tf_bench_${process.pid}`;
  await admin(server, `CREATE DATABASE ${database}`);
  const url = withDatabase(server, database);
  try {
    const config = loadConfig({
      DATABASE_URL: url,
      DATA_DIR: mkdtempSync(join(tmpdir(), 'tf-bench-')),
      LOG_LEVEL: 'warn',
    });
    // The application's own start-up migrates the scratch database.
    const app = await NestFactory.createApplicationContext(AppModule.forRoot(config), {
      logger: false,
    });
    await load(url);
    const balances = app.get(BalancesService);
    const donor = (i: number): string => {
      const hex = createHash('md5')
        .update(`donor-${(i * 37) % DONORS}`)
        .digest('hex');
      return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
    };
    await balances.accountBalance('WSIS-TF', '1100', { donorId: donor(0), asOf: '2026-12-31' });
    console.log(
      `donor receivable balance: ${await time(300, (i) =>
        balances.accountBalance('WSIS-TF', '1100', {
          donorId: donor(i),
          asOf: `2026-${String(1 + (i % 12)).padStart(2, '0')}-28`,
        }),
      )}`,
    );
    console.log(
      `trial balance:            ${await time(20, (i) =>
        balances.trialBalance('WSIS-TF', `2026-${String(1 + (i % 12)).padStart(2, '0')}-28`),
      )}`,
    );
    const check = await balances.trialBalance('WSIS-TF', '2026-12-31');
    console.log(
      `trial balance balanced: ${check.balanced}, total debit ${check.totalDebit.amount} CHF`,
    );
    await app.close();
  } finally {
    await admin(server, `DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
  }
}

void main();
