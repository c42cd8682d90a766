/**
 * Management reports at scale (run by hand, not in CI):
 *   DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres npm run bench:reports
 * Creates a scratch database on that server and starts the real application on it (HTTP, a free
 * port). Loads 10,000 donors and 1,000,000 journal lines over five years (balanced entries
 * through the real tables and their triggers: contributions agreed and paid, grants paid out),
 * then, through the API, agreed pledges with instalments in CHF and EUR, receipts and
 * participation grants; closes every month before the current one, as a finance office does
 * (so that month balances exist),
 * and times every report route of bench/reports/report-routes.ts over HTTP: p50 and max of
 * BENCH_RUNS (10) runs after one warm-up. A route answering 404 is "not available". Drops the
 * database at the end (BENCH_KEEP_DB=1 keeps it, to look at query plans).
 */
import { NestExpressApplication } from '@nestjs/platform-express';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { createApp } from '../src/app.factory';
import { IdentityService } from '../src/auth/identity.service';
import { toActor } from '../src/auth/identity.service';
import { Actor } from '../src/common/actor';
import { loadConfig } from '../src/config/app-config';
import { TransactionRunner } from '../src/database/transaction-runner';
import { REPORT_ROUTES } from './reports/report-routes';

const LINES = Number(process.env.BENCH_LINES ?? 1_000_000);
const ENTRIES = Math.floor(LINES / 4);
const DONORS = 10_000;
const BATCH = 25_000;
const RUNS = Number(process.env.BENCH_RUNS ?? 10);
const API_PLEDGES = Number(process.env.BENCH_PLEDGES ?? 2000);
const FIRST_DAY = '2022-01-01';
const TODAY = new Date().toISOString().slice(0, 10);
const COUNTRIES = ['CH', 'DE', 'FR', 'JP', 'US', 'SN', 'NP', 'BR', 'EG', 'IN', 'KE', 'PE'];

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

/** Donors and the bulk of the ledger, set-based. */
async function loadLedger(sql: Client): Promise<void> {
  await sql.query(
    `INSERT INTO donor (name, normalized_name, type, country, created_by)
     SELECT 'Donor ' || s, 'donor ' || s,
            (ARRAY['member_state','sector_member','associate','academia','intergovernmental',
                   'private_sector','foundation','other'])[1 + s % 8],
            (ARRAY[${COUNTRIES.map((c) => `'${c}'`).join(',')}])[1 + s % ${COUNTRIES.length}],
            'bench'
       FROM generate_series(1, ${DONORS}) AS s`,
  );
  const [ids] = (
    await sql.query<Record<string, string>>(
      `SELECT f.id AS fund,
              (SELECT id FROM account WHERE fund_id = f.id AND code = '1100') AS recv,
              (SELECT id FROM account WHERE fund_id = f.id AND code = '4000') AS rev,
              (SELECT id FROM account WHERE fund_id = f.id AND code = '1000') AS cash,
              (SELECT id FROM account WHERE fund_id = f.id AND code = '5000') AS expense,
              (SELECT id FROM bank_account WHERE fund_id = f.id AND code = 'UBS-CHF') AS bank
         FROM fund f WHERE f.code = 'WSIS-TF'`,
    )
  ).rows;
  await sql.query(
    `CREATE TEMP TABLE bench_donor AS SELECT (row_number() OVER (ORDER BY id) - 1)::int AS n, id FROM donor`,
  );
  await sql.query(`CREATE UNIQUE INDEX ON bench_donor (n)`);
  await sql.query(
    `CREATE TEMP TABLE bench_earmark AS
       SELECT (row_number() OVER (ORDER BY e.code) - 1)::int AS n, e.id
         FROM earmark e JOIN fund f ON f.id = e.fund_id WHERE f.code = 'WSIS-TF'`,
  );
  const days = `('${TODAY}'::date - '${FIRST_DAY}'::date)`;
  const started = Date.now();
  for (let from = 1; from <= ENTRIES; from += BATCH) {
    const to = Math.min(ENTRIES, from + BATCH - 1);
    await sql.query('BEGIN');
    // Entry s on day (s mod the days since FIRST_DAY): numbered apart from the application's
    // (BENCH-…), its sequence continuing the year's.
    await sql.query(
      `INSERT INTO journal_entry (fund_id, number, fiscal_year, sequence, entry_date, description,
         source_type, idempotency_key, line_count, created_by)
       SELECT $1, 'BENCH-' || s, extract(year FROM d)::int,
              coalesce((SELECT max(sequence) FROM journal_entry x
                         WHERE x.fund_id = $1 AND x.fiscal_year = extract(year FROM d)::int), 0)
                + row_number() OVER (PARTITION BY extract(year FROM d) ORDER BY s),
              d, 'bench', 'bench', 'bench-' || s, 4, 'bench'
         FROM (SELECT s, '${FIRST_DAY}'::date + (s * 7919 % ${days}) AS d
                 FROM generate_series($2::int, $3::int) AS s) g`,
      [ids.fund, from, to],
    );
    // Nine in ten: a contribution agreed and paid (1100/4000, 1000/1100) on one of the three
    // earmarks; one in ten: a contribution agreed and a grant cost paid (5000/1000) on
    // WSIS20-REVIEW (so that the participation grants' money stays for the API's grants).
    await sql.query(
      `INSERT INTO journal_line (entry_id, line_no, fund_id, entry_date, account_id, donor_id,
         earmark_id, bank_account_id, currency, amount_minor, functional_minor)
       SELECT e.id, v.line_no, e.fund_id, e.entry_date, v.account_id, v.donor_id, v.earmark_id,
              v.bank_account_id, 'CHF', v.amount, v.amount
         FROM journal_entry e
         CROSS JOIN LATERAL (SELECT substr(e.number, 7)::int AS s) n
         CROSS JOIN LATERAL (
           SELECT (SELECT id FROM bench_donor WHERE n = n.s % ${DONORS}) AS donor,
                  (SELECT id FROM bench_earmark WHERE n = n.s % 3) AS earmark,
                  (SELECT id FROM bench_earmark WHERE n = 2) AS review,
                  (n.s * 7919 % 1000000 + 100)::bigint AS amount, n.s % 10 = 0 AS grant_cost) d
         CROSS JOIN LATERAL (VALUES
           (1, $2::uuid, d.donor, d.earmark, NULL::uuid, d.amount),
           (2, $3::uuid, d.donor, d.earmark, NULL::uuid, -d.amount),
           (3, CASE WHEN d.grant_cost THEN $6::uuid ELSE $4::uuid END,
               CASE WHEN d.grant_cost THEN NULL ELSE NULL::uuid END,
               CASE WHEN d.grant_cost THEN d.review END,
               CASE WHEN d.grant_cost THEN NULL ELSE $5::uuid END, d.amount / 10),
           (4, CASE WHEN d.grant_cost THEN $4::uuid ELSE $2::uuid END,
               CASE WHEN d.grant_cost THEN NULL ELSE d.donor END,
               CASE WHEN d.grant_cost THEN NULL ELSE d.earmark END,
               CASE WHEN d.grant_cost THEN $5::uuid ELSE NULL END, -(d.amount / 10))
         ) AS v (line_no, account_id, donor_id, earmark_id, bank_account_id, amount)
        WHERE e.fund_id = $1 AND e.source_type = 'bench'
          AND substr(e.number, 7)::int BETWEEN $7 AND $8`,
      [ids.fund, ids.recv, ids.rev, ids.cash, ids.bank, ids.expense, from, to],
    );
    await sql.query('COMMIT');
    process.stdout.write(`\rloaded ${(to * 4).toLocaleString('en')} journal lines`);
  }
  await sql.query(
    `INSERT INTO journal_sequence (fund_id, fiscal_year, last_number)
     SELECT fund_id, fiscal_year, max(sequence) FROM journal_entry GROUP BY fund_id, fiscal_year
     ON CONFLICT (fund_id, fiscal_year) DO UPDATE SET last_number = EXCLUDED.last_number`,
  );
  process.stdout.write(` in ${((Date.now() - started) / 1000).toFixed(0)} s\n`);
}

type Http = (method: 'GET' | 'POST', path: string, body?: unknown) => Promise<Response>;

async function expectOk(response: Response, what: string): Promise<Record<string, unknown>> {
  if (response.status >= 300)
    throw new Error(`${what}: ${response.status} ${await response.text()}`);
  return (await response.json()) as Record<string, unknown>;
}

/** Pledges, receipts and grants through the API, so that every report has its own data. */
async function loadThroughApi(sql: Client, http: Http, approve: Http): Promise<void> {
  for (const [currency, effectiveFrom, unitsPerUsd] of [
    ['CHF', '2021-01-01', '0.92'],
    ['EUR', '2021-01-01', '0.88'],
    ['EUR', '2024-01-01', '0.93'],
    ['CHF', '2025-01-01', '0.80'],
  ]) {
    await expectOk(
      await http('POST', '/api/v1/exchange-rates', { currency, effectiveFrom, unitsPerUsd }),
      'rate',
    );
  }
  await expectOk(
    await http('POST', '/api/v1/bank-accounts', {
      code: 'DB-EUR',
      name: 'EUR account',
      bankName: 'Bench bank',
      accountNumber: 'DE89 3704 0044 0532 0130 00',
      currency: 'EUR',
    }),
    'bank account',
  );
  const donors = (
    await sql.query<{ id: string }>(`SELECT id FROM donor ORDER BY name LIMIT ${API_PLEDGES}`)
  ).rows;
  const started = Date.now();
  for (const [i, donor] of donors.entries()) {
    const year = 2022 + (i % 5);
    const eur = i % 3 === 0;
    const month = String(1 + (i % 9)).padStart(2, '0');
    const pledge = await expectOk(
      await http('POST', '/api/v1/pledges', {
        fund: 'WSIS-TF',
        donorId: donor.id,
        earmark: ['UNEARMARKED', 'PARTICIPATION-GRANTS', 'WSIS20-REVIEW'][i % 3],
        currency: eur ? 'EUR' : 'CHF',
        amount: '20000.00',
        announcedOn: `${year}-${month}-01`,
        instalments: [
          { dueDate: `${year}-12-31`, amount: '10000.00' },
          { dueDate: `${year + 1}-06-30`, amount: '10000.00' },
        ],
      }),
      'pledge',
    );
    if (i % 10 === 9) continue; // announced only
    await expectOk(
      await http('POST', `/api/v1/pledges/${pledge.id as string}/agreement`, {
        agreedOn: `${year}-${month}-15`,
        documentRef: `AGR-${i}`,
      }),
      'agreement',
    );
    if (i % 2 === 0) {
      await expectOk(
        await http('POST', '/api/v1/receipts', {
          bankAccount: eur ? 'DB-EUR' : 'UBS-CHF',
          valueDate: `${year}-${month}-25`,
          currency: eur ? 'EUR' : 'CHF',
          grossAmount: '10000.00',
          bankCharges: '12.50',
          donorId: donor.id,
          allocations: [{ pledgeId: pledge.id, amount: '10000.00' }],
        }),
        'receipt',
      );
    }
  }
  // Participation grants (one per country: the per-country rule), approved today; half paid out.
  const event = (
    await sql.query<{ id: string }>(
      `INSERT INTO grant_event (fund_id, earmark_id, code, name, place, starts_on, ends_on,
         budget_minor, eligibility_rule, offers_full, offers_partial_ticket,
         offers_partial_allowance, offers_remote, remote_amount_minor, created_by)
       SELECT f.id, e.id, 'BENCH-FORUM', 'Bench forum', 'Geneva', $1::date + 30, $1::date + 34,
              100000000, 'ldc-and-developing', true, true, true, true, 50000, 'bench'
         FROM fund f JOIN earmark e ON e.fund_id = f.id AND e.code = 'PARTICIPATION-GRANTS'
        WHERE f.code = 'WSIS-TF' RETURNING grant_event.id`,
      [TODAY],
    )
  ).rows[0].id;
  const grantCountries = ['SN', 'NP', 'PE', 'KE', 'EG', 'BD', 'ET', 'HT', 'MZ', 'UG'];
  for (let i = 0; i < grantCountries.length; i++) {
    const participant = (
      await sql.query<{ id: string }>(
        `INSERT INTO participant (name, normalized_name, gender, country, organisation,
           stakeholder_group, created_by)
         VALUES ($1, lower($1), $2, $3, 'Organisation', 'government', 'bench') RETURNING id`,
        [`Participant ${i}`, i % 2 === 0 ? 'female' : 'male', grantCountries[i]],
      )
    ).rows[0].id;
    const grant = await expectOk(
      await http('POST', '/api/v1/grants', {
        eventId: event,
        participantId: participant,
        kind: 'full',
        ticket: '700.00',
        allowance: '300.00',
        decisionDate: TODAY,
      }),
      'grant',
    );
    const asked = await expectOk(
      await http('POST', `/api/v1/grants/${grant.id as string}/approval`, {}),
      'grant approval',
    );
    await expectOk(
      await approve('POST', `/api/v1/approvals/${asked.id as string}/approve`, {}),
      'approve',
    );
    if (i % 2 === 0) {
      await expectOk(
        await http('POST', `/api/v1/grants/${grant.id as string}/disbursement`, {
          date: TODAY,
          bankAccount: 'UBS-CHF',
        }),
        'disbursement',
      );
    }
  }
  console.log(
    `${API_PLEDGES} pledges, receipts and 10 grants through the API in ${((Date.now() - started) / 1000).toFixed(0)} s`,
  );
}

async function userToken(
  app: NestExpressApplication,
  username: string,
  roles: string[],
): Promise<string> {
  const identity = app.get(IdentityService);
  const system: Actor = { id: 'system:bench', roles: ['admin'], donorIds: [] };
  return app.get(TransactionRunner).run(async (manager) => {
    const user = await identity.createUser(manager, system, {
      username,
      displayName: username,
      roles: roles as Actor['roles'],
      donorIds: [],
    });
    return (await identity.createToken(manager, toActor(user), 'bench', 1)).token;
  });
}

function client(base: string, token: string): Http {
  return (method, path, body) =>
    fetch(`${base}${path}`, {
      method,
      headers: {
        Authorization: `Bearer ${token}`,
        ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
}

async function timeRoutes(
  auditor: Http,
  routes: typeof REPORT_ROUTES,
  fill: (path: string) => string,
): Promise<void> {
  const rows: string[][] = [];
  for (const route of routes) {
    const path = fill(route.path);
    const first = await auditor('GET', path);
    await first.arrayBuffer();
    if (first.status === 404) {
      rows.push([route.name, 'not available', '', `${route.targetMs ?? '-'}`, '']);
      continue;
    }
    if (first.status !== 200) {
      rows.push([route.name, `HTTP ${first.status}`, '', `${route.targetMs ?? '-'}`, 'not met']);
      continue;
    }
    const samples: number[] = [];
    for (let i = 0; i < (route.runs ?? RUNS); i++) {
      const started = process.hrtime.bigint();
      const res = await auditor('GET', path);
      await res.arrayBuffer();
      samples.push(Number(process.hrtime.bigint() - started) / 1e6);
    }
    samples.sort((a, b) => a - b);
    const p50 = samples[Math.floor(samples.length / 2)];
    const max = samples[samples.length - 1];
    rows.push([
      route.name,
      p50.toFixed(1),
      max.toFixed(1),
      `${route.targetMs ?? '-'}`,
      route.targetMs === null ? 'figure' : p50 < route.targetMs ? 'met' : 'not met',
    ]);
  }
  const header = ['route', 'p50 ms', 'max ms', 'target ms', 'met'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const print = (r: string[]) =>
    console.log(
      r.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  '),
    );
  print(header);
  for (const r of rows) print(r);
}

async function main(): Promise<void> {
  const server = process.env.DATABASE_URL;
  if (!server) {
    console.error(
      'Set DATABASE_URL to a PostgreSQL server: the benchmark creates and drops a scratch database there.',
    );
    process.exit(2);
  }
  const database = `tf_bench_reports_${process.pid}`;
  await admin(server, `CREATE DATABASE ${database}`);
  const url = withDatabase(server, database);
  let app: NestExpressApplication | undefined;
  try {
    const config = loadConfig({
      DATABASE_URL: url,
      DATA_DIR: mkdtempSync(join(tmpdir(), 'tf-bench-')),
      LOG_LEVEL: 'warn',
      PORT: '0',
      API_RATE_LIMIT_PER_MINUTE: '100000',
      JOBS_ENABLED: 'false',
    });
    app = await createApp(config);
    await app.listen(0, '127.0.0.1');
    const address = app.getHttpServer().address() as { port: number };
    const base = `http://127.0.0.1:${address.port}`;
    const officer = client(base, await userToken(app, 'bench.officer', ['finance_officer']));
    const approver = client(base, await userToken(app, 'bench.approver', ['approver']));
    const auditor = client(base, await userToken(app, 'bench.auditor', ['auditor', 'management']));

    const sql = new Client({ connectionString: url });
    sql.on('error', () => undefined); // the scratch database is dropped under it on failure
    await sql.connect();
    await expectOk(
      await officer('POST', '/api/v1/bank-accounts', {
        code: 'UBS-CHF',
        name: 'CHF account',
        bankName: 'Bench bank',
        accountNumber: 'CH93 0076 2011 6238 5295 7',
        currency: 'CHF',
      }),
      'bank account',
    );
    await loadLedger(sql);
    await loadThroughApi(sql, officer, approver);
    const thisYear = Number(TODAY.slice(0, 4));
    const thisMonth = TODAY.slice(0, 7);
    const closing = Date.now();
    // As a finance office does at each month end: every month before this one is closed.
    let closed = 0;
    for (let year = 2022; year <= thisYear; year++) {
      for (let month = 1; month <= 12; month++) {
        const period = `${year}-${String(month).padStart(2, '0')}`;
        if (period >= thisMonth) break;
        await expectOk(
          await officer('POST', `/api/v1/funds/WSIS-TF/periods/${period}/close`, {}),
          `close ${period}`,
        );
        closed++;
      }
    }
    console.log(
      `closed the ${closed} months before ${thisMonth} in ${((Date.now() - closing) / 1000).toFixed(0)} s`,
    );
    await sql.query('VACUUM ANALYZE');
    const counts = (
      await sql.query<{ lines: string; donors: string; balances: string }>(
        `SELECT (SELECT count(*) FROM journal_line)::text AS lines, (SELECT count(*) FROM donor)::text AS donors,
                (SELECT count(*) FROM ledger_month_balance)::text AS balances`,
      )
    ).rows[0];
    console.log(
      `${counts.lines} journal lines, ${counts.donors} donors, ${counts.balances} month balances`,
    );
    await sql.end();

    const fill = (path: string) =>
      path
        .replace('{asOf}', TODAY)
        .replace('{from}', `${thisYear - 1}-01-01`)
        .replace('{to}', `${thisYear - 1}-12-31`)
        .replace('{year}', String(thisYear - 1));
    await timeRoutes(auditor, REPORT_ROUTES, fill);
  } finally {
    await app?.close();
    if (process.env.BENCH_KEEP_DB === '1') console.log(`kept database ${database}`);
    else await admin(server, `DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
  }
}

void main();
