import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Stream } from 'node:stream';
import { NestExpressApplication } from '@nestjs/platform-express';
import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import { Client } from 'pg';
import { formatMoney } from '../../src/documents/document-format';
import { CHROMIUM_PATH } from '../../src/documents/pdf-renderer';
import { approve } from '../support/approvals';
import { addBankAccount } from '../support/ledger-fixtures';
import { authedHttp, createTestApp, TestUsers } from '../support/test-app';
import { connect, createTestDatabase, TestDatabase } from '../support/test-database';

// JSON answers, read field by field by the assertions.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Body = Record<string, any>;

const COUNCIL = '/api/v1/reports/council';
const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const chf = (amount: string) => ({ currency: 'CHF', amount });
const hasPdfTools = existsSync(CHROMIUM_PATH) && spawnSync('pdftotext', ['-v']).status === 0;
/** Skipped with the reason on a machine without chromium or pdftotext; never in CI. */
const itWithPdfTools = hasPdfTools || process.env.CI ? it : it.skip;
/** Reads a response body as bytes, whatever its type. */
function bytes(res: Stream, done: (error: Error | null, body: Buffer) => void) {
  const chunks: Buffer[] = [];
  res.on('data', (chunk: Buffer) => chunks.push(chunk));
  res.on('end', () => done(null, Buffer.concat(chunks)));
}
const squeeze = (text: string): string => text.normalize('NFKC').replace(/\s/gu, '');

/**
 * A small history of the WSIS Trust Fund, all in CHF:
 * - Kingdom of Sweden (SE, Member State) agrees 5,000.00 on 2025-11-10 and pays 2,000.00 on
 *   2025-12-15 (last year) and 3,000.00 less 10.00 bank charges on 2026-03-02;
 * - Nippon Foundation (JP, foundation) agrees 4,000.00 on 2026-01-20 and pays it on 2026-04-15.
 * Grants this year (approved today, 2026 in this test run's calendar or later):
 *   Sita (Nepal, LDC on the decision date, woman) full 2,000.00, paid out and settled at 1,850.00;
 *   Juan (Peru, developing, man) full 1,200.00, paid out;
 *   Awa (Senegal, LDC, woman) daily allowance 600.00, approved only;
 *   Amina (Egypt, woman) remote 500.00, cancelled: not awarded.
 * Year 2026: opening 5,000.00 (Sweden's agreement); revenue 4,000.00; expenses 10.00 bank
 * charges + 1,850.00 grant expense; carried forward 7,140.00 (cash 5,940.00 + advance 1,200.00).
 */
describe('annual report to Council', () => {
  let db: TestDatabase;
  let app: NestExpressApplication;
  let sql: Client;
  let year: number;
  let today: string;
  const auth: Record<string, { Authorization: string }> = {};
  const donors: Record<string, string> = {};
  const grants: Record<string, string> = {};
  const events: Record<string, string> = {};
  const workDir = mkdtempSync(join(tmpdir(), 'tf-council-test-'));

  const as = (name: string) => authedHttp(app, auth[name]);

  async function council(query: string, user = 'management'): Promise<Body> {
    const res = await as(user).get(`${COUNCIL}${query}`);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/application\/json/);
    return res.body as Body;
  }

  async function pledge(donor: string, amount: string, agreedOn: string, instalments: Body[]) {
    const created = await as('officer').post('/api/v1/pledges').send({
      fund: 'WSIS-TF',
      donorId: donors[donor],
      earmark: 'PARTICIPATION-GRANTS',
      currency: 'CHF',
      amount,
      announcedOn: agreedOn,
      instalments,
    });
    expect(created.status).toBe(201);
    const agreed = await as('officer')
      .post(`/api/v1/pledges/${created.body.id as string}/agreement`)
      .send({ agreedOn, documentRef: `AGR-${donor}` });
    expect(agreed.status).toBe(200);
  }

  async function receipt(donor: string, gross: string, charges: string, valueDate: string) {
    const res = await as('officer').post('/api/v1/receipts').send({
      bankAccount: 'CHF-MAIN',
      valueDate,
      currency: 'CHF',
      grossAmount: gross,
      bankCharges: charges,
      donorId: donors[donor],
    });
    expect(res.status).toBe(201);
    expect(res.body.status).toBe('allocated');
  }

  async function participant(name: string, country: string, gender: string): Promise<string> {
    const { rows } = await sql.query<{ id: string }>(
      `INSERT INTO participant (name, normalized_name, gender, country, organisation,
         stakeholder_group, created_by)
       VALUES ($1, lower($1), $2, $3, 'Organisation', 'government', 'test') RETURNING id`,
      [name, gender, country],
    );
    return rows[0].id;
  }

  async function grant(key: string, body: Body): Promise<void> {
    const requested = await as('officer')
      .post('/api/v1/grants')
      .send({ eventId: events.FORUM, ...body });
    expect(requested.status).toBe(201);
    const id = requested.body.id as string;
    const asked = await as('officer').post(`/api/v1/grants/${id}/approval`).send({});
    expect(asked.status).toBe(202);
    expect((await approve(app, asked.body.id as string, auth.approver)).status).toBe(200);
    grants[key] = id;
  }

  async function step(key: string, what: string, body: Body): Promise<void> {
    const res = await as('officer')
      .post(`/api/v1/grants/${grants[key]}/${what}`)
      .send({ date: today, ...body });
    if (res.status !== 200) throw new Error(`${what} of ${key}: ${res.status} ${res.text}`);
  }

  beforeAll(async () => {
    db = await createTestDatabase();
    await addBankAccount(db.url, { code: 'CHF-MAIN', currency: 'CHF', id: randomUUID() });
    app = await createTestApp(db, { env: { API_RATE_LIMIT_PER_MINUTE: '100000' } });
    sql = await connect(db.url);
    const users = new TestUsers(app);
    auth.officer = await users.auth('officer', ['finance_officer']);
    auth.approver = await users.auth('approver', ['approver']);
    auth.management = await users.auth('management', ['management']);
    auth.auditor = await users.auth('auditor', ['auditor']);
    for (const [key, name, country, type] of [
      ['sweden', 'Kingdom of Sweden', 'SE', 'member_state'],
      ['nippon', 'Nippon Foundation', 'JP', 'foundation'],
    ]) {
      const res = await as('officer').post('/api/v1/donors').send({ name, type, country });
      expect(res.status).toBe(201);
      donors[key] = res.body.id as string;
    }
    auth.donor = (await users.get('donor.sweden', ['donor'], [donors.sweden])).auth;

    await pledge('sweden', '5000.00', '2025-11-10', [
      { dueDate: '2025-12-31', amount: '2000.00' },
      { dueDate: '2026-06-30', amount: '3000.00' },
    ]);
    await receipt('sweden', '2000.00', '0', '2025-12-15');
    await pledge('nippon', '4000.00', '2026-01-20', [{ dueDate: '2026-05-31', amount: '4000.00' }]);
    await receipt('sweden', '3000.00', '10.00', '2026-03-02');
    await receipt('nippon', '4000.00', '0', '2026-04-15');

    const { rows } = await sql.query<{ id: string }>(
      `INSERT INTO grant_event (fund_id, earmark_id, code, name, place, starts_on, ends_on,
         budget_minor, eligibility_rule, offers_full, offers_partial_ticket,
         offers_partial_allowance, offers_remote, remote_amount_minor, created_by)
       SELECT f.id, e.id, 'FORUM', 'WSIS Forum', 'Geneva', '2026-12-07', '2026-12-11', 1000000,
              'ldc-and-developing', true, true, true, true, 50000, 'test'
         FROM fund f JOIN earmark e ON e.fund_id = f.id AND e.code = 'PARTICIPATION-GRANTS'
        WHERE f.code = 'WSIS-TF' RETURNING grant_event.id`,
    );
    events.FORUM = rows[0].id;
    await grant('sita', {
      participantId: await participant('Sita Sharma', 'NP', 'female'),
      kind: 'full',
      ticket: '1200.00',
      allowance: '800.00',
      decisionDate: '2026-11-20',
    });
    await grant('juan', {
      participantId: await participant('Juan Quispe', 'PE', 'male'),
      kind: 'full',
      ticket: '800.00',
      allowance: '400.00',
      decisionDate: '2026-11-21',
    });
    await grant('awa', {
      participantId: await participant('Awa Ndiaye', 'SN', 'female'),
      kind: 'partial-allowance',
      allowance: '600.00',
      decisionDate: '2026-11-20',
    });
    await grant('amina', {
      participantId: await participant('Amina Hassan', 'EG', 'female'),
      kind: 'remote',
      decisionDate: '2026-11-22',
    });
    const sita = await as('auditor').get(`/api/v1/grants/${grants.sita}`);
    today = (sita.body.steps as Body[]).find((s) => s.kind === 'approved')!.on as string;
    year = Number(today.slice(0, 4));
    await step('sita', 'disbursement', { bankAccount: 'CHF-MAIN' });
    await step('sita', 'settlement', { actualCost: '1850.00', bankAccount: 'CHF-MAIN' });
    await step('juan', 'disbursement', { bankAccount: 'CHF-MAIN' });
    await step('amina', 'cancellation', { reason: 'The participant withdrew' });
  }, 120_000);

  afterAll(async () => {
    await sql?.end();
    await app?.close();
    await db?.drop();
    rmSync(workDir, { recursive: true, force: true });
  });

  it('gives the contributions received in the year by donor, with country and type, in CHF', async () => {
    // The history above is dated 2026; the grants are approved on the day the test runs.
    expect(year).toBe(2026);
    const body = await council('?fund=WSIS-TF&year=2026');
    expect(body).toMatchObject({
      fund: { code: 'WSIS-TF', functionalCurrency: 'CHF' },
      year: 2026,
      from: '2026-01-01',
      to: '2026-12-31',
    });
    expect(body.contributions).toEqual({
      donors: [
        {
          donorId: donors.nippon,
          name: 'Nippon Foundation',
          country: 'JP',
          type: 'foundation',
          receipts: 1,
          received: chf('4000.00'),
        },
        {
          donorId: donors.sweden,
          name: 'Kingdom of Sweden',
          country: 'SE',
          type: 'member_state',
          receipts: 1,
          received: chf('3000.00'),
        },
      ],
      receipts: 2,
      total: chf('7000.00'),
    });
    // Last year holds only Sweden's first payment.
    const last = await council('?fund=WSIS-TF&year=2025');
    expect(last.contributions.total).toEqual(chf('2000.00'));
    expect(last.contributions.donors).toHaveLength(1);
  });

  it('gives the grants awarded by country and region with the LDC share, and the gender balance', async () => {
    const { grants: figures } = await council('?year=2026');
    expect(figures.total).toEqual({ grants: 3, amount: chf('3800.00') });
    expect(figures.ldc).toEqual({
      grants: 2,
      amount: chf('2600.00'),
      shareOfGrants: '66.7',
      shareOfAmount: '68.4',
    });
    expect(figures.byCountry).toEqual([
      {
        country: 'NP',
        countryName: 'Nepal',
        region: 'Asia-Pacific',
        ldcGrants: 1,
        grants: 1,
        amount: chf('2000.00'),
      },
      {
        country: 'PE',
        countryName: 'Peru',
        region: 'Americas',
        ldcGrants: 0,
        grants: 1,
        amount: chf('1200.00'),
      },
      {
        country: 'SN',
        countryName: 'Senegal',
        region: 'Africa',
        ldcGrants: 1,
        grants: 1,
        amount: chf('600.00'),
      },
    ]);
    expect(figures.byRegion).toEqual([
      {
        region: 'Africa',
        grants: 1,
        amount: chf('600.00'),
        ldcGrants: 1,
        ldcAmount: chf('600.00'),
      },
      {
        region: 'Americas',
        grants: 1,
        amount: chf('1200.00'),
        ldcGrants: 0,
        ldcAmount: chf('0.00'),
      },
      {
        region: 'Asia-Pacific',
        grants: 1,
        amount: chf('2000.00'),
        ldcGrants: 1,
        ldcAmount: chf('2000.00'),
      },
    ]);
    expect(figures.byGender).toEqual([
      { gender: 'female', label: 'Female', grants: 2, amount: chf('2600.00') },
      { gender: 'male', label: 'Male', grants: 1, amount: chf('1200.00') },
    ]);
    // Nothing was awarded the year before.
    expect((await council('?year=2025')).grants.total).toEqual({ grants: 0, amount: chf('0.00') });
  });

  it('gives the use of each earmark at the end of the year, as the earmark funds do', async () => {
    const body = await council('?year=2026');
    const participation = (body.earmarks as Body[]).find((e) => e.code === 'PARTICIPATION-GRANTS');
    // Received net of charges 2,000 + 2,990 + 4,000; Awa's 600 committed; spent: Sita's cost
    // 1,850 and Juan's advance 1,200.
    expect(participation).toMatchObject({
      received: chf('8990.00'),
      committed: chf('600.00'),
      spent: chf('3050.00'),
      available: chf('5340.00'),
    });
    const own = await as('auditor').get(
      `/api/v1/funds/WSIS-TF/earmarks/PARTICIPATION-GRANTS/available?asOf=2026-12-31`,
    );
    expect(own.status).toBe(200);
    expect(own.body).toMatchObject({
      received: participation!.received,
      committed: participation!.committed,
      spent: participation!.spent,
      available: participation!.available,
    });
    expect((body.earmarks as Body[]).find((e) => e.code === 'UNEARMARKED')).toMatchObject({
      received: chf('0.00'),
      available: chf('0.00'),
    });
  });

  it('carries the balance forward from the ledger, tying to the trial balance at 31 December', async () => {
    const { balance } = await council('?year=2026');
    expect(balance).toMatchObject({
      opening: chf('5000.00'),
      revenue: chf('4000.00'),
      expenses: chf('1860.00'),
      otherChanges: chf('0.00'),
      closing: chf('7140.00'),
      netAssets: chf('7140.00'),
      ties: true,
    });
    expect(balance.revenueLines).toEqual([
      { account: '4000', name: 'Contribution revenue', amount: chf('4000.00') },
    ]);
    expect(balance.expenseLines).toEqual([
      { account: '5000', name: 'Participation grants expense', amount: chf('1850.00') },
      { account: '5100', name: 'Bank charges', amount: chf('10.00') },
    ]);
    // Assets less liabilities in the trial balance, read through the ledger's own route.
    const trial = await as('auditor').get('/api/v1/funds/WSIS-TF/trial-balance?asOf=2026-12-31');
    expect(trial.status).toBe(200);
    let net = 0n;
    for (const line of trial.body.accounts as Body[]) {
      if (line.kind !== 'asset' && line.kind !== 'liability') continue;
      const minor = (amount: string) => BigInt(amount.replace('.', ''));
      net += minor(line.debit.amount as string) - minor(line.credit.amount as string);
    }
    expect(net).toBe(714000n);
    // Last year's closing balance is this year's opening.
    const last = await council('?year=2025');
    expect(last.balance).toMatchObject({
      opening: chf('0.00'),
      revenue: chf('5000.00'),
      closing: chf('5000.00'),
      ties: true,
    });
  });

  it('renders the document in HTML with the figures, in English and in French', async () => {
    const en = await as('management').get(`${COUNCIL}?year=2026&format=html`);
    expect(en.status).toBe(200);
    expect(en.headers['content-type']).toMatch(/^text\/html/);
    expect(en.headers['content-security-policy']).toContain("default-src 'none'");
    expect(en.text).toContain('<html lang="en" dir="ltr">');
    expect(en.text).toContain('Annual report to Council 2026');
    for (const text of [
      'Nippon Foundation',
      'Kingdom of Sweden',
      formatMoney('en', chf('7000.00')),
      formatMoney('en', chf('3800.00')),
      formatMoney('en', chf('7140.00')),
      'Asia-Pacific',
      'Women',
      '2 of 3 grants (66.7%)',
    ]) {
      expect(en.text).toContain(text);
    }

    const fr = await as('management').get(`${COUNCIL}?year=2026&format=html&language=fr`);
    expect(fr.status).toBe(200);
    expect(fr.text).toContain('<html lang="fr" dir="ltr">');
    expect(fr.text).toContain('Rapport annuel au Conseil 2026');
    expect(fr.text).toContain(formatMoney('fr', chf('7000.00')));
    expect(fr.text).toContain(formatMoney('fr', chf('7140.00')));
    expect(fr.text).toContain('Népal');
    expect(fr.text).toContain('Asie-Pacifique');
    expect(fr.text).toContain('Femmes');
  });

  itWithPdfTools('prints a draft PDF showing the fund and the total received', async () => {
    const res = await as('management')
      .get(`${COUNCIL}?year=2026&format=pdf`)
      .buffer(true)
      .parse(bytes);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('application/pdf');
    const pdf = res.body as Buffer;
    expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    const file = join(workDir, 'council.pdf');
    writeFileSync(file, pdf);
    const text = execFileSync('pdftotext', ['-enc', 'UTF-8', file, '-'], { encoding: 'utf8' });
    const { rows } = await sql.query<{ name: string }>(
      `SELECT name FROM fund WHERE code = 'WSIS-TF'`,
    );
    expect(squeeze(text)).toContain(squeeze(rows[0].name));
    expect(squeeze(text)).toContain(squeeze(formatMoney('en', chf('7000.00'))));
    // A draft: the letterhead says it was not issued (the watermark is drawn rotated).
    expect(squeeze(text)).toContain(squeeze('Preview, not issued'));
  });

  it('gives its tables as CSV (contributions by donor) and XLSX (every table)', async () => {
    const csv = await as('management').get(`${COUNCIL}?year=2026&format=csv`);
    expect(csv.status).toBe(200);
    expect(csv.headers['content-type']).toMatch(/^text\/csv/);
    const rows = parse<Record<string, string>>(csv.text, { columns: true });
    expect(rows).toEqual([
      {
        row_type: 'row',
        donor: 'Nippon Foundation',
        country: 'JP',
        donor_type: 'foundation',
        receipts: '1',
        received: '4000.00',
      },
      {
        row_type: 'row',
        donor: 'Kingdom of Sweden',
        country: 'SE',
        donor_type: 'member_state',
        receipts: '1',
        received: '3000.00',
      },
      {
        row_type: 'total',
        donor: 'Total',
        country: '',
        donor_type: '',
        receipts: '2',
        received: '7000.00',
      },
    ]);

    const xlsx = await as('management')
      .get(`${COUNCIL}?year=2026&format=xlsx`)
      .buffer(true)
      .parse(bytes);
    expect(xlsx.status).toBe(200);
    expect(xlsx.headers['content-type']).toBe(XLSX);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(Uint8Array.from(xlsx.body as Buffer).buffer);
    expect(workbook.worksheets.map((sheet) => sheet.name)).toEqual([
      'council-contributions',
      'council-grants-by-country',
      'council-grants-by-region',
      'council-grants-by-gender',
      'council-earmarks',
      'council-balance',
    ]);
    const balance: unknown[][] = [];
    workbook
      .getWorksheet('council-balance')!
      .eachRow((row) => balance.push((row.values as unknown[]).slice(1)));
    expect(balance[balance.length - 1]).toEqual([
      'Balance carried forward at 31 December 2026',
      7140,
    ]);
  });

  it('refuses an unknown fund, a year not begun and an unknown language with field reasons', async () => {
    const fund = await as('management').get(`${COUNCIL}?fund=NO-SUCH&year=2026`);
    expect(fund.status).toBe(422);
    expect(fund.body.errors).toEqual([expect.objectContaining({ field: 'fund', rule: 'exists' })]);
    const future = await as('management').get(`${COUNCIL}?year=${year + 1}`);
    expect(future.status).toBe(422);
    expect(future.body.errors).toEqual([
      expect.objectContaining({ field: 'year', rule: 'not-future' }),
    ]);
    const language = await as('management').get(`${COUNCIL}?language=de`);
    expect(language.status).toBe(422);
    expect(language.body.errors).toEqual([expect.objectContaining({ field: 'language' })]);
  });

  it('is given to staff and refused to a donor user', async () => {
    expect((await as('auditor').get(`${COUNCIL}?year=2026`)).status).toBe(200);
    expect((await as('officer').get(`${COUNCIL}?year=2026`)).status).toBe(200);
    expect((await as('donor').get(`${COUNCIL}?year=2026`)).status).toBe(403);
    expect((await as('donor').get(`${COUNCIL}?year=2026&format=pdf`)).status).toBe(403);
  });
});
