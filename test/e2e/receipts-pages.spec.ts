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
import { approve } from '../support/approvals';
import { addBankAccount } from '../support/ledger-fixtures';
import { createTestApp, createTestUser, TestUsers } from '../support/test-app';
import { connect, createTestDatabase, TestDatabase } from '../support/test-database';

type Auth = { Authorization: string };
type Body = Record<string, unknown>;

const ACCOUNT = 'WSIS-TF/TEST-CHF';
const UUID = /[0-9a-f-]{36}/;

/** The rows of a receipt table as the page shows them: number → the row's HTML. */
function rows(html: string): Map<string, string> {
  const found = new Map<string, string>();
  for (const match of html.matchAll(/<tr data-testid="receipt-row"[\s\S]*?<\/tr>/g)) {
    const number = /RCT-\d{4}-\d{6}/.exec(match[0]);
    if (number !== null) found.set(number[0], match[0]);
  }
  return found;
}

describe('receipt pages', () => {
  let db: TestDatabase;
  let app: NestExpressApplication;
  let sql: Client;
  let officer: Auth;
  let manager: Auth;
  const donors: Record<string, string> = {};
  let pledge: { id: string; reference: string };

  const http = () => request(app.getHttpServer());
  const postForm = (url: string, fields: Record<string, string>) =>
    http().post(url).set(officer).type('form').send(fields);
  const count = async (table: string): Promise<number> =>
    (await sql.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`)).rows[0].n;
  const counts = async () => ({
    receipts: await count('receipt'),
    allocations: await count('receipt_allocation'),
    events: await count('receipt_event'),
    lines: await count('journal_line'),
    approvals: await count('approval_request'),
    audit: await count('audit_log'),
  });

  /** A receipt recorded through the API: its id and number. */
  const recordReceipt = async (body: Body): Promise<{ id: string; number: string }> => {
    const res = await http()
      .post('/api/v1/receipts')
      .set(officer)
      .send({ bankAccount: 'TEST-CHF', currency: 'CHF', valueDate: '2026-05-04', ...body });
    expect(res.status).toBe(201);
    return { id: res.body.id as string, number: res.body.number as string };
  };

  beforeAll(async () => {
    db = await createTestDatabase();
    await addBankAccount(db.url);
    app = await createTestApp(db, { env: { API_RATE_LIMIT_PER_MINUTE: '100000' } });
    sql = await connect(db.url);
    for (const name of ['Republic of Ghana', 'Kingdom of Tonga']) {
      const { rows: inserted } = await sql.query<{ id: string }>(
        `INSERT INTO donor (name, normalized_name, type, created_by)
         VALUES ($1, lower($1), 'member_state', 'test') RETURNING id`,
        [name],
      );
      donors[name] = inserted[0].id;
    }
    const users = new TestUsers(app);
    officer = await users.auth('officer.a', ['finance_officer']);
    manager = await users.auth('manager.a', ['management']);
    const rate = await http()
      .post('/api/v1/exchange-rates')
      .set(officer)
      .send({ currency: 'CHF', effectiveFrom: '2026-01-01', unitsPerUsd: '0.8000' });
    expect(rate.status).toBe(201);
    // Ghana's agreed pledge: three instalments of CHF 100.00.
    const created = await http()
      .post('/api/v1/pledges')
      .set(officer)
      .send({
        fund: 'WSIS-TF',
        donorId: donors['Republic of Ghana'],
        currency: 'CHF',
        amount: '300.00',
        announcedOn: '2026-02-01',
        instalments: [
          { dueDate: '2026-03-31', amount: '100.00' },
          { dueDate: '2026-06-30', amount: '100.00' },
          { dueDate: '2026-09-30', amount: '100.00' },
        ],
      });
    expect(created.status).toBe(201);
    pledge = { id: created.body.id as string, reference: created.body.reference as string };
    const agreed = await http()
      .post(`/api/v1/pledges/${pledge.id}/agreement`)
      .set(officer)
      .send({ agreedOn: '2026-02-15', documentRef: 'GH/WSIS/1' });
    expect(agreed.status).toBe(200);
  });

  afterAll(async () => {
    await sql?.end();
    await app?.close();
    await db?.drop();
  });

  // Recorded in order by the first test, used by the next ones.
  const receipts: Record<string, { id: string; number: string }> = {};

  it('lists every receipt, the unapplied queue (known donor) and the unidentified one', async () => {
    receipts.ghanaUnapplied = await recordReceipt({
      donorId: donors['Republic of Ghana'],
      grossAmount: '40.00',
      allocation: 'none',
    });
    receipts.unknown = await recordReceipt({
      grossAmount: '70.00',
      remitterName: 'MINISTRY OF FINANCE ACCRA',
      remittanceText: 'CONTRIBUTION WSIS',
    });
    receipts.tonga = await recordReceipt({
      donorId: donors['Kingdom of Tonga'],
      grossAmount: '25.00',
      allocation: 'none',
    });
    // Oldest due first: instalment 1 of Ghana's pledge, in full.
    receipts.ghanaAllocated = await recordReceipt({
      donorId: donors['Republic of Ghana'],
      grossAmount: '100.00',
      allocation: 'auto',
    });

    const all = await http().get('/receipts').set(manager);
    expect(all.status).toBe(200);
    expect([...rows(all.text).keys()].sort()).toEqual(
      Object.values(receipts)
        .map((receipt) => receipt.number)
        .sort(),
    );
    expect(all.text).toMatch(/<a href="\/receipts" aria-current="page">Receipts<\/a>/);
    expect(all.text).toMatch(/data-queue="all" aria-current="page"/);
    // A manager reads; only a finance officer records.
    expect(all.text).not.toContain('Record a receipt');
    const allocated = rows(all.text).get(receipts.ghanaAllocated.number)!;
    expect(allocated).toContain('data-status="allocated"');
    expect(allocated).toContain(`href="/receipts/${receipts.ghanaAllocated.id}"`);
    expect(allocated).toContain('Republic of Ghana');
    expect(allocated.match(/CHF [\d,.]+/g)).toEqual([
      'CHF 100.00', // gross
      'CHF 0.00', // charges
      'CHF 100.00', // allocated
      'CHF 0.00', // unapplied
    ]);

    const unapplied = await http().get('/receipts?queue=unapplied').set(manager);
    expect(unapplied.status).toBe(200);
    expect([...rows(unapplied.text).keys()].sort()).toEqual(
      [receipts.ghanaUnapplied.number, receipts.tonga.number].sort(),
    );
    expect(unapplied.text).toMatch(/data-queue="unapplied" aria-current="page"/);

    const unidentified = await http().get('/receipts?queue=unidentified').set(manager);
    const only = [...rows(unidentified.text).entries()];
    expect(only.map(([number]) => number)).toEqual([receipts.unknown.number]);
    expect(only[0][1]).toContain('Unidentified');
    expect(only[0][1]).toContain('MINISTRY OF FINANCE ACCRA');
    expect(only[0][1]).toContain('data-status="unidentified"');

    const officerView = await http().get('/receipts').set(officer);
    expect(officerView.text).toContain('href="/receipts/new"');
  });

  it('shows what is wrong in the form, with 422, keeps what was typed and records nothing', async () => {
    const before = await counts();
    const typed = {
      account: ACCOUNT,
      valueDate: '',
      currency: '',
      grossAmount: 'fifty',
      bankCharges: '5.00',
      donorId: donors['Republic of Ghana'],
      remitterName: 'Embassy of Ghana',
      remittanceText: 'WSIS contribution',
      bankReference: 'ZKB-1',
      allocation: 'none',
    };
    const res = await postForm('/receipts', typed);
    expect(res.status).toBe(422);
    expect(res.text).toContain('data-testid="receipt-form-errors"');
    expect(res.text).toContain('id="grossAmount-error"');
    expect(res.text).toContain('id="valueDate-error"');
    expect(res.text).toContain('href="#grossAmount"');
    expect(res.text).toContain('value="Embassy of Ghana"');
    expect(res.text).toContain('value="fifty"');
    expect(res.text).toContain('value="ZKB-1"');
    expect(res.text).toContain('>WSIS contribution</textarea>');
    // The currency left empty is the bank account's.
    expect(res.text).toMatch(/id="currency" name="currency"[^>]*value="CHF"/);
    expect(res.text).toContain(`<option value="${ACCOUNT}" selected>`);
    expect(res.text).toContain(`<option value="${donors['Republic of Ghana']}" selected>`);
    expect(res.text).toMatch(
      /id="allocation-none" name="allocation" type="radio" value="none" checked/,
    );

    // What the service refuses comes back the same way: charges of all the money, a future date.
    const refused = await postForm('/receipts', {
      ...typed,
      valueDate: '2999-01-01',
      grossAmount: '10.00',
      bankCharges: '10.00',
    });
    expect(refused.status).toBe(422);
    expect(refused.text).toMatch(
      /id="bankCharges-error">must be less than the gross amount CHF 10.00</,
    );
    expect(refused.text).toMatch(/id="valueDate-error">[^<]*not after today</);

    const noAccount = await postForm('/receipts', { ...typed, account: '', grossAmount: '10.00' });
    expect(noAccount.status).toBe(422);
    expect(noAccount.text).toContain(
      'id="account-error">choose the bank account the money arrived on<',
    );

    expect(await counts()).toEqual(before);
  });

  it('records a receipt with bank charges from the form and shows it', async () => {
    const before = await counts();
    const form = await http().get('/receipts/new').set(officer);
    expect(form.status).toBe(200);
    const formKey = /name="formKey" value="([0-9a-f-]{36})"/.exec(form.text)![1];
    const fields = {
      formKey,
      account: ACCOUNT,
      valueDate: '2026-05-11',
      currency: 'CHF',
      grossAmount: '1,150.00',
      bankCharges: '12.50',
      donorId: donors['Kingdom of Tonga'],
      remitterName: 'Government of Tonga',
      remittanceText: 'Voluntary contribution',
      bankReference: 'TONGA-2026-1',
      allocation: 'none',
    };
    const res = await postForm('/receipts', fields);
    expect(res.status).toBe(303);
    expect(res.headers.location).toMatch(new RegExp(`^/receipts/${UUID.source}\\?done=recorded$`));
    // The same filled form sent twice records once.
    const again = await postForm('/receipts', fields);
    expect(again.headers.location).toBe(res.headers.location);
    expect((await counts()).receipts).toBe(before.receipts + 1);

    receipts.fromForm = { id: UUID.exec(res.headers.location)![0], number: '' };
    const page = await http().get(res.headers.location).set(officer);
    expect(page.status).toBe(200);
    expect(page.text).toContain('data-testid="receipt-notice">Receipt recorded');
    expect(page.text).toContain('data-status="unapplied"');
    expect(page.text).toContain('data-testid="receipt-gross">CHF 1,150.00<');
    expect(page.text).toContain('data-testid="receipt-charges">CHF 12.50<');
    expect(page.text).toContain('data-testid="receipt-net">CHF 1,137.50<');
    expect(page.text).toContain('data-testid="receipt-unapplied">CHF 1,150.00</dd>');
    expect(page.text).toContain('Government of Tonga');
    expect(page.text).toContain('data-testid="receipt-allocate-link"');
    expect(page.text).not.toContain('data-testid="receipt-donor-link"');
    expect(page.text).toContain('data-testid="receipt-no-allocations"');
    expect(page.text).toMatch(/data-testid="receipt-entry-number">JE-\d{4}-\d{6}/);
    expect(page.text).toContain('5100 Bank charges');
  });

  it('allocates on the allocation page: open instalments, running figure, errors beside the row', async () => {
    const id = receipts.ghanaUnapplied.id;
    const page = await http().get(`/receipts/${id}/allocate`).set(officer);
    expect(page.status).toBe(200);
    expect(page.text).toContain('data-testid="allocate-unapplied">CHF 40.00<');
    // Instalment 1 was paid by another receipt: 2 and 3 are open.
    const open = [...page.text.matchAll(/<tr data-testid="open-instalment"[\s\S]*?<\/tr>/g)].map(
      (match) => match[0],
    );
    expect(open).toHaveLength(2);
    expect(open[0]).toContain(pledge.reference);
    expect(open[0]).toMatch(/<td>2<\/td>\s*<td class="nowrap">2026-06-30<\/td>/);
    expect(open[1]).toMatch(/<td>3<\/td>/);
    const rowFields = (amounts: string[]): Record<string, string> =>
      Object.fromEntries(
        amounts.flatMap((amount, index) => [
          [`row-${index}-pledgeId`, pledge.id],
          [`row-${index}-instalment`, String(index + 2)],
          [`row-${index}-amount`, amount],
        ]),
      );

    // The figure under the amounts, as htmx asks for it while they are typed.
    const figure = await postForm(`/receipts/${id}/allocate/left`, rowFields(['25.00', '']));
    expect(figure.status).toBe(200);
    expect(figure.text).toContain('data-testid="left-figure" data-over="false">CHF 15.00<');
    const over = await postForm(`/receipts/${id}/allocate/left`, rowFields(['25.00', '30']));
    expect(over.text).toContain('data-over="true">CHF -15.00<');

    const before = await counts();
    const tooMuch = await postForm(`/receipts/${id}/allocate`, {
      ...rowFields(['10.00', '150.00']),
      date: '2026-05-20',
      confirm: 'true',
      intent: 'explicit',
    });
    expect(tooMuch.status).toBe(422);
    expect(tooMuch.text).toMatch(
      /id="amount-1-error">CHF 150.00 is more than is open on instalment 3 of pledge [^<]*: CHF 100.00</,
    );
    expect(tooMuch.text).toContain('href="#amount-1"');
    expect(tooMuch.text).toMatch(
      /id="amount-1" name="row-1-amount" type="text" inputmode="decimal" value="150.00"/,
    );
    expect(tooMuch.text).toContain('value="2026-05-20"');

    const moreThanReceived = await postForm(`/receipts/${id}/allocate`, {
      ...rowFields(['30.00', '30.00']),
      confirm: 'true',
      intent: 'explicit',
    });
    expect(moreThanReceived.status).toBe(422);
    expect(moreThanReceived.text).toMatch(
      /id="allocations-error"[^>]*>the allocations take CHF 60.00; the receipt has CHF 40.00 left/,
    );

    const nothing = await postForm(`/receipts/${id}/allocate`, {
      ...rowFields(['', '']),
      confirm: 'true',
      intent: 'explicit',
    });
    expect(nothing.status).toBe(422);
    expect(nothing.text).toContain('enter an amount against at least one instalment');

    // "Work out what is left" without script: the page again, nothing written.
    const check = await postForm(`/receipts/${id}/allocate`, {
      ...rowFields(['25.00', '']),
      intent: 'check',
    });
    expect(check.status).toBe(200);
    expect(check.text).toContain('data-over="false">CHF 15.00<');

    // An allocation is posted to the ledger: without the box ticked, nothing is, by either button.
    for (const intent of ['explicit', 'auto']) {
      const unconfirmed = await postForm(`/receipts/${id}/allocate`, {
        ...rowFields(['25.00', '15.00']),
        date: '2026-05-20',
        intent,
      });
      expect(unconfirmed.status).toBe(422);
      expect(unconfirmed.text).toMatch(
        /id="confirm-error">tick the box to confirm: a posted allocation is undone only by reversing the receipt</,
      );
      expect(unconfirmed.text).toContain('href="#confirm"');
      expect(unconfirmed.text).toMatch(
        /id="confirm" name="confirm" type="checkbox" value="true" +aria-invalid="true"/,
      );
      expect(unconfirmed.text).toMatch(
        /id="amount-1" name="row-1-amount" type="text" inputmode="decimal" value="15.00"/,
      );
    }
    expect(await counts()).toEqual(before);

    const done = await postForm(`/receipts/${id}/allocate`, {
      ...rowFields(['25.00', '15.00']),
      date: '2026-05-20',
      confirm: 'true',
      intent: 'explicit',
    });
    expect(done.status).toBe(303);
    expect(done.headers.location).toBe(`/receipts/${id}?done=allocated`);
    const receipt = await http().get(done.headers.location).set(manager);
    expect(receipt.text).toContain('data-status="allocated"');
    const allocations = [
      ...receipt.text.matchAll(/<tr data-testid="receipt-allocation">[\s\S]*?<\/tr>/g),
    ].map((match) => match[0]);
    expect(allocations).toHaveLength(2);
    expect(allocations[0]).toContain(`href="/pledges/${pledge.id}"`);
    expect(allocations.map((row) => row.match(/<td>(\d)<\/td>/)![1]).sort()).toEqual(['2', '3']);
    expect(receipt.text).not.toContain('data-testid="receipt-allocate-link"');
  });

  it('assigns the donor of an unidentified receipt', async () => {
    const id = receipts.unknown.id;
    const page = await http().get(`/receipts/${id}`).set(officer);
    expect(page.text).toContain('data-status="unidentified"');
    expect(page.text).toContain(`href="/receipts/${id}/donor"`);
    expect(page.text).not.toContain('data-testid="receipt-allocate-link"');
    const allocate = await http().get(`/receipts/${id}/allocate`).set(officer);
    expect(allocate.text).toContain('assign the donor first');

    const form = await http().get(`/receipts/${id}/donor`).set(officer);
    expect(form.status).toBe(200);
    expect(form.text).toContain('MINISTRY OF FINANCE ACCRA');
    const before = await counts();
    const missing = await postForm(`/receipts/${id}/donor`, {
      donorId: '',
      date: '2026-05-20',
      confirm: 'true',
    });
    expect(missing.status).toBe(422);
    expect(missing.text).toContain('id="donorId-error">choose the donor the money came from<');
    // The assignment is posted to the ledger: it needs the box ticked, and keeps the choice.
    const unconfirmed = await postForm(`/receipts/${id}/donor`, {
      donorId: donors['Republic of Ghana'],
      date: '2026-05-20',
    });
    expect(unconfirmed.status).toBe(422);
    expect(unconfirmed.text).toContain('id="confirm-error">tick the box to confirm');
    expect(unconfirmed.text).toContain(`<option value="${donors['Republic of Ghana']}" selected>`);
    expect(await counts()).toEqual(before);

    const done = await postForm(`/receipts/${id}/donor`, {
      donorId: donors['Republic of Ghana'],
      date: '2026-05-20',
      confirm: 'true',
    });
    expect(done.status).toBe(303);
    expect(done.headers.location).toBe(`/receipts/${id}?done=donor`);
    const after = await http().get(done.headers.location).set(officer);
    expect(after.text).toContain('data-status="unapplied"');
    expect(after.text).toContain('data-testid="receipt-donor"><a href="/donors/');
    expect(after.text).toMatch(/data-kind="donor-assigned"[\s\S]*Republic of Ghana/);
    expect(after.text).toContain('data-testid="receipt-allocate-link"');
    const unidentified = await http().get('/receipts?queue=unidentified').set(officer);
    expect(unidentified.text).toContain('data-testid="receipt-empty"');
    const unapplied = await http().get('/receipts?queue=unapplied').set(officer);
    expect(rows(unapplied.text).has(receipts.unknown.number)).toBe(true);
  });

  it('sends a refund for approval from the receipt page', async () => {
    const id = receipts.tonga.id;
    const before = await counts();
    const unconfirmed = await postForm(`/receipts/${id}/refund`, {
      amount: '25.00',
      date: '2026-05-20',
      reason: 'Paid to the wrong fund',
    });
    expect(unconfirmed.status).toBe(422);
    expect(unconfirmed.text).toContain('id="refund-confirm-error"');
    expect(unconfirmed.text).toContain('>Paid to the wrong fund</textarea>');
    const tooMuch = await postForm(`/receipts/${id}/refund`, {
      amount: '30.00',
      date: '2026-05-20',
      reason: 'Paid to the wrong fund',
      confirm: 'true',
    });
    expect(tooMuch.status).toBe(422);
    expect(tooMuch.text).toContain('id="refund-amount-error"');
    expect(await counts()).toEqual(before);

    const sent = await postForm(`/receipts/${id}/refund`, {
      amount: '25.00',
      date: '2026-05-20',
      reason: 'Paid to the wrong fund',
      confirm: 'true',
    });
    expect(sent.status).toBe(303);
    expect(sent.headers.location).toMatch(
      new RegExp(`^/receipts/${id}\\?done=refund&approval=${UUID.source}$`),
    );
    const page = await http().get(sent.headers.location).set(officer);
    expect(page.text).toContain('data-testid="receipt-pending"');
    expect(page.text).toContain('Approval requested');
    // Nothing moves until another person approves it.
    expect(page.text).toContain('data-status="unapplied"');
    expect((await counts()).approvals).toBe(before.approvals + 1);
  });

  it('sends a reversal for approval; once approved, the page links the reversing entries', async () => {
    const id = receipts.fromForm.id;
    const sent = await postForm(`/receipts/${id}/reversal`, {
      date: '2026-05-20',
      reason: 'Entered twice: same credit as the bank statement line 4',
      confirm: 'true',
    });
    expect(sent.status).toBe(303);
    const approvalId = new URL(sent.headers.location, 'http://x').searchParams.get('approval')!;
    const approver = await new TestUsers(app).auth('approver.a', ['approver']);
    expect((await approve(app, approvalId, approver)).status).toBe(200);

    const page = await http().get(`/receipts/${id}`).set(officer);
    expect(page.text).toContain('data-status="reversed"');
    const event = /<tr data-testid="receipt-event" data-kind="reversed">[\s\S]*?<\/tr>/.exec(
      page.text,
    )![0];
    expect(event).toContain('Entered twice');
    const links = [
      ...event.matchAll(
        /href="#entry-([0-9a-f-]{36})" data-testid="receipt-reversing-entry">(JE-\d{4}-\d{6})</g,
      ),
    ];
    expect(links.length).toBeGreaterThan(0);
    for (const [, entryId, number] of links) {
      expect(page.text).toMatch(
        new RegExp(`id="entry-${entryId}" data-testid="receipt-entry-number">${number}`),
      );
    }
    expect(page.text).toMatch(/reversed by <a href="#entry-/);
    expect(page.text).not.toContain('data-testid="reversal-form"');
    expect(page.text).not.toContain('data-testid="receipt-allocate-link"');
  });

  it('answers 404 for a receipt that is not there', async () => {
    const res = await http().get('/receipts/9d2a6e4c-0000-4000-8000-000000000000').set(officer);
    expect(res.status).toBe(404);
  });
});

const USERNAME = 'kofi.officer';
const PASSWORD = 'Amber-Harbour-Lantern-58';

describeWithBrowser('receipt pages in a browser', () => {
  let harness: BrowserApp | undefined;
  let browser: BrowserSession | undefined;
  let baseUrl: string;
  let pledge: { id: string; reference: string };

  beforeAll(async () => {
    harness = await startBrowserApp(async (app) => {
      await createPasswordUser(app, {
        username: USERNAME,
        password: PASSWORD,
        displayName: 'Kofi Mensah',
        roles: ['finance_officer'],
      });
      // The set-up goes through the API as another officer, and the bank account in the database.
      await addBankAccount(app.get<AppConfig>(APP_CONFIG).database.url!);
      const setup = await createTestUser(app, 'setup.officer', ['finance_officer']);
      const api = (path: string, body: Body) =>
        request(app.getHttpServer()).post(path).set(setup.auth).send(body);
      const donor = await api('/api/v1/donors', {
        name: 'Republic of Ghana',
        type: 'member_state',
        statementLanguage: 'en',
        statementCurrency: 'CHF',
      });
      expect(donor.status).toBe(201);
      const rate = await api('/api/v1/exchange-rates', {
        currency: 'CHF',
        effectiveFrom: '2026-01-01',
        unitsPerUsd: '0.8000',
      });
      expect(rate.status).toBe(201);
      const created = await api('/api/v1/pledges', {
        fund: 'WSIS-TF',
        donorId: donor.body.id,
        currency: 'CHF',
        amount: '10,000.00',
        announcedOn: '2026-02-01',
        instalments: [
          { dueDate: '2026-03-31', amount: '4,000.00' },
          { dueDate: '2027-03-31', amount: '6,000.00' },
        ],
      });
      expect(created.status).toBe(201);
      pledge = { id: created.body.id, reference: created.body.reference };
      const agreed = await api(`/api/v1/pledges/${pledge.id}/agreement`, {
        agreedOn: '2026-02-15',
        documentRef: 'GH/WSIS/2026/1',
      });
      expect(agreed.status).toBe(200);
    });
    ({ browser, baseUrl } = harness);
  });

  afterAll(() => harness?.close());

  it('records a receipt with bank charges, then allocates it across two instalments', async () => {
    const page = await browser!.context.newPage();
    const errors = watchPage(page, baseUrl, [422]);
    try {
      await page.goto(`${baseUrl}/receipts`);
      await page.waitForURL(/\/sign-in\?next=%2Freceipts$/);
      await page.getByLabel('User name').fill(USERNAME);
      await page.getByLabel('Password').fill(PASSWORD);
      await submitForm(page, 'Sign in');
      await page.waitForURL(`${baseUrl}/receipts`);
      expect(await page.getByTestId('receipt-empty').isVisible()).toBe(true);
      const nav = page.getByRole('navigation', { name: 'Main' });
      expect(await nav.getByRole('link', { name: 'Receipts' }).getAttribute('aria-current')).toBe(
        'page',
      );

      await Promise.all([
        page.waitForURL(`${baseUrl}/receipts/new`),
        page.getByRole('link', { name: 'Record a receipt' }).click(),
      ]);
      // The only account is chosen already, with its currency.
      expect(await page.getByLabel('Currency').inputValue()).toBe('CHF');
      await page.getByLabel('Value date').fill('2026-10-05');
      await page.getByLabel('Gross amount').fill('7,000.00');
      await page.getByLabel('Bank charges').fill('35.00');
      await page.getByLabel('Donor', { exact: true }).selectOption({ label: 'Republic of Ghana' });
      await page.getByLabel('Remitter name').fill('MINISTRY OF FINANCE ACCRA');
      await page.getByLabel('Remittance text').fill(`${pledge.reference} balance`);
      await page.getByLabel(/Leave unapplied/).check();
      await submitForm(page, 'Record receipt');
      await page.waitForURL(/\/receipts\/[0-9a-f-]{36}\?done=recorded$/);
      const receiptPath = new URL(page.url()).pathname;
      expect(await page.getByTestId('receipt-status').getAttribute('data-status')).toBe(
        'unapplied',
      );
      expect(await page.getByTestId('receipt-net').textContent()).toBe('CHF 6,965.00');
      expect(await page.getByTestId('receipt-unapplied').textContent()).toContain('CHF 7,000.00');

      await Promise.all([
        page.waitForURL(`${baseUrl}${receiptPath}/allocate`),
        page.getByTestId('receipt-allocate-link').click(),
      ]);
      const open = page.getByTestId('open-instalment');
      expect(await open.count()).toBe(2);
      // Named in the remittance text.
      expect(await open.nth(0).getAttribute('data-named')).toBe('true');
      expect(await page.getByTestId('allocate-unapplied').textContent()).toBe('CHF 7,000.00');
      await page.getByLabel(`${pledge.reference} instalment 1 amount (CHF)`).fill('4,000.00');
      await page.getByLabel(`${pledge.reference} instalment 2 amount (CHF)`).fill('2,500.00');
      // The running figure, worked out by the server as the amounts are typed.
      await page
        .getByTestId('left-figure')
        .filter({ hasText: 'CHF 500.00' })
        .waitFor({ timeout: 5000 });
      await page.getByLabel(/I confirm the allocation/).check();
      await page.screenshot({ path: screenshotPath('receipt-allocate'), fullPage: true });
      await submitForm(page, 'Allocate');
      await page.waitForURL(`${baseUrl}${receiptPath}?done=allocated`);
      expect(await page.getByTestId('receipt-notice').textContent()).toContain(
        'Allocation recorded',
      );
      expect(await page.getByTestId('receipt-status').getAttribute('data-status')).toBe(
        'partially-allocated',
      );
      expect(await page.getByTestId('receipt-allocated').textContent()).toBe('CHF 6,500.00');
      const allocations = page.getByTestId('receipt-allocation');
      expect(await allocations.count()).toBe(2);
      const texts = (await allocations.allTextContents()).join('\n');
      expect(texts).toContain('CHF 4,000.00');
      expect(texts).toContain('CHF 2,500.00');
      await page.screenshot({ path: screenshotPath('receipt'), fullPage: true });

      // The pledge: the first instalment paid, the second partly.
      await Promise.all([
        page.waitForURL(`${baseUrl}/pledges/${pledge.id}`),
        allocations.nth(0).getByRole('link', { name: pledge.reference }).click(),
      ]);
      const instalments = page.getByTestId('pledge-instalment');
      expect(await instalments.count()).toBe(2);
      expect(await instalments.nth(0).locator('.badge').textContent()).toBe('Paid');
      expect(await instalments.nth(1).locator('.badge').textContent()).toBe('Partially paid');
      expect(await instalments.nth(1).textContent()).toContain('CHF 3,500.00');
      await page.screenshot({ path: screenshotPath('receipt-pledge'), fullPage: true });

      // Still in the unapplied queue for what is left.
      await page.goto(`${baseUrl}/receipts?queue=unapplied`);
      expect(await page.getByTestId('receipt-row').count()).toBe(1);
      expect(errors).toEqual([]);
    } finally {
      await page.close();
    }
  });
});
