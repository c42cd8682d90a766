import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { NestExpressApplication } from '@nestjs/platform-express';
import request from 'supertest';
import { createTestApp, TestUsers } from '../support/test-app';
import { connect, createTestDatabase, TestDatabase } from '../support/test-database';

type Auth = { Authorization: string };
type Body = Record<string, unknown>;

const SAMPLES = join(__dirname, '..', '..', '..', 'shared', 'samples', 'bank-statements');
const CAMT_CHF = 'camt053-v04-oca-batch-txdtls-chf.xml';
const CAMT_IBAN = 'CH1111000000123456789';

const sample = (name: string): string => readFileSync(join(SAMPLES, name), 'utf8');
const base64 = (text: string): string => Buffer.from(text, 'utf8').toString('base64');

/** The CHF sample as another day's statement: its id changed, and its figures if asked. */
function camtVariant(id: string, replace: Array<[string, string]> = []): string {
  let text = sample(CAMT_CHF).replace('<Id>20170323123456789012345</Id>', `<Id>${id}</Id>`);
  for (const [from, to] of replace) text = text.replace(from, to);
  return text;
}

describe('bank statement import (API and pages)', () => {
  let db: TestDatabase;
  let app: NestExpressApplication;
  let officer: Auth;
  let auditor: Auth;

  const sql = async <T extends Body>(text: string, params: unknown[] = []): Promise<T[]> => {
    const client = await connect(db.url);
    try {
      return (await client.query<T>(text, params)).rows;
    } finally {
      await client.end();
    }
  };

  async function addAccount(
    code: string,
    accountNumber: string,
    currency: string,
  ): Promise<string> {
    const [row] = await sql<{ id: string }>(
      `INSERT INTO bank_account (fund_id, code, name, bank_name, account_number, currency, created_by)
       SELECT f.id, $1, $1, 'Test bank', $2, $3, 'test' FROM fund f WHERE f.code = 'WSIS-TF'
       RETURNING id`,
      [code, accountNumber, currency],
    );
    return row.id;
  }

  const counts = async (accountId: string): Promise<{ statements: number; lines: number }> => {
    const [row] = await sql<{ statements: number; lines: number }>(
      `SELECT (SELECT count(*)::int FROM bank_statement WHERE bank_account_id = $1) AS statements,
              (SELECT count(*)::int FROM bank_statement_line WHERE bank_account_id = $1) AS lines`,
      [accountId],
    );
    return row;
  };

  const upload = (auth: Auth, body: Body) =>
    request(app.getHttpServer()).post('/api/v1/bank-statements').set(auth).send(body);
  const get = (auth: Auth, url: string) => request(app.getHttpServer()).get(url).set(auth);

  beforeAll(async () => {
    db = await createTestDatabase();
    app = await createTestApp(db, { env: { API_RATE_LIMIT_PER_MINUTE: '100000' } });
    const users = new TestUsers(app);
    officer = await users.auth('officer.a', ['finance_officer']);
    auditor = await users.auth('auditor.a', ['auditor']);
  });

  afterAll(async () => {
    await app?.close();
    await db?.drop();
  });

  describe('a camt.053 file into the account it names', () => {
    let accountId: string;
    let firstId: string;

    beforeAll(async () => {
      accountId = await addAccount('UBS-CHF', CAMT_IBAN, 'CHF');
    });

    it('stores the statement and its lines, and answers with the summary', async () => {
      const response = await upload(officer, {
        bankAccount: 'UBS-CHF',
        fileName: CAMT_CHF,
        content: base64(sample(CAMT_CHF)),
      });
      expect(response.status).toBe(201);
      const summary = response.body as Body & {
        statements: Body[];
        totals: Body;
        warnings: string[];
      };
      expect(summary.statements).toHaveLength(1);
      expect(summary.statements[0]).toMatchObject({
        statementId: '20170323123456789012345',
        format: 'camt.053',
        currency: 'CHF',
        accountIdentifier: CAMT_IBAN,
        opening: { currency: 'CHF', amount: '75960.15' },
        openingDate: '2017-03-22',
        closing: { currency: 'CHF', amount: '79443.15' },
        closingDate: '2017-03-23',
        lineCount: 1,
        credits: { currency: 'CHF', amount: '3483.00' },
        debits: { currency: 'CHF', amount: '0.00' },
        continuityWarning: null,
        importedBy: expect.any(String),
      });
      expect(summary.totals).toMatchObject({
        statements: 1,
        lines: 1,
        credits: { currency: 'CHF', amount: '3483.00' },
      });
      expect(summary.warnings).toEqual([]);
      firstId = summary.statements[0].id as string;
      expect(await counts(accountId)).toEqual({ statements: 1, lines: 1 });
      const [line] = await sql<{ amount_minor: string; booking_date: string }>(
        `SELECT amount_minor::text, to_char(booking_date, 'YYYY-MM-DD') AS booking_date
           FROM bank_statement_line WHERE statement_id = $1`,
        [firstId],
      );
      expect(line).toEqual({ amount_minor: '348300', booking_date: '2017-03-22' });
      const audit = await sql(`SELECT 1 FROM audit_log WHERE action = 'bank-statement.import'`);
      expect(audit).toHaveLength(1);
    });

    it('refuses the same file again (409) and writes nothing more', async () => {
      const response = await upload(officer, {
        bankAccount: 'UBS-CHF',
        fileName: 'renamed.xml',
        content: base64(sample(CAMT_CHF)),
      });
      expect(response.status).toBe(409);
      expect(response.body).toMatchObject({ code: 'statement-already-imported', sameFile: true });
      expect(response.body.detail).toContain('officer.a');
      expect(await counts(accountId)).toEqual({ statements: 1, lines: 1 });
    });

    it('refuses the same statement in another file (409), naming when and by whom', async () => {
      const sameStatement = sample(CAMT_CHF).replace('<AddtlInf>Test</AddtlInf>', '');
      const response = await upload(officer, {
        bankAccount: 'UBS-CHF',
        fileName: 'again.xml',
        content: base64(sameStatement),
      });
      expect(response.status).toBe(409);
      expect(response.body).toMatchObject({
        code: 'statement-already-imported',
        statementId: '20170323123456789012345',
        importedBy: expect.any(String),
        importedAt: expect.any(String),
      });
      expect(await counts(accountId)).toEqual({ statements: 1, lines: 1 });
    });

    it('stores a statement whose opening does not follow on, with a warning', async () => {
      const response = await upload(officer, {
        bankAccount: 'UBS-CHF',
        fileName: 'next.xml',
        content: base64(camtVariant('NEXT-1')),
      });
      expect(response.status).toBe(201);
      const [statement] = response.body.statements as Body[];
      expect(statement.continuityWarning).toContain(
        'the opening balance CHF 75960.15 does not equal the closing balance CHF 79443.15',
      );
      expect(response.body.warnings).toHaveLength(1);
      expect(await counts(accountId)).toEqual({ statements: 2, lines: 2 });

      const page = await get(auditor, `/bank-statements/${statement.id as string}`);
      expect(page.status).toBe(200);
      expect(page.text).toContain('data-testid="statement-warning"');
      expect(page.text).toContain('CHF 3,483.00');
    });

    it('stores a statement that follows on without a warning', async () => {
      const response = await upload(officer, {
        bankAccount: 'UBS-CHF',
        fileName: 'following.xml',
        content: base64(
          camtVariant('NEXT-2', [
            ['<Amt Ccy="CHF">75960.15</Amt>', '<Amt Ccy="CHF">79443.15</Amt>'],
            [
              '<Amt Ccy="CHF">79443.15</Amt>\n        <CdtDbtInd>CRDT</CdtDbtInd>\n        <Dt>\n          <Dt>2017-03-23',
              '<Amt Ccy="CHF">82926.15</Amt>\n        <CdtDbtInd>CRDT</CdtDbtInd>\n        <Dt>\n          <Dt>2017-03-24',
            ],
          ]),
        ),
      });
      expect(response.status).toBe(201);
      expect(response.body.statements[0]).toMatchObject({
        statementId: 'NEXT-2',
        closing: { amount: '82926.15' },
        continuityWarning: null,
      });
    });

    it('refuses an amount with more decimals than CHF has (422), nothing written', async () => {
      const response = await upload(officer, {
        bankAccount: 'UBS-CHF',
        fileName: 'inexact.xml',
        content: base64(
          camtVariant('INEXACT', [
            ['<Amt Ccy="CHF">3483.00</Amt>', '<Amt Ccy="CHF">3483.005</Amt>'],
          ]),
        ),
      });
      expect(response.status).toBe(422);
      expect(JSON.stringify(response.body.errors)).toContain('decimal');
      expect(await counts(accountId)).toEqual({ statements: 3, lines: 3 });
    });

    it('refuses a file that is not a statement (422, the parser says why)', async () => {
      const response = await upload(officer, {
        bankAccount: 'UBS-CHF',
        fileName: 'broken.xml',
        content: base64('<Document><BkToCstmrStmt><Stmt>'),
      });
      expect(response.status).toBe(422);
      expect(response.body.code).toBe('statement-unreadable');
      expect(await counts(accountId)).toEqual({ statements: 3, lines: 3 });
    });

    it('lists the statements and shows one with its lines', async () => {
      const list = await get(auditor, '/api/v1/bank-statements?bankAccount=UBS-CHF');
      expect(list.status).toBe(200);
      expect((list.body.items as Body[]).map((s) => s.statementId)).toEqual([
        'NEXT-2',
        'NEXT-1',
        '20170323123456789012345',
      ]);
      const one = await get(auditor, `/api/v1/bank-statements/${firstId}`);
      expect(one.status).toBe(200);
      expect(one.body.lines).toHaveLength(1);
      expect(one.body.lines[0]).toMatchObject({
        lineNo: 1,
        bookingDate: '2017-03-22',
        amount: { currency: 'CHF', amount: '3483.00' },
        status: 'BOOK',
        reversal: false,
      });
      expect((await get(auditor, '/api/v1/bank-statements/not-an-id')).status).toBe(404);
      const page = await get(auditor, '/bank-statements');
      expect(page.status).toBe(200);
      expect(page.text.match(/data-testid="statement-row"/g)).toHaveLength(3);
    });
  });

  it('refuses a file of another account (422) and writes nothing', async () => {
    const otherId = await addAccount('OTHER-CHF', 'CH9300762011623852957', 'CHF');
    const response = await upload(officer, {
      bankAccount: 'OTHER-CHF',
      fileName: 'x.xml',
      content: base64(camtVariant('WRONG-ACCOUNT')),
    });
    expect(response.status).toBe(422);
    expect(response.body.errors).toEqual([
      expect.objectContaining({ field: 'bankAccount', rule: 'sameAccount' }),
    ]);
    expect(await counts(otherId)).toEqual({ statements: 0, lines: 0 });
  });

  it('refuses a file in another currency than the account (422)', async () => {
    const eurId = await addAccount(
      'UBS-EUR',
      'CH9300762011623852957'.replace('CH93', 'CH44'),
      'EUR',
    );
    const response = await upload(officer, {
      fund: 'WSIS-TF',
      bankAccount: 'UBS-EUR',
      fileName: 'y.xml',
      content: base64(
        camtVariant('WRONG-CURRENCY', [
          [`<IBAN>${CAMT_IBAN}</IBAN>`, '<IBAN>CH4400762011623852957</IBAN>'],
        ]),
      ),
    });
    expect(response.status).toBe(422);
    expect(JSON.stringify(response.body.errors)).toContain('sameCurrency');
    expect(await counts(eurId)).toEqual({ statements: 0, lines: 0 });
  });

  it('imports CSV with the mapping saved for the account, continuing its balance', async () => {
    const accountId = await addAccount('CSV-CHF', 'CH5604835012345678009', 'CHF');
    const mapping = {
      delimiter: ';',
      dateFormat: 'DD.MM.YYYY',
      decimalSeparator: '.',
      columns: {
        bookingDate: 'Date',
        amount: 'Amount',
        counterpartyName: 'Name',
        remittanceText: 'Text',
      },
      currency: 'CHF',
    };
    expect(
      (
        await request(app.getHttpServer())
          .put('/api/v1/bank-accounts/CSV-CHF/csv-mapping')
          .set(auditor)
          .send(mapping)
      ).status,
    ).toBe(403);
    const saved = await request(app.getHttpServer())
      .put('/api/v1/bank-accounts/CSV-CHF/csv-mapping')
      .set(officer)
      .send(mapping);
    expect(saved.status).toBe(200);
    expect(saved.body).toMatchObject({ bankAccount: 'CSV-CHF', mapping });

    const first =
      'Date;Amount;Name;Text\n01.04.2026;1500.00;Republic of Somewhere;PLEDGE 12\n02.04.2026;-12.50;Bank;Fees\n';
    const one = await upload(officer, {
      bankAccount: 'CSV-CHF',
      fileName: 'april-1.csv',
      content: base64(first),
    });
    expect(one.status).toBe(201);
    expect(one.body.statements[0]).toMatchObject({
      format: 'csv',
      opening: { amount: '0.00' },
      closing: { amount: '1487.50' },
      lineCount: 2,
      continuityWarning: null,
    });
    const second = 'Date;Amount;Name;Text\n03.04.2026;100.00;Donor B;Gift\n';
    const two = await upload(officer, {
      bankAccount: 'CSV-CHF',
      fileName: 'april-2.csv',
      content: base64(second),
    });
    expect(two.status).toBe(201);
    expect(two.body.statements[0]).toMatchObject({
      opening: { amount: '1487.50' },
      closing: { amount: '1587.50' },
    });
    expect(await counts(accountId)).toEqual({ statements: 2, lines: 3 });
  });

  it('only finance officers import; the form page is theirs', async () => {
    const refused = await upload(auditor, {
      bankAccount: 'UBS-CHF',
      fileName: 'a.xml',
      content: base64('x'),
    });
    expect(refused.status).toBe(403);
    const form = await get(officer, '/bank-statements/import');
    expect(form.status).toBe(200);
    expect(form.text).toContain('UBS-CHF');
    expect(form.text).toContain('name="content"');
  });
});
