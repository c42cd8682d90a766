import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NestExpressApplication } from '@nestjs/platform-express';
import { parse } from 'csv-parse/sync';
import { Client } from 'pg';
import request from 'supertest';
import { ExportsService } from '../../src/exports/exports.service';
import { authedHttp, createTestApp } from '../support/test-app';
import { connect, createTestDatabase, TestDatabase } from '../support/test-database';
import { Body, buildExportsLedger, ExportsLedger } from './exports-fixtures';

const HLEDGER = '/api/v1/exports/hledger';

/** A decimal string ("-1,234.50", "CHF 12.00", "0") as hundredths. */
function cents(text: string): bigint {
  const plain = text
    .replace(/^CHF\s*/, '')
    .replace(/,/g, '')
    .trim();
  const negative = plain.startsWith('-');
  const [whole, fraction = ''] = plain.replace('-', '').split('.');
  const value = BigInt(whole) * 100n + BigInt(fraction.padEnd(2, '0'));
  return negative ? -value : value;
}

describe('hledger export', () => {
  let db: TestDatabase;
  let app: NestExpressApplication;
  let sql: Client;
  let ledger: ExportsLedger;
  let dir: string;

  const as = (name: string) => authedHttp(app, ledger.auth[name]);

  async function journal(query: string, user = 'auditor'): Promise<string> {
    const res = await as(user)
      .get(`${HLEDGER}${query}`)
      .buffer(true)
      .parse((response, done) => {
        let text = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => (text += chunk));
        response.on('end', () => done(null, text));
      });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain/);
    return res.body as string;
  }

  /** hledger's balance per depth-2 account (the chart's), in hundredths of CHF; exits 0. */
  function hledgerBalances(text: string, name: string): Map<string, bigint> {
    const file = join(dir, name);
    writeFileSync(file, text);
    const run = spawnSync('hledger', ['-f', file, 'balance', '--depth', '2', '-E', '-O', 'csv'], {
      encoding: 'utf8',
    });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    const rows = parse<{ account: string; balance: string }>(run.stdout, { columns: true });
    const balances = new Map<string, bigint>();
    for (const row of rows) {
      if (row.account === 'total') continue;
      const code = /^[a-z]+:(\d{4}) /.exec(row.account)?.[1];
      expect(code).toBeDefined();
      balances.set(code!, cents(row.balance));
    }
    return balances;
  }

  /** The trial balance per account code, debit positive, in hundredths of CHF. */
  async function trialBalance(asOf: string): Promise<Map<string, bigint>> {
    const res = await as('auditor').get(`/api/v1/funds/WSIS-TF/trial-balance?asOf=${asOf}`);
    expect(res.status).toBe(200);
    expect(res.body.balanced).toBe(true);
    const balances = new Map<string, bigint>();
    for (const account of res.body.accounts as Body[]) {
      const net = cents(account.debit.amount as string) - cents(account.credit.amount as string);
      if (net !== 0n) balances.set(account.code as string, net);
    }
    return balances;
  }

  const nonZero = (balances: Map<string, bigint>) =>
    new Map([...balances].filter(([, value]) => value !== 0n));

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'tf-hledger-'));
    db = await createTestDatabase();
    app = await createTestApp(db, { env: { API_RATE_LIMIT_PER_MINUTE: '100000' } });
    sql = await connect(db.url);
    ledger = await buildExportsLedger(app, sql);
  });

  afterAll(async () => {
    rmSync(dir, { recursive: true, force: true });
    await sql.end();
    await app.close();
    await db.drop();
  });

  it('is accepted by hledger, and its balances equal the trial balance to the cent, account by account', async () => {
    for (const asOf of [ledger.today, '2026-06-30', '2026-10-10']) {
      const text = await journal(`?fund=WSIS-TF&asOf=${asOf}`);
      const fromHledger = nonZero(hledgerBalances(text, `ledger-${asOf}.journal`));
      const fromLedger = await trialBalance(asOf);
      expect(fromLedger.size).toBeGreaterThan(3);
      expect(Object.fromEntries(fromHledger)).toEqual(Object.fromEntries(fromLedger));
    }
  });

  it('has one transaction per journal entry, numbered and dated as posted, up to the date', async () => {
    const text = await journal(`?fund=WSIS-TF&asOf=${ledger.today}`);
    const { rows } = await sql.query<{ number: string; entry_date: string; lines: string }>(
      `SELECT e.number, e.entry_date::text AS entry_date, e.line_count::text AS lines
         FROM journal_entry e JOIN fund f ON f.id = e.fund_id
        WHERE f.code = 'WSIS-TF' AND e.entry_date <= $1 ORDER BY e.entry_date, e.sequence`,
      [ledger.today],
    );
    const headers = text.split('\n').filter((line) => /^\d{4}-\d{2}-\d{2} /.test(line));
    expect(headers.map((line) => line.slice(0, 10))).toEqual(rows.map((r) => r.entry_date));
    expect(headers.map((line) => /\(([^)]+)\)/.exec(line)?.[1])).toEqual(rows.map((r) => r.number));
    const postings = text.split('\n').filter((line) => line.startsWith('    '));
    expect(postings).toHaveLength(rows.reduce((n, r) => n + Number(r.lines), 0));

    const june = await journal('?fund=WSIS-TF&asOf=2026-06-30');
    expect(june).not.toContain('2026-07-15');
    expect(june.split('\n').some((line) => line.startsWith('2026-04-10'))).toBe(true);
  });

  it('names accounts by kind, code and name with the dimensions below, and keeps the transaction currency', async () => {
    const text = await journal(`?fund=WSIS-TF&asOf=${ledger.today}`);
    const german = ledger.donors.Germany;
    // The EUR receipt: cash in the EUR account at CHF 376.47 (EUR 400 at 0.85/0.80 … rounded).
    const cash = text
      .split('\n')
      .find((line) => line.includes('assets:1000 Cash at bank:bank-DB-EUR'));
    expect(cash).toMatch(/ {2}CHF \d+\.\d{2} {2}; tx:EUR 400\.00$/);
    expect(text).toContain(
      `assets:1100 Contributions receivable:donor-${german}:earmark-PARTICIPATION-GRANTS  CHF -355.56  ; tx:EUR -400.00`,
    );
    expect(text).toContain('expenses:5100 Bank charges:bank-UBS-CHF  CHF 5.00  ; tx:CHF 5.00');
    expect(text).toMatch(/revenue:4100 FX gains \(realised\):donor-[0-9a-f-]+ {2}CHF -\d+\.\d{2}/);
    // No ';' from a name inside a description: it would cut it into a comment.
    for (const line of text.split('\n').filter((l) => /^\d{4}-/.test(l))) {
      expect(line).not.toContain(';');
    }
  });

  it('gives the same journal however many entries it reads at a time', async () => {
    const whole = await journal(`?fund=WSIS-TF&asOf=${ledger.today}`);
    const service = app.get(ExportsService);
    const pageEntries = service.pageEntries;
    service.pageEntries = 2;
    try {
      expect(await journal(`?fund=WSIS-TF&asOf=${ledger.today}`)).toBe(whole);
    } finally {
      service.pageEntries = pageEntries;
    }
    // And hledger agrees with itself on the printed form (a round trip through `print`).
    const file = join(dir, 'whole.journal');
    writeFileSync(file, whole);
    expect(execFileSync('hledger', ['-f', file, 'print'], { encoding: 'utf8' })).toContain(
      'assets:1000 Cash at bank:bank-UBS-CHF',
    );
  });

  it('is a download named after the fund and date; an unknown fund is 404 and a bad date 422', async () => {
    const res = await as('management').get(`${HLEDGER}?fund=WSIS-TF&asOf=2026-06-30`);
    expect(res.status).toBe(200);
    expect(res.headers['content-disposition']).toContain('ledger-WSIS-TF-2026-06-30.journal');
    const unknown = await as('auditor').get(`${HLEDGER}?fund=NO-SUCH&asOf=2026-06-30`);
    expect(unknown.status).toBe(404);
    const bad = await as('auditor').get(`${HLEDGER}?asOf=2026-02-30`);
    expect(bad.status).toBe(422);
    expect(JSON.stringify(bad.body)).toContain('asOf');
  });

  it('is refused to a donor user and to anyone not signed in', async () => {
    expect((await as('donor').get(`${HLEDGER}?fund=WSIS-TF`)).status).toBe(403);
    expect((await request(app.getHttpServer()).get(`${HLEDGER}?fund=WSIS-TF`)).status).toBe(401);
  });
});
