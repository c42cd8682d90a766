import { randomUUID } from 'node:crypto';
import { NestExpressApplication } from '@nestjs/platform-express';
import { Client } from 'pg';
import request from 'supertest';
import { addBankAccount } from '../support/ledger-fixtures';
import { createTestApp, TestUsers } from '../support/test-app';
import { connect, createTestDatabase, TestDatabase } from '../support/test-database';

type Auth = { Authorization: string };

const API = '/api/v1/bank-reconciliation';
const ACCOUNT = 'CHF-MAIN';

/**
 * The auto-confirmation threshold, the bank-charge tolerance and the date window come from the
 * configuration: here a fund that lets a reference with an amount within 10.00 confirm itself.
 */
describe('bank matching with a configured threshold and tolerance', () => {
  let db: TestDatabase;
  let app: NestExpressApplication;
  let sql: Client;
  let officer: Auth;
  let accountId: string;

  const post = (url: string, body: object) =>
    request(app.getHttpServer()).post(url).set(officer).send(body);

  async function receipt(bankReference: string, grossAmount: string): Promise<string> {
    const res = await post('/api/v1/receipts', {
      bankAccount: ACCOUNT,
      currency: 'CHF',
      allocation: 'none',
      valueDate: '2026-05-04',
      grossAmount,
      bankReference,
    });
    expect(res.status).toBe(201);
    return res.body.id as string;
  }

  /** One statement line straight into the tables, as the importer would store it. */
  async function bankLine(reference: string, amountMinor: string, no: number): Promise<string> {
    const { rows } = await sql.query<{ id: string }>(
      `INSERT INTO bank_statement (fund_id, bank_account_id, format, file_name, file_sha256,
         statement_id, account_identifier, currency, opening_minor, closing_date, closing_minor,
         line_count, imported_by)
       SELECT fund_id, id, 'camt.053', 'fixture.xml', $2, $3, account_number, 'CHF', 0,
              '2026-05-31', 0, 1, 'test'
         FROM bank_account WHERE id = $1 RETURNING id`,
      [accountId, randomUUID(), `STMT-${no}`],
    );
    const line = await sql.query<{ id: string }>(
      `INSERT INTO bank_statement_line (statement_id, bank_account_id, line_no, booking_date,
         value_date, amount_minor, currency, bank_reference, counterparty_name)
       VALUES ($1, $2, 1, '2026-05-05', '2026-05-05', $3, 'CHF', $4, 'SOME DONOR')
       RETURNING id`,
      [rows[0].id, accountId, amountMinor, reference],
    );
    return line.rows[0].id;
  }

  const matchesOf = async (lineId: string) =>
    (
      await sql.query<{ kind: string; receipt_id: string }>(
        `SELECT kind, receipt_id FROM bank_line_match WHERE line_id = $1`,
        [lineId],
      )
    ).rows;

  beforeAll(async () => {
    db = await createTestDatabase();
    accountId = randomUUID();
    await addBankAccount(db.url, { code: ACCOUNT, currency: 'CHF', id: accountId });
    app = await createTestApp(db, {
      env: { MATCHING_AUTO_CONFIRM_SCORE: '0.9', MATCHING_TOLERANCE: '10.00' },
    });
    sql = await connect(db.url);
    officer = await new TestUsers(app).auth('officer', ['finance_officer']);
    const rate = await post('/api/v1/exchange-rates', {
      currency: 'CHF',
      effectiveFrom: '2025-01-01',
      unitsPerUsd: '0.90',
    });
    expect(rate.status).toBe(201);
  });

  afterAll(async () => {
    await sql.end();
    await app.close();
    await db.drop();
  });

  it('auto-confirms a reference with charges within the configured tolerance, not beyond it', async () => {
    const near = await receipt('REF-NEAR', '1000.00');
    const far = await receipt('REF-FAR', '1000.00');
    const nearLine = await bankLine('REF-NEAR', '99400', 1); // 6.00 of charges: within 10.00
    const farLine = await bankLine('REF-FAR', '98500', 2); // 15.00: beyond 10.00
    const run = await post(`${API}/run`, { bankAccount: ACCOUNT });
    expect(run.status).toBe(200);
    expect(run.body).toMatchObject({ autoConfirmed: 1 });
    expect(await matchesOf(nearLine)).toEqual([{ kind: 'auto', receipt_id: near }]);
    expect(await matchesOf(farLine)).toEqual([]);
    // By hand, 15.00 is beyond the tolerance: it needs a second person.
    const confirm = await post(`${API}/lines/${farLine}/confirm`, { receiptIds: [far] });
    expect(confirm.status).toBe(202);
    expect(confirm.body.summary).toContain('beyond the 10.00 tolerance');
    expect(await matchesOf(farLine)).toEqual([]);
  });
});
