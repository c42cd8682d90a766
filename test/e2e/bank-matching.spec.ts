import { randomUUID } from 'node:crypto';
import { NestExpressApplication } from '@nestjs/platform-express';
import { Client } from 'pg';
import request from 'supertest';
import { Role } from '../../src/auth/roles';
import { approve } from '../support/approvals';
import { addBankAccount } from '../support/ledger-fixtures';
import { createTestApp, TestUsers } from '../support/test-app';
import { connect, createTestDatabase, TestDatabase } from '../support/test-database';

type Auth = { Authorization: string };
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- API answers, read field by field
type Body = Record<string, any>;

const API = '/api/v1/bank-reconciliation';
const ACCOUNT = 'CHF-MAIN';

/** One bank line of the fixture statement: credits positive, in CHF. */
interface LineFixture {
  key: string;
  amount: string;
  date: string;
  name?: string;
  ref?: string;
  text?: string;
}

describe('bank matching through the API', () => {
  let db: TestDatabase;
  let app: NestExpressApplication;
  let sql: Client;
  const auth: Record<string, Auth> = {};
  const lineId: Record<string, string> = {};
  const receiptId: Record<string, string> = {};
  const donorId: Record<string, string> = {};

  const as = (user: string) => ({
    get: (url: string) => request(app.getHttpServer()).get(url).set(auth[user]),
    post: (url: string, body: object = {}) =>
      request(app.getHttpServer()).post(url).set(auth[user]).send(body),
  });

  async function newDonor(key: string, name: string): Promise<void> {
    const { rows } = await sql.query<{ id: string }>(
      `INSERT INTO donor (name, normalized_name, type, created_by)
       VALUES ($1, lower($1), 'member_state', 'test') RETURNING id`,
      [name],
    );
    donorId[key] = rows[0].id;
  }

  async function newReceipt(key: string, body: Body): Promise<void> {
    const res = await as('officer').post('/api/v1/receipts', {
      bankAccount: ACCOUNT,
      currency: 'CHF',
      allocation: 'none',
      ...body,
    });
    expect(res.status).toBe(201);
    receiptId[key] = res.body.id;
  }

  /** A statement straight into the tables, as the importer would store it. */
  async function statement(accountId: string, lines: LineFixture[]): Promise<void> {
    const { rows } = await sql.query<{ id: string }>(
      `INSERT INTO bank_statement (fund_id, bank_account_id, format, file_name, file_sha256,
         statement_id, account_identifier, currency, opening_minor, closing_date, closing_minor,
         line_count, imported_by)
       SELECT fund_id, id, 'camt.053', 'fixture.xml', $2, 'STMT-1', account_number, 'CHF', 0,
              '2026-05-31', 0, $3, 'test'
         FROM bank_account WHERE id = $1 RETURNING id`,
      [accountId, randomUUID(), lines.length],
    );
    for (const [index, line] of lines.entries()) {
      const inserted = await sql.query<{ id: string }>(
        `INSERT INTO bank_statement_line (statement_id, bank_account_id, line_no, booking_date,
           value_date, amount_minor, currency, bank_reference, counterparty_name, remittance_text)
         VALUES ($1, $2, $3, $4, $4, $5, 'CHF', $6, $7, $8) RETURNING id`,
        [
          rows[0].id,
          accountId,
          index + 1,
          line.date,
          line.amount.replace('.', ''),
          line.ref ?? null,
          line.name ?? null,
          line.text ?? null,
        ],
      );
      lineId[line.key] = inserted.rows[0].id;
    }
  }

  async function lines(status = 'unmatched'): Promise<Body[]> {
    const res = await as('auditor').get(`${API}/lines?bankAccount=${ACCOUNT}&status=${status}`);
    expect(res.status).toBe(200);
    return res.body.lines;
  }

  const line = async (key: string, status = 'unmatched'): Promise<Body> =>
    (await lines(status)).find((row) => row.id === lineId[key]) as Body;

  const matchRows = async (key: string): Promise<Body[]> =>
    (
      await sql.query(
        `SELECT id, kind, receipt_id, amount_minor::text AS amount_minor, approval_id, reasons,
                score::text AS score, undoes_match_id, entry_id, classification
           FROM bank_line_match WHERE line_id = $1 ORDER BY at, id`,
        [lineId[key]],
      )
    ).rows;

  beforeAll(async () => {
    db = await createTestDatabase();
    const accountId = randomUUID();
    await addBankAccount(db.url, { code: ACCOUNT, currency: 'CHF', id: accountId });
    app = await createTestApp(db, { env: { API_RATE_LIMIT_PER_MINUTE: '100000' } });
    sql = await connect(db.url);
    const users = new TestUsers(app);
    const roles: Record<string, Role[]> = {
      officer: ['finance_officer'],
      approver: ['approver'],
      auditor: ['auditor'],
    };
    for (const [name, held] of Object.entries(roles)) auth[name] = await users.auth(name, held);
    const rate = await as('officer').post('/api/v1/exchange-rates', {
      currency: 'CHF',
      effectiveFrom: '2025-01-01',
      unitsPerUsd: '0.90',
    });
    expect(rate.status).toBe(201);
    await newDonor('swiss', 'Ministry of Foreign Affairs of Switzerland');
    await newDonor('france', 'Government of France');
    await newDonor('japan', 'Government of Japan');
    await newDonor('korea', 'Republic of Korea');
    await newDonor('norway', 'Kingdom of Norway');
    await newReceipt('exact', {
      valueDate: '2026-05-04',
      grossAmount: '1000.00',
      donorId: donorId.france,
      bankReference: 'BANKREF-0001',
    });
    await newReceipt('swiss', {
      valueDate: '2026-05-05',
      grossAmount: '2000.00',
      donorId: donorId.swiss,
    });
    await newReceipt('tieA', {
      valueDate: '2026-05-07',
      grossAmount: '500.00',
      remittanceText: 'WSIS-TF-2026-0099 first half',
    });
    await newReceipt('tieB', {
      valueDate: '2026-05-07',
      grossAmount: '500.00',
      remittanceText: 'WSIS-TF-2026-0099 second half',
    });
    await newReceipt('japan1', {
      valueDate: '2026-05-08',
      grossAmount: '300.00',
      donorId: donorId.japan,
    });
    await newReceipt('japan2', {
      valueDate: '2026-05-09',
      grossAmount: '450.00',
      donorId: donorId.japan,
    });
    await newReceipt('korea', {
      valueDate: '2026-05-12',
      grossAmount: '500.00',
      donorId: donorId.korea,
    });
    await newReceipt('norway', {
      valueDate: '2026-05-14',
      grossAmount: '700.00',
      donorId: donorId.norway,
    });
    await statement(accountId, [
      { key: 'exact', amount: '1000.00', date: '2026-05-04', ref: 'BANKREF-0001', name: 'FRANCE' },
      {
        key: 'swiss',
        amount: '1975.00',
        date: '2026-05-07',
        name: 'MINISTRY OF FOREIGN AFFAIRS OF SWITZERLND',
      },
      { key: 'tie', amount: '500.00', date: '2026-05-07', text: 'WSIS-TF-2026-0099' },
      { key: 'japan', amount: '750.00', date: '2026-05-10', name: 'GOVERNMENT OF JAPAN' },
      { key: 'korea1', amount: '320.00', date: '2026-05-12', name: 'REPUBLIC OF KOREA' },
      { key: 'korea2', amount: '180.00', date: '2026-05-13', name: 'Republic of Korea' },
      { key: 'interest', amount: '12.34', date: '2026-05-31', name: 'UBS SWITZERLAND AG' },
      {
        key: 'unknown',
        amount: '800.00',
        date: '2026-05-20',
        name: 'Amis du SMSI',
        ref: 'NEWREF-9',
        text: 'donation',
      },
      { key: 'norway', amount: '600.00', date: '2026-05-15', name: 'KINGDOM OF NORWAY' },
    ]);
  });

  afterAll(async () => {
    await sql.end();
    await app.close();
    await db.drop();
  });

  it('auto-confirms only the exact reference with the exact amount', async () => {
    const run = await as('officer').post(`${API}/run`, { bankAccount: ACCOUNT });
    expect(run.status).toBe(200);
    expect(run.body).toMatchObject({ unmatched: 9, autoConfirmed: 1 });
    const [auto] = await matchRows('exact');
    expect(auto).toMatchObject({
      kind: 'auto',
      receipt_id: receiptId.exact,
      amount_minor: '100000',
    });
    expect(auto.reasons).toEqual(['bank reference BANKREF-0001', 'exact amount']);
    const matched = await line('exact', 'matched');
    expect(matched.matches[0]).toMatchObject({ kind: 'auto', amount: '1000.00' });
    // A second run finds nothing more to confirm.
    const again = await as('officer').post(`${API}/run`, { bankAccount: ACCOUNT });
    expect(again.body).toMatchObject({ unmatched: 8, autoConfirmed: 0 });
  });

  it('suggests a name variant with charges deducted, with its reasons, without confirming it', async () => {
    const swiss = await line('swiss');
    expect(swiss.status).toBe('unmatched');
    expect(swiss.suggestions[0].receipts[0].id).toBe(receiptId.swiss);
    expect(swiss.suggestions[0].score).toBeLessThan(1);
    expect(swiss.suggestions[0].autoConfirmable).toBe(false);
    expect(swiss.suggestions[0].reasons).toEqual([
      "name close to donor 'Ministry of Foreign Affairs of Switzerland' (0.98)",
      'amount 25.00 below the gross (bank charges)',
      'value date 2 day(s) apart',
    ]);
  });

  it('never auto-confirms two equally good candidates', async () => {
    const tie = await line('tie');
    expect(tie.status).toBe('unmatched');
    expect(tie.suggestions.map((s: Body) => s.score)).toEqual([1, 1]);
    expect(tie.suggestions.map((s: Body) => s.receipts[0].id).sort()).toEqual(
      [receiptId.tieA, receiptId.tieB].sort(),
    );
    expect(tie.suggestions.every((s: Body) => s.autoConfirmable === false)).toBe(true);
    expect(await matchRows('tie')).toEqual([]);
  });

  it('suggests one line for two receipts of the donor, and two lines for one receipt', async () => {
    const japan = await line('japan');
    const split = japan.suggestions.find((s: Body) => s.receipts.length === 2);
    expect(split.receipts.map((r: Body) => r.id).sort()).toEqual(
      [receiptId.japan1, receiptId.japan2].sort(),
    );
    expect(split.reasons).toContain('2 receipts of the donor add up to the amount');
    const confirmed = await as('officer').post(`${API}/lines/${lineId.japan}/confirm`, {
      receiptIds: [receiptId.japan1, receiptId.japan2],
    });
    expect(confirmed.status).toBe(200);
    expect((await matchRows('japan')).map((row) => [row.kind, row.amount_minor]).sort()).toEqual([
      ['confirmed', '30000'],
      ['confirmed', '45000'],
    ]);

    const korea = await line('korea1');
    const both = korea.suggestions.find((s: Body) => s.lineIds.length === 2);
    expect(both.lineIds.sort()).toEqual([lineId.korea1, lineId.korea2].sort());
    const matched = await as('officer').post(`${API}/matches`, {
      lineIds: [lineId.korea1, lineId.korea2],
      receiptId: receiptId.korea,
    });
    expect(matched.status).toBe(200);
    expect(matched.body.lines.map((l: Body) => l.status)).toEqual(['matched', 'matched']);
    expect((await matchRows('korea2'))[0]).toMatchObject({
      kind: 'confirmed',
      amount_minor: '18000',
    });
  });

  it('records a confirmation, learns the name, and records an undo', async () => {
    const confirmed = await as('officer').post(`${API}/lines/${lineId.swiss}/confirm`, {
      receiptIds: [receiptId.swiss],
      amounts: ['1975.00'],
    });
    expect(confirmed.status).toBe(200);
    expect(confirmed.body.lines[0].status).toBe('matched');
    const [match] = await matchRows('swiss');
    expect(match).toMatchObject({
      kind: 'confirmed',
      receipt_id: receiptId.swiss,
      amount_minor: '197500',
    });
    const learned = await sql.query(
      `SELECT donor_id FROM counterparty_name WHERE normalized_name = $1`,
      ['ministry of foreign affairs of switzerlnd'],
    );
    expect(learned.rows).toEqual([{ donor_id: donorId.swiss }]);
    // The same receipt cannot be taken twice.
    const twice = await as('officer').post(`${API}/lines/${lineId.swiss}/confirm`, {
      receiptIds: [receiptId.swiss],
    });
    expect(twice.status).toBe(409);

    const undone = await as('officer').post(`${API}/matches/${match.id}/undo`, {
      reason: 'wrong receipt',
    });
    expect(undone.status).toBe(200);
    expect(undone.body.lines[0].status).toBe('unmatched');
    const rows = await matchRows('swiss');
    expect(rows[1]).toMatchObject({ kind: 'undo', undoes_match_id: match.id });
    expect(rows[1].reasons).toEqual(['wrong receipt']);
    // The learned name now recognises the donor exactly.
    const back = await line('swiss');
    expect(back.suggestions[0].reasons[0]).toMatch(/confirmed for this donor before/);
    expect(
      (await as('officer').post(`${API}/matches/${match.id}/undo`, { reason: 'again' })).status,
    ).toBe(409);
    const audit = await sql.query<{ action: string }>(
      `SELECT DISTINCT action FROM audit_log WHERE action LIKE 'bank-match.%' ORDER BY action`,
    );
    expect(audit.rows.map((row) => row.action)).toEqual(
      expect.arrayContaining(['bank-match.confirm', 'bank-match.run', 'bank-match.undo']),
    );
  });

  it('does not suggest a rejected receipt again', async () => {
    const rejected = await as('officer').post(`${API}/lines/${lineId.tie}/reject`, {
      receiptId: receiptId.tieA,
    });
    expect(rejected.status).toBe(200);
    const tie = await line('tie');
    expect(tie.suggestions.map((s: Body) => s.receipts[0].id)).toEqual([receiptId.tieB]);
  });

  it('posts a line that is not a contribution to the ledger and records it', async () => {
    const refused = await as('officer').post(`${API}/lines/${lineId.interest}/not-contribution`, {
      classification: 'interest',
      account: '1100',
      description: 'Interest May',
    });
    expect(refused.status).toBe(422);
    expect(refused.body.errors[0].field).toBe('account');
    const res = await as('officer').post(`${API}/lines/${lineId.interest}/not-contribution`, {
      classification: 'interest',
      account: '4200',
      description: 'Interest May',
    });
    expect(res.status).toBe(200);
    expect(res.body.lines[0].status).toBe('not-contribution');
    const entry = await sql.query(
      `SELECT a.code, jl.amount_minor::text AS amount
         FROM journal_line jl JOIN account a ON a.id = jl.account_id
        WHERE jl.entry_id = $1 ORDER BY a.code`,
      [res.body.entryId],
    );
    expect(entry.rows).toEqual([
      { code: '1000', amount: '1234' },
      { code: '4200', amount: '-1234' },
    ]);
    expect((await matchRows('interest'))[0]).toMatchObject({
      kind: 'not-contribution',
      classification: 'interest',
      entry_id: res.body.entryId,
    });
    expect((await lines('not-contribution')).map((l) => l.id)).toEqual([lineId.interest]);
  });

  it('creates a receipt pre-filled from a line and matches it', async () => {
    const res = await as('officer').post(`${API}/lines/${lineId.unknown}/create-receipt`, {});
    expect(res.status).toBe(201);
    const receipt = await as('officer').get(`/api/v1/receipts/${res.body.receiptId}`);
    expect(receipt.body).toMatchObject({
      valueDate: '2026-05-20',
      remitterName: 'Amis du SMSI',
      bankReference: 'NEWREF-9',
      status: 'unidentified',
    });
    expect(JSON.stringify(receipt.body)).toContain('800.00');
    expect((await matchRows('unknown'))[0]).toMatchObject({
      kind: 'manual',
      receipt_id: res.body.receiptId,
      amount_minor: '80000',
    });
  });

  it('sends a match with a difference above the tolerance to approval (202)', async () => {
    const res = await as('officer').post(`${API}/lines/${lineId.norway}/confirm`, {
      receiptIds: [receiptId.norway],
      reason: 'donor paid 100 less, agreed by phone',
    });
    expect(res.status).toBe(202);
    expect(res.body.kind).toBe('bank-match.override');
    expect(await matchRows('norway')).toEqual([]);
    const approved = await approve(app, res.body.id, auth.approver);
    expect(approved.status).toBe(200);
    const [match] = await matchRows('norway');
    expect(match).toMatchObject({
      kind: 'manual',
      receipt_id: receiptId.norway,
      amount_minor: '70000',
      approval_id: res.body.id,
    });
  });

  it('lets staff read but only finance officers decide', async () => {
    expect((await as('auditor').post(`${API}/run`, { bankAccount: ACCOUNT })).status).toBe(403);
    const page = await as('auditor').get(`/bank-reconciliation?bankAccount=${ACCOUNT}`);
    expect(page.status).toBe(200);
    expect(page.text).toContain('Reconciliation workbench');
    expect(page.text).toContain('confirmed for this donor before');
    expect(page.text).not.toContain('data-testid="confirm-suggestion"');
    const officer = await as('officer').get(`/bank-reconciliation?bankAccount=${ACCOUNT}`);
    expect(officer.text).toContain('data-testid="confirm-suggestion"');
  });
});
