import { randomUUID } from 'node:crypto';
import { NestExpressApplication } from '@nestjs/platform-express';
import { Client } from 'pg';
import request from 'supertest';
import { APP_CONFIG, AppConfig } from '../../src/config/app-config';
import {
  BrowserApp,
  BrowserSession,
  createPasswordUser,
  describeWithBrowser,
  screenshotPath,
  startBrowserApp,
  submitForm,
  watchPage,
} from '../support/browser';
import { createTestApp, createTestUser, TestUsers } from '../support/test-app';
import { connect, createTestDatabase, TestDatabase } from '../support/test-database';

type Body = Record<string, unknown>;

const IBAN = 'CH9300762011623852957';
const CODE = 'UBS-CHF';
const USERNAME = 'ama.officer';
const PASSWORD = 'Copper-Meadow-Violin-73';
const KNOWN_REF = 'UBS-20260504-0001';

/** The bank account of the statement, straight into the database, its IBAN as account number. */
async function addIbanAccount(url: string): Promise<string> {
  const client = await connect(url);
  try {
    const { rows } = await client.query<{ id: string }>(
      `INSERT INTO bank_account (id, fund_id, code, name, bank_name, account_number, currency,
         created_by)
       SELECT $1, f.id, $2, 'Main CHF account', 'UBS', $3, 'CHF', 'test'
         FROM fund f WHERE f.code = 'WSIS-TF'
       RETURNING id`,
      [randomUUID(), CODE, IBAN],
    );
    return rows[0].id;
  } finally {
    await client.end();
  }
}

/** One credit entry of the camt.053 below. */
function entry(amount: string, ref: string, name: string, text: string): string {
  return `
      <Ntry>
        <Amt Ccy="CHF">${amount}</Amt>
        <CdtDbtInd>CRDT</CdtDbtInd>
        <Sts>BOOK</Sts>
        <BookgDt><Dt>2026-05-04</Dt></BookgDt>
        <ValDt><Dt>2026-05-04</Dt></ValDt>
        <AcctSvcrRef>${ref}</AcctSvcrRef>
        <NtryDtls>
          <TxDtls>
            <Refs><EndToEndId>NOTPROVIDED</EndToEndId></Refs>
            <RltdPties><Dbtr><Nm>${name}</Nm></Dbtr></RltdPties>
            <RmtInf><Ustrd>${text}</Ustrd></RmtInf>
          </TxDtls>
        </NtryDtls>
      </Ntry>`;
}

/**
 * A day's camt.053 of the account: opening 1,000.00, two credits (250.00 whose bank reference a
 * receipt already carries, 75.50 nobody knows yet), closing 1,325.50.
 */
const CAMT = `<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.04">
  <BkToCstmrStmt>
    <GrpHdr><MsgId>MSG-20260504</MsgId><CreDtTm>2026-05-05T06:00:00</CreDtTm></GrpHdr>
    <Stmt>
      <Id>STMT-20260504</Id>
      <ElctrncSeqNb>84</ElctrncSeqNb>
      <CreDtTm>2026-05-05T06:00:00</CreDtTm>
      <Acct><Id><IBAN>${IBAN}</IBAN></Id><Ccy>CHF</Ccy></Acct>
      <Bal>
        <Tp><CdOrPrtry><Cd>OPBD</Cd></CdOrPrtry></Tp>
        <Amt Ccy="CHF">1000.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><Dt><Dt>2026-05-03</Dt></Dt>
      </Bal>
      <Bal>
        <Tp><CdOrPrtry><Cd>CLBD</Cd></CdOrPrtry></Tp>
        <Amt Ccy="CHF">1325.50</Amt><CdtDbtInd>CRDT</CdtDbtInd><Dt><Dt>2026-05-04</Dt></Dt>
      </Bal>${entry('250.00', KNOWN_REF, 'MINISTRY OF FINANCE ACCRA', 'WSIS TRUST FUND 2026')}${entry('75.50', 'UBS-20260504-0002', 'EMBASSY OF TONGA', 'CONTRIBUTION')}
    </Stmt>
  </BkToCstmrStmt>
</Document>
`;

describe('statement import page: a file that cannot be read', () => {
  let db: TestDatabase;
  let app: NestExpressApplication;
  let sql: Client;

  beforeAll(async () => {
    db = await createTestDatabase();
    await addIbanAccount(db.url);
    app = await createTestApp(db, { env: { API_RATE_LIMIT_PER_MINUTE: '100000' } });
    sql = await connect(db.url);
  });

  afterAll(async () => {
    await sql?.end();
    await app?.close();
    await db?.drop();
  });

  const count = async (table: string): Promise<number> =>
    (await sql.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`)).rows[0].n;
  const counts = async () => ({
    statements: await count('bank_statement'),
    lines: await count('bank_statement_line'),
    audit: await count('audit_log'),
  });

  it('shows the parser’s error on the form, keeps what was typed and writes nothing', async () => {
    const officer = await new TestUsers(app).auth('officer.a', ['finance_officer']);
    const before = await counts();
    const res = await request(app.getHttpServer())
      .post('/bank-statements/import')
      .set(officer)
      .type('form')
      .send({
        account: `WSIS-TF|${CODE}`,
        fileName: 'camt053-2026-05-04.xml',
        format: '',
        content: '<Document><NotAStatement/></Document>',
        formKey: randomUUID(),
      });
    expect(res.status).toBe(422);
    expect(res.headers['content-type']).toMatch(/text\/html/);
    expect(res.text).toContain('data-testid="statement-import-error"');
    expect(res.text).toContain('The statement was not imported.');
    expect(res.text).toMatch(/not a camt\.053 file/);
    // The form comes back filled in, the account still chosen.
    expect(res.text).toContain('value="camt053-2026-05-04.xml"');
    expect(res.text).toMatch(/<option value="WSIS-TF\|UBS-CHF" selected>/);
    expect(await counts()).toEqual(before);

    const list = await request(app.getHttpServer()).get('/bank-statements').set(officer);
    expect(list.status).toBe(200);
    expect(list.text).toContain('data-testid="statement-empty"');
  });
});

describeWithBrowser('bank statement import and reconciliation in a browser', () => {
  let harness: BrowserApp | undefined;
  let browser: BrowserSession | undefined;
  let baseUrl: string;
  let dbUrl: string;
  let knownReceipt: { id: string; number: string };
  let donorId: string;

  beforeAll(async () => {
    harness = await startBrowserApp(async (app) => {
      await createPasswordUser(app, {
        username: USERNAME,
        password: PASSWORD,
        displayName: 'Ama Owusu',
        roles: ['finance_officer'],
      });
      dbUrl = app.get<AppConfig>(APP_CONFIG).database.url!;
      await addIbanAccount(dbUrl);
      const setup = await createTestUser(app, 'setup.officer', ['finance_officer']);
      const api = (path: string, body: Body) =>
        request(app.getHttpServer()).post(path).set(setup.auth).send(body);
      const rate = await api('/api/v1/exchange-rates', {
        currency: 'CHF',
        effectiveFrom: '2026-01-01',
        unitsPerUsd: '0.8000',
      });
      expect(rate.status).toBe(201);
      const donor = await api('/api/v1/donors', {
        name: 'Kingdom of Tonga',
        type: 'member_state',
        statementLanguage: 'en',
        statementCurrency: 'CHF',
      });
      expect(donor.status).toBe(201);
      donorId = donor.body.id as string;
      // Recorded from the remittance advice before the statement came: same amount, same reference.
      const receipt = await api('/api/v1/receipts', {
        bankAccount: CODE,
        currency: 'CHF',
        valueDate: '2026-05-04',
        grossAmount: '250.00',
        remitterName: 'MINISTRY OF FINANCE ACCRA',
        bankReference: KNOWN_REF,
      });
      expect(receipt.status).toBe(201);
      knownReceipt = { id: receipt.body.id as string, number: receipt.body.number as string };
    });
    ({ browser, baseUrl } = harness);
  });

  afterAll(() => harness?.close());

  it('imports a camt.053, confirms the suggested match and creates a receipt for the other line', async () => {
    const page = await browser!.context.newPage();
    const errors = watchPage(page, baseUrl);
    try {
      await page.goto(`${baseUrl}/bank-statements/import`);
      await page.waitForURL(/\/sign-in\?next=/);
      await page.getByLabel('User name').fill(USERNAME);
      await page.getByLabel('Password').fill(PASSWORD);
      await submitForm(page, 'Sign in');
      await page.waitForURL(`${baseUrl}/bank-statements/import`);
      const nav = page.getByRole('navigation', { name: 'Main' });
      expect(await nav.getByRole('link', { name: 'Bank' }).getAttribute('aria-current')).toBe(
        'page',
      );

      // Import: the account, the file's name, its text pasted.
      await page.getByLabel('Bank account').selectOption(`WSIS-TF|${CODE}`);
      await page.getByLabel('File name').fill('camt053-2026-05-04.xml');
      await page.getByLabel('Content of the file').fill(CAMT);
      await submitForm(page, 'Import');
      await page.waitForURL(/\/bank-statements\/[0-9a-f-]{36}\?done=imported$/);
      expect(await page.getByTestId('statement-notice').textContent()).toContain(
        'Statement imported.',
      );
      const summary = page.getByTestId('statement-summary');
      expect(await summary.textContent()).toContain(IBAN);
      expect(await page.getByTestId('statement-line-count').textContent()).toBe('2');
      expect(await page.getByTestId('statement-opening').textContent()).toMatch(/1,000\.00/);
      expect(await page.getByTestId('statement-closing').textContent()).toMatch(/1,325\.50/);
      expect(await page.getByTestId('statement-line').count()).toBe(2);
      await page.screenshot({ path: screenshotPath('bank-statement-imported'), fullPage: true });

      // To the workbench for the account.
      await Promise.all([
        page.waitForURL(/\/bank-reconciliation\?/),
        page.getByTestId('statement-workbench').click(),
      ]);
      expect(await page.getByLabel('Bank account').inputValue()).toBe(CODE);
      const lines = page.getByTestId('bank-line');
      expect(await lines.count()).toBe(2);
      const known = lines.filter({ hasText: KNOWN_REF });
      const unknown = lines.filter({ hasText: 'UBS-20260504-0002' });
      const knownLineId = (await known.getAttribute('data-line-id'))!;
      const unknownLineId = (await unknown.getAttribute('data-line-id'))!;
      // The suggestion names the receipt and says why.
      const suggestion = known.getByTestId('suggestion');
      expect(await suggestion.count()).toBe(1);
      expect(await suggestion.textContent()).toContain(knownReceipt.number);
      expect(await suggestion.textContent()).toContain(`bank reference ${KNOWN_REF}`);
      expect(await unknown.getByTestId('suggestion').count()).toBe(0);
      await page.screenshot({
        path: screenshotPath('bank-reconciliation-workbench'),
        fullPage: true,
      });

      await Promise.all([
        page.waitForURL(/done=confirm/),
        known.getByTestId('confirm-suggestion').click(),
      ]);
      expect(await page.getByTestId('workbench-notice').textContent()).toContain(
        'Match confirmed.',
      );
      expect(await page.getByTestId('bank-line').count()).toBe(1);

      // The other line: a receipt from it, for the donor chosen in the list.
      const rest = page.locator(`[data-line-id="${unknownLineId}"]`);
      await rest.getByText('Create a receipt from this line').click();
      const form = rest.getByTestId('create-receipt-form');
      await form.getByLabel('Donor').selectOption({ label: 'Kingdom of Tonga' });
      await form.getByLabel(/I confirm/).check();
      await Promise.all([
        page.waitForURL(/done=create-receipt/),
        form.getByRole('button', { name: 'Create receipt' }).click(),
      ]);
      expect(await page.getByTestId('workbench-notice').textContent()).toContain(
        'Receipt recorded from the line and matched to it.',
      );
      expect(await page.getByTestId('no-lines').isVisible()).toBe(true);

      // The matched queue holds both lines, each naming its receipt.
      await Promise.all([
        page.waitForURL(/status=matched/),
        page
          .getByTestId('workbench-queues')
          .getByRole('link', { name: /^Matched/ })
          .click(),
      ]);
      const matched = page.getByTestId('bank-line');
      expect(await matched.count()).toBe(2);
      const knownMatch = page.locator(`[data-line-id="${knownLineId}"]`).getByTestId('line-match');
      expect(await knownMatch.textContent()).toContain(knownReceipt.number);
      expect(await knownMatch.getByRole('link').getAttribute('href')).toBe(
        `/receipts/${knownReceipt.id}`,
      );
      const newMatch = page.locator(`[data-line-id="${unknownLineId}"]`).getByTestId('line-match');
      const newHref = (await newMatch.getByRole('link').getAttribute('href'))!;
      expect(newHref).toMatch(/^\/receipts\/[0-9a-f-]{36}$/);
      expect(newHref).not.toBe(`/receipts/${knownReceipt.id}`);
      await page.screenshot({
        path: screenshotPath('bank-reconciliation-matched'),
        fullPage: true,
      });

      // The created receipt: the line's amount, the donor chosen.
      await Promise.all([
        page.waitForURL(`${baseUrl}${newHref}`),
        newMatch.getByRole('link').click(),
      ]);
      expect(await page.locator('body').textContent()).toContain('Kingdom of Tonga');
      expect(await page.locator('body').textContent()).toMatch(/75\.50/);
      expect(errors).toEqual([]);
    } finally {
      await page.close();
    }

    // In the database: one match per line, each to its receipt, the new receipt the donor's.
    const sql = await connect(dbUrl);
    try {
      const { rows } = await sql.query<{
        bank_reference: string;
        kind: string;
        receipt_id: string;
        amount_minor: string;
        donor_id: string | null;
        gross_minor: string;
      }>(
        `SELECT l.bank_reference, m.kind, m.receipt_id, m.amount_minor::text AS amount_minor,
                r.donor_id, r.gross_minor::text AS gross_minor
           FROM bank_line_match m
           JOIN bank_statement_line l ON l.id = m.line_id
           JOIN receipt r ON r.id = m.receipt_id
          ORDER BY l.line_no`,
      );
      expect(rows).toHaveLength(2);
      expect(rows[0]).toMatchObject({
        bank_reference: KNOWN_REF,
        kind: 'confirmed',
        receipt_id: knownReceipt.id,
        amount_minor: '25000',
      });
      expect(rows[1]).toMatchObject({
        bank_reference: 'UBS-20260504-0002',
        amount_minor: '7550',
        donor_id: donorId,
        gross_minor: '7550',
      });
      expect(rows[1].receipt_id).not.toBe(knownReceipt.id);
    } finally {
      await sql.end();
    }
  });
});
