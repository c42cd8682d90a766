import { createHash, randomUUID } from 'node:crypto';
import { NestExpressApplication } from '@nestjs/platform-express';
import { parse } from 'csv-parse/sync';
import { Client } from 'pg';
import request from 'supertest';
import { IdentityService } from '../../src/auth/identity.service';
import { Role } from '../../src/auth/roles';
import { requestAndApprove } from '../support/approvals';
import { createPasswordUser } from '../support/browser';
import { addBankAccount } from '../support/ledger-fixtures';
import { createTestApp, TestUsers } from '../support/test-app';
import { connect, createTestDatabase, TestDatabase } from '../support/test-database';

type Auth = { Authorization: string };
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- API answers, read field by field
type Body = Record<string, any>;

const REPORT = '/api/v1/bank-reconciliation/report';

/**
 * One CHF account (the fund currency) and one EUR account. April: two receipts, both on the
 * April statement and matched. May: a receipt not yet on the bank, and bank interest that
 * nobody recorded, on the May statement.
 */
describe('bank-to-ledger reconciliation', () => {
  let db: TestDatabase;
  let app: NestExpressApplication;
  let sql: Client;
  const auth: Record<string, Auth> = {};
  let chfAccount: string;
  let eurAccount: string;
  let donorId: string;
  const receipts: Record<string, Body> = {};
  const lines: Record<string, string> = {};
  const matches: Record<string, string> = {};

  const as = (user: string) => ({
    get: (url: string) => request(app.getHttpServer()).get(url).set(auth[user]),
    post: (url: string, body: object = {}) =>
      request(app.getHttpServer()).post(url).set(auth[user]).send(body),
  });

  async function report(query: string, user = 'auditor'): Promise<Body> {
    const res = await as(user).get(`${REPORT}?${query}`);
    expect(res.status).toBe(200);
    return res.body;
  }

  async function receipt(
    bankAccount: string,
    currency: string,
    valueDate: string,
    grossAmount: string,
    bankCharges: string | undefined,
    bankReference: string,
  ): Promise<Body> {
    const res = await as('officer').post('/api/v1/receipts', {
      bankAccount,
      valueDate,
      currency,
      grossAmount,
      ...(bankCharges === undefined ? {} : { bankCharges }),
      donorId,
      allocation: 'none',
      remitterName: 'Swiss Confederation',
      remittanceText: 'Contribution 2026',
      bankReference,
    });
    expect(res.status).toBe(201);
    return res.body;
  }

  /** A statement and its lines, as the importer would store them: [bookingDate, minor, text]. */
  async function statement(
    accountId: string,
    statementId: string,
    currency: string,
    openingDate: string,
    openingMinor: bigint,
    closingDate: string,
    entries: Array<[string, bigint, string]>,
  ): Promise<string[]> {
    const closing = entries.reduce((sum, [, minor]) => sum + minor, openingMinor);
    const { rows } = await sql.query<{ id: string }>(
      `INSERT INTO bank_statement (fund_id, bank_account_id, format, file_name, file_sha256,
         statement_id, account_identifier, currency, opening_date, opening_minor, closing_date,
         closing_minor, line_count, imported_by)
       SELECT fund_id, id, 'camt.053', $2, $3, $4, account_number, $5, $6, $7, $8, $9, $10, 'test'
         FROM bank_account WHERE id = $1
       RETURNING id`,
      [
        accountId,
        `${statementId}.xml`,
        createHash('sha256').update(statementId).digest('hex'),
        statementId,
        currency,
        openingDate,
        openingMinor.toString(),
        closingDate,
        closing.toString(),
        entries.length,
      ],
    );
    const ids: string[] = [];
    for (const [index, [bookingDate, minor, text]] of entries.entries()) {
      const line = await sql.query<{ id: string }>(
        `INSERT INTO bank_statement_line (statement_id, bank_account_id, line_no, booking_date,
           value_date, amount_minor, currency, counterparty_name, remittance_text)
         VALUES ($1, $2, $3, $4, $4, $5, $6, $7, $8) RETURNING id`,
        [rows[0].id, accountId, index + 1, bookingDate, minor.toString(), currency, text, text],
      );
      ids.push(line.rows[0].id);
    }
    return ids;
  }

  async function match(lineId: string, receiptId: string): Promise<string> {
    const { rows } = await sql.query<{ id: string }>(
      `INSERT INTO bank_line_match (line_id, receipt_id, amount_minor, kind, actor)
       SELECT $1, $2, amount_minor, 'confirmed', 'officer' FROM bank_statement_line WHERE id = $1
       RETURNING id`,
      [lineId, receiptId],
    );
    return rows[0].id;
  }

  /** The reconciliation's equation, in minor units. */
  function expectEquation(body: Body): void {
    const minor = (value: { amount: string }): bigint => BigInt(value.amount.replace('.', ''));
    expect(
      minor(body.ledgerBalance) +
        minor(body.onBankNotInLedger.total) -
        minor(body.inLedgerNotOnBank.total),
    ).toBe(minor(body.explainedBalance));
    expect(minor(body.statementBalance) - minor(body.explainedBalance)).toBe(
      minor(body.difference),
    );
  }

  beforeAll(async () => {
    db = await createTestDatabase();
    chfAccount = await addBankAccount(db.url, {
      code: 'CHF-MAIN',
      currency: 'CHF',
      id: randomUUID(),
    });
    eurAccount = await addBankAccount(db.url, {
      code: 'EUR-MAIN',
      currency: 'EUR',
      id: randomUUID(),
    });
    app = await createTestApp(db, { env: { API_RATE_LIMIT_PER_MINUTE: '100000' } });
    sql = await connect(db.url);
    const users = new TestUsers(app);
    const roles: Record<string, Role[]> = {
      officer: ['finance_officer'],
      approver: ['approver'],
      auditor: ['auditor'],
    };
    for (const [name, held] of Object.entries(roles)) auth[name] = await users.auth(name, held);
    for (const [currency, unitsPerUsd] of [
      ['CHF', '0.90'],
      ['EUR', '0.80'],
    ]) {
      const res = await as('officer').post('/api/v1/exchange-rates', {
        currency,
        effectiveFrom: '2025-01-01',
        unitsPerUsd,
      });
      expect(res.status).toBe(201);
    }
    const donor = await sql.query<{ id: string }>(
      `INSERT INTO donor (name, normalized_name, type, created_by)
       VALUES ('Switzerland', 'switzerland', 'member_state', 'test') RETURNING id`,
    );
    donorId = donor.rows[0].id;

    receipts.april1 = await receipt('CHF-MAIN', 'CHF', '2026-04-02', '1,000.00', '10.00', 'B-1');
    receipts.april2 = await receipt('CHF-MAIN', 'CHF', '2026-04-10', '500.00', undefined, 'B-2');
    [lines.april1, lines.april2] = await statement(
      chfAccount,
      'CHF-2026-04',
      'CHF',
      '2026-04-01',
      0n,
      '2026-04-30',
      [
        ['2026-04-03', 99000n, 'SWISS CONFEDERATION'],
        ['2026-04-11', 50000n, 'SWISS CONFED.'],
      ],
    );
    matches.april1 = await match(lines.april1, receipts.april1.id);
    matches.april2 = await match(lines.april2, receipts.april2.id);
  });

  afterAll(async () => {
    await sql?.end();
    await app?.close();
    await db?.drop();
  });

  it('has no difference and no items when every receipt is matched to its bank line', async () => {
    const body = await report('bankAccount=CHF-MAIN&asOf=2026-04-30');
    expect(body.bankAccount).toMatchObject({ code: 'CHF-MAIN', currency: 'CHF' });
    expect(body.basis).toBe('functional');
    expect(body.statement).toMatchObject({
      statementId: 'CHF-2026-04',
      closingDate: '2026-04-30',
      closingBalance: { currency: 'CHF', amount: '1490.00' },
    });
    expect(body.statementBalance).toEqual({ currency: 'CHF', amount: '1490.00' });
    // Cash is booked net of the bank charges: 990.00 + 500.00.
    expect(body.ledgerBalance).toEqual({ currency: 'CHF', amount: '1490.00' });
    expect(body.inLedgerNotOnBank).toEqual({
      receipts: [],
      movements: [],
      total: { currency: 'CHF', amount: '0.00' },
    });
    expect(body.onBankNotInLedger).toEqual({
      lines: [],
      total: { currency: 'CHF', amount: '0.00' },
    });
    expect(body.difference).toEqual({ currency: 'CHF', amount: '0.00' });
    expect(body.reconciled).toBe(true);
    expectEquation(body);
  });

  it('before any statement closes, every receipt is in the ledger and not yet on the bank', async () => {
    const body = await report('bankAccount=CHF-MAIN&asOf=2026-04-05');
    expect(body.statement).toBeNull();
    expect(body.statementBalance.amount).toBe('0.00');
    expect(body.ledgerBalance.amount).toBe('990.00');
    expect(body.inLedgerNotOnBank.receipts).toEqual([
      expect.objectContaining({
        receiptId: receipts.april1.id,
        number: receipts.april1.number,
        valueDate: '2026-04-02',
        gross: { currency: 'CHF', amount: '1000.00' },
        charges: { currency: 'CHF', amount: '10.00' },
        net: { currency: 'CHF', amount: '990.00' },
      }),
    ]);
    expect(body.difference.amount).toBe('0.00');
    expectEquation(body);
  });

  it('lists a receipt not on the bank and bank interest not recorded, and still explains the balance', async () => {
    receipts.may = await receipt('CHF-MAIN', 'CHF', '2026-05-20', '300.00', '5.00', 'B-3');
    [lines.interest] = await statement(
      chfAccount,
      'CHF-2026-05',
      'CHF',
      '2026-05-01',
      149000n,
      '2026-05-31',
      [['2026-05-31', 1234n, 'Interest May']],
    );
    const body = await report('bankAccount=CHF-MAIN&asOf=2026-05-31');
    expect(body.statement.statementId).toBe('CHF-2026-05');
    expect(body.statementBalance.amount).toBe('1502.34');
    expect(body.ledgerBalance.amount).toBe('1785.00');
    expect(body.inLedgerNotOnBank.receipts).toEqual([
      expect.objectContaining({
        number: receipts.may.number,
        net: { currency: 'CHF', amount: '295.00' },
      }),
    ]);
    expect(body.inLedgerNotOnBank.total.amount).toBe('295.00');
    expect(body.onBankNotInLedger.lines).toEqual([
      expect.objectContaining({
        lineId: lines.interest,
        statementId: 'CHF-2026-05',
        lineNo: 1,
        bookingDate: '2026-05-31',
        amount: { currency: 'CHF', amount: '12.34' },
        remittanceText: 'Interest May',
      }),
    ]);
    // 1785.00 + 12.34 − 295.00 = 1502.34, the statement's balance.
    expect(body.explainedBalance.amount).toBe('1502.34');
    expect(body.difference.amount).toBe('0.00');
    expect(body.reconciled).toBe(true);
    expectEquation(body);
  });

  it('leaves out what comes after the as-of date', async () => {
    const body = await report('bankAccount=CHF-MAIN&asOf=2026-05-15');
    // The May statement closes after the date: April's is the one compared.
    expect(body.statement.statementId).toBe('CHF-2026-04');
    expect(body.ledgerBalance.amount).toBe('1490.00');
    expect(body.inLedgerNotOnBank.receipts).toEqual([]);
    expect(body.onBankNotInLedger.lines).toEqual([]);
    expect(body.difference.amount).toBe('0.00');
  });

  it('counts an undone match as no match, and a new match again', async () => {
    const undo = await sql.query<{ id: string }>(
      `INSERT INTO bank_line_match (line_id, amount_minor, kind, undoes_match_id, actor)
       VALUES ($1, 0, 'undo', $2, 'officer') RETURNING id`,
      [lines.april2, matches.april2],
    );
    expect(undo.rows).toHaveLength(1);
    const undone = await report('bankAccount=CHF-MAIN&asOf=2026-04-30');
    expect(undone.inLedgerNotOnBank.receipts.map((r: Body) => r.number)).toEqual([
      receipts.april2.number,
    ]);
    expect(undone.onBankNotInLedger.lines.map((l: Body) => l.lineId)).toEqual([lines.april2]);
    expect(undone.difference.amount).toBe('0.00');
    expectEquation(undone);

    matches.april2 = await match(lines.april2, receipts.april2.id);
    const rematched = await report('bankAccount=CHF-MAIN&asOf=2026-04-30');
    expect(rematched.inLedgerNotOnBank.receipts).toEqual([]);
    expect(rematched.onBankNotInLedger.lines).toEqual([]);
  });

  it('lists other cash movements until a bank line is classified with their entry', async () => {
    const posted = await requestAndApprove(
      app,
      '/api/v1/funds/WSIS-TF/journal-entries',
      {
        date: '2026-05-31',
        description: 'Bank interest May',
        lines: [
          { account: '1000', bankAccountId: chfAccount, currency: 'CHF', debit: '12.34' },
          { account: '4200', bankAccountId: chfAccount, currency: 'CHF', credit: '12.34' },
        ],
      },
      auth.officer,
      auth.approver,
    );
    expect(posted.status).toBe(200);
    const entryId = posted.body.id as string;

    const unmatched = await report('bankAccount=CHF-MAIN&asOf=2026-05-31');
    expect(unmatched.ledgerBalance.amount).toBe('1797.34');
    expect(unmatched.inLedgerNotOnBank.movements).toEqual([
      expect.objectContaining({
        entryId,
        entryDate: '2026-05-31',
        description: 'Bank interest May',
        amount: { currency: 'CHF', amount: '12.34' },
      }),
    ]);
    expect(unmatched.onBankNotInLedger.lines).toHaveLength(1);
    expect(unmatched.difference.amount).toBe('0.00');
    expectEquation(unmatched);

    await sql.query(
      `INSERT INTO bank_line_match (line_id, amount_minor, kind, classification, entry_id, actor)
       VALUES ($1, 1234, 'not-contribution', 'interest', $2, 'officer')`,
      [lines.interest, entryId],
    );
    const classified = await report('bankAccount=CHF-MAIN&asOf=2026-05-31');
    expect(classified.inLedgerNotOnBank.movements).toEqual([]);
    expect(classified.onBankNotInLedger.lines).toEqual([]);
    expect(classified.inLedgerNotOnBank.receipts).toHaveLength(1);
    expect(classified.explainedBalance.amount).toBe('1502.34');
    expect(classified.difference.amount).toBe('0.00');
  });

  it('shows a difference that nothing explains', async () => {
    // A bank line matched to a receipt of another amount: the gap is unexplained.
    await receipt('CHF-MAIN', 'CHF', '2026-06-02', '100.00', undefined, 'B-4');
    const [line] = await statement(
      chfAccount,
      'CHF-2026-06',
      'CHF',
      '2026-06-01',
      150234n,
      '2026-06-30',
      [['2026-06-03', 9500n, 'SWISS CONFEDERATION']],
    );
    const { rows } = await sql.query<{ id: string }>(
      `SELECT id FROM receipt WHERE bank_reference = 'B-4'`,
    );
    await match(line, rows[0].id);
    const body = await report('bankAccount=CHF-MAIN&asOf=2026-06-30');
    expect(body.difference).toEqual({ currency: 'CHF', amount: '-5.00' });
    expect(body.reconciled).toBe(false);
    expectEquation(body);
  });

  it('compares a foreign-currency account in its own currency', async () => {
    const eur = await receipt('EUR-MAIN', 'EUR', '2026-04-02', '800.00', '2.50', 'E-1');
    const [line] = await statement(
      eurAccount,
      'EUR-2026-04',
      'EUR',
      '2026-04-01',
      0n,
      '2026-04-30',
      [['2026-04-03', 79750n, 'SWISS CONFEDERATION']],
    );
    await match(line, eur.id);
    const matched = await report('bankAccount=EUR-MAIN&asOf=2026-04-30');
    expect(matched.basis).toBe('transaction');
    expect(matched.ledgerBalance).toEqual({ currency: 'EUR', amount: '797.50' });
    expect(matched.statementBalance).toEqual({ currency: 'EUR', amount: '797.50' });
    expect(matched.difference).toEqual({ currency: 'EUR', amount: '0.00' });
    const early = await report('bankAccount=EUR-MAIN&asOf=2026-04-02');
    expect(early.inLedgerNotOnBank.receipts[0].net).toEqual({ currency: 'EUR', amount: '797.50' });
    expect(early.difference.amount).toBe('0.00');
  });

  it('answers CSV with the same figures as JSON', async () => {
    const json = await report('bankAccount=CHF-MAIN&asOf=2026-05-31');
    const res = await as('auditor').get(
      `${REPORT}?bankAccount=CHF-MAIN&asOf=2026-05-31&format=csv`,
    );
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/csv/);
    expect(res.headers['content-disposition']).toContain(
      'bank-reconciliation-CHF-MAIN-2026-05-31.csv',
    );
    const rows = parse<Record<string, string>>(res.text, { columns: true });
    const amount = (type: string): string[] =>
      rows.filter((row) => row.row_type === type).map((row) => row.amount);
    expect(amount('statement-balance')).toEqual([json.statementBalance.amount]);
    expect(amount('ledger-balance')).toEqual([json.ledgerBalance.amount]);
    expect(amount('receipt-not-on-bank')).toEqual(
      json.inLedgerNotOnBank.receipts.map((r: Body) => r.net.amount),
    );
    expect(amount('total-in-ledger-not-on-bank')).toEqual([json.inLedgerNotOnBank.total.amount]);
    expect(amount('total-on-bank-not-in-ledger')).toEqual([json.onBankNotInLedger.total.amount]);
    expect(amount('explained-balance')).toEqual([json.explainedBalance.amount]);
    expect(amount('difference')).toEqual([json.difference.amount]);
    expect(rows.at(-1)?.row_type).toBe('difference');
    expect(rows.every((row) => row.currency === 'CHF' && row.bank_account === 'CHF-MAIN')).toBe(
      true,
    );
  });

  it('refuses an unknown bank account or a bad date with field errors', async () => {
    const unknown = await as('auditor').get(`${REPORT}?bankAccount=NOPE-1&asOf=2026-05-31`);
    expect(unknown.status).toBe(422);
    expect(unknown.body.errors).toEqual([expect.objectContaining({ field: 'bankAccount' })]);
    const date = await as('auditor').get(`${REPORT}?bankAccount=CHF-MAIN&asOf=2026-13-01`);
    expect(date.status).toBe(422);
    expect(date.body.errors).toEqual([expect.objectContaining({ field: 'asOf' })]);
    const missing = await as('auditor').get(REPORT);
    expect(missing.status).toBe(422);
  });

  it('renders the page with the balances, the items and the account and date selectors', async () => {
    await createPasswordUser(app, {
      username: 'manager.m',
      password: 'A long passphrase for the manager 42',
      displayName: 'Manager M',
      roles: ['management'],
    });
    const session = await app
      .get(IdentityService)
      .signIn('manager.m', 'A long passphrase for the manager 42', '127.0.0.1');
    const page = await request(app.getHttpServer())
      .get('/bank-reconciliation/report?bankAccount=CHF-MAIN&asOf=2026-05-31')
      .set('Cookie', `tf_session=${session.token}`);
    expect(page.status).toBe(200);
    expect(page.headers['content-type']).toMatch(/text\/html/);
    const cell = (testId: string): string | undefined =>
      new RegExp(`data-testid="${testId}">([^<]*)<`).exec(page.text)?.[1];
    expect(cell('statement-balance')).toBe('CHF 1,502.34');
    expect(cell('ledger-balance')).toBe('CHF 1,797.34');
    expect(cell('in-ledger-total')).toBe('CHF 295.00');
    expect(cell('difference')).toBe('CHF 0.00');
    expect(page.text).toContain('data-testid="report-reconciled"');
    expect(page.text).toContain(receipts.may.number as string);
    expect(page.text).toContain('Statement CHF-2026-05');
    expect(page.text).toContain('<input type="date" id="asOf" name="asOf" value="2026-05-31"');
    expect(page.text).toMatch(/<option value="CHF-MAIN" selected>/);
    expect(page.text).toMatch(/<option value="EUR-MAIN" >/);
  });
});
