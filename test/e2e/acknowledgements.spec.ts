import { createHash } from 'node:crypto';
import { Stream } from 'node:stream';
import { NestExpressApplication } from '@nestjs/platform-express';
import { Client } from 'pg';
import request from 'supertest';
import { todayUtc } from '../../src/common/calendar-date';
import { AcknowledgementsService } from '../../src/statements/acknowledgements.service';
import { addBankAccount } from '../support/ledger-fixtures';
import { createTestApp, createTestUser, TestUsers } from '../support/test-app';
import { connect, createTestDatabase, TestDatabase } from '../support/test-database';

type Auth = { Authorization: string };
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- API answers, read field by field
type Body = Record<string, any>;

const YEAR = todayUtc().slice(0, 4);
const sha256 = (bytes: Buffer): string => createHash('sha256').update(bytes).digest('hex');

function bytes(res: Stream, done: (error: Error | null, body: Buffer) => void) {
  const chunks: Buffer[] = [];
  res.on('data', (chunk: Buffer) => chunks.push(chunk));
  res.on('end', () => done(null, Buffer.concat(chunks)));
}

// This application has no MAIL_URL: e-mail is not configured.
describe(AcknowledgementsService.name, () => {
  let db: TestDatabase;
  let app: NestExpressApplication;
  let sql: Client;
  let officer: Auth;
  const donors: Record<string, string> = {};
  const receipts: Record<string, Body> = {};

  const http = () => request(app.getHttpServer());
  const as = (auth: Auth) => ({
    get: (url: string) => http().get(url).set(auth),
    post: (url: string) => http().post(url).set(auth),
  });
  const count = async (): Promise<number> =>
    (await sql.query<{ n: number }>(`SELECT count(*)::int AS n FROM donor_document`)).rows[0].n;

  beforeAll(async () => {
    db = await createTestDatabase();
    await addBankAccount(db.url);
    app = await createTestApp(db, { env: { API_RATE_LIMIT_PER_MINUTE: '100000' } });
    sql = await connect(db.url);
    officer = await new TestUsers(app).auth('officer.a', ['finance_officer']);
    for (const [key, name, language] of [
      ['ghana', 'Republic of Ghana', 'fr'],
      ['tonga', 'Kingdom of Tonga', 'en'],
    ]) {
      const res = await as(officer)
        .post('/api/v1/donors')
        .send({
          name,
          type: 'member_state',
          statementLanguage: language,
          contacts: [{ name: 'Treasury', email: `treasury@${key}.test`, receivesStatements: true }],
        });
      expect(res.status).toBe(201);
      donors[key] = res.body.id as string;
    }
    const rate = await as(officer)
      .post('/api/v1/exchange-rates')
      .send({ currency: 'CHF', effectiveFrom: '2025-01-01', unitsPerUsd: '0.8000' });
    expect(rate.status).toBe(201);
    const pledge = await as(officer)
      .post('/api/v1/pledges')
      .send({
        fund: 'WSIS-TF',
        donorId: donors.ghana,
        currency: 'CHF',
        amount: '2,000.00',
        announcedOn: '2026-02-01',
        instalments: [
          { dueDate: '2026-03-31', amount: '1,000.00' },
          { dueDate: '2026-09-30', amount: '1,000.00' },
        ],
      });
    expect(pledge.status).toBe(201);
    const agreed = await as(officer)
      .post(`/api/v1/pledges/${pledge.body.id as string}/agreement`)
      .send({ agreedOn: '2026-02-15', documentRef: 'GH/WSIS/1' });
    expect(agreed.status).toBe(200);
    const record = async (key: string, body: Body): Promise<void> => {
      const res = await as(officer)
        .post('/api/v1/receipts')
        .send({ bankAccount: 'TEST-CHF', currency: 'CHF', valueDate: '2026-04-02', ...body });
      expect(res.status).toBe(201);
      receipts[key] = res.body as Body;
    };
    await record('ghana', { grossAmount: '1,500.00', bankCharges: '15.00', donorId: donors.ghana });
    await record('tonga', { grossAmount: '250.00', donorId: donors.tonga });
    await record('unknown', { grossAmount: '99.00', remitterName: 'UNKNOWN REMITTER' });
  });

  afterAll(async () => {
    await sql?.end();
    await app?.close();
    await db?.drop();
  });

  let letter: Body;

  it("issues the letter for a receipt in the donor's language, numbered AK-YYYY-NNNNNN", async () => {
    const res = await as(officer)
      .post('/api/v1/acknowledgements')
      .set('Idempotency-Key', 'ack-ghana')
      .send({ receiptId: receipts.ghana.id });
    expect(res.status).toBe(201);
    letter = res.body as Body;
    expect(letter).toMatchObject({
      kind: 'acknowledgement',
      number: `AK-${YEAR}-000001`,
      version: 1,
      donor: { id: donors.ghana, name: 'Republic of Ghana' },
      fund: 'WSIS-TF',
      period: null,
      receipt: { id: receipts.ghana.id, number: receipts.ghana.number },
      language: 'fr',
    });
    const replay = await as(officer)
      .post('/api/v1/acknowledgements')
      .set('Idempotency-Key', 'ack-ghana')
      .send({ receiptId: receipts.ghana.id });
    expect(replay.body.id).toBe(letter.id);

    const html = await as(officer).get(`/api/v1/acknowledgements/${letter.id as string}/html`);
    expect(html.text).toMatch(/<html[^>]* lang="fr"/);
    expect(html.text).toContain(receipts.ghana.number);
    const pdf = await as(officer)
      .get(`/api/v1/acknowledgements/${letter.id as string}/pdf`)
      .buffer(true)
      .parse(bytes);
    expect(sha256(pdf.body as Buffer)).toBe(letter.sha256);
    expect(pdf.headers['x-document-sha256']).toBe(letter.sha256);
    const data = await as(officer).get(`/api/v1/acknowledgements/${letter.id as string}/data`);
    expect(data.body).toMatchObject({
      kind: 'acknowledgement',
      receipt: { id: receipts.ghana.id },
    });
  });

  it('numbers acknowledgements apart from statements, without gaps', async () => {
    const res = await as(officer)
      .post('/api/v1/acknowledgements')
      .send({ receiptId: receipts.tonga.id, language: 'zh' });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ number: `AK-${YEAR}-000002`, language: 'zh' });
    const statement = await as(officer)
      .post('/api/v1/donor-statements')
      .send({ donorId: donors.tonga, from: '2026-01-01', to: '2026-06-30' });
    expect(statement.status).toBe(201);
    expect(statement.body.number).toBe(`ST-${YEAR}-000001`);
    // A statement is not an acknowledgement: its id is unknown here.
    const crossed = await as(officer).get(`/api/v1/acknowledgements/${statement.body.id}`);
    expect(crossed.status).toBe(404);
  });

  it('thanks for a receipt once: a second letter is refused, a correction is the way', async () => {
    const before = await count();
    const second = await as(officer)
      .post('/api/v1/acknowledgements')
      .send({ receiptId: receipts.ghana.id });
    expect(second.status).toBe(409);
    expect(second.body).toMatchObject({ code: 'acknowledgement-exists', existingId: letter.id });
    expect(await count()).toBe(before);

    const corrected = await as(officer)
      .post(`/api/v1/acknowledgements/${letter.id as string}/corrections`)
      .send({ reason: 'Allocation corrected', language: 'en' });
    expect(corrected.status).toBe(201);
    expect(corrected.body).toMatchObject({
      number: letter.number,
      version: 2,
      replacesId: letter.id,
      language: 'en',
    });
    const versions = await as(officer).get(
      `/api/v1/acknowledgements?receiptId=${receipts.ghana.id}`,
    );
    expect(versions.body.items.map((d: Body) => [d.version, d.replaced])).toEqual([
      [2, false],
      [1, true],
    ]);
  });

  it('refuses a receipt whose donor is unknown (422) and an unknown receipt (404)', async () => {
    const unidentified = await as(officer)
      .post('/api/v1/acknowledgements')
      .send({ receiptId: receipts.unknown.id });
    expect(unidentified.status).toBe(422);
    const unknown = await as(officer)
      .post('/api/v1/acknowledgements')
      .send({ receiptId: '9d2a6e4c-0000-4000-8000-000000000000' });
    expect(unknown.status).toBe(404);
  });

  it('refuses to send while e-mail is not configured, with a clear problem', async () => {
    const res = await as(officer).post(`/api/v1/acknowledgements/${letter.id as string}/send`);
    expect(res.status).toBeGreaterThanOrEqual(409);
    expect(res.status).toBeLessThan(500);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body.detail).toMatch(/MAIL_URL/);
    const { rows } = await sql.query(`SELECT 1 FROM audit_log WHERE action LIKE '%.send'`);
    expect(rows).toHaveLength(0);
    const page = await as(officer).get(`/documents/${letter.id as string}`);
    expect(page.text).toContain('data-testid="mail-not-configured"');
    // From the page, sending asks for the confirmation before anything else.
    const unconfirmed = await as(officer)
      .post(`/documents/${letter.id as string}/send`)
      .type('form')
      .send({});
    expect(unconfirmed.status).toBe(422);
    const confirmed = await as(officer)
      .post(`/documents/${letter.id as string}/send`)
      .type('form')
      .send({ confirm: 'yes' });
    expect(confirmed.status).toBeGreaterThanOrEqual(409);
    expect(confirmed.text).toContain('data-testid="send-error"');
    expect(confirmed.text).toContain('MAIL_URL');
    const after = await sql.query(`SELECT 1 FROM audit_log WHERE action LIKE '%.send'`);
    expect(after.rows).toHaveLength(0);
  });

  it("keeps a donor user to its own donor's letters", async () => {
    const tongaUser = (await createTestUser(app, 'tonga.user', ['donor'], [donors.tonga])).auth;
    const list = await as(tongaUser).get('/api/v1/acknowledgements');
    expect(list.body.items.map((d: Body) => d.donor.id)).toEqual([donors.tonga]);
    for (const suffix of ['', '/pdf', '/html', '/data']) {
      const res = await as(tongaUser).get(
        `/api/v1/acknowledgements/${letter.id as string}${suffix}`,
      );
      expect([suffix, res.status]).toEqual([suffix, 404]);
    }
    expect((await as(tongaUser).get(`/documents/${letter.id as string}`)).status).toBe(404);
    const page = await as(tongaUser).get('/statements?kind=acknowledgement');
    expect(page.text).toContain(`AK-${YEAR}-000002`);
    expect(page.text).not.toContain('Republic of Ghana');
  });

  it('issues a letter from the page, and shows it with its downloads', async () => {
    // The receipt's page leads to the letter (Handlebars writes `=` as &#x3D; in attributes).
    const receiptPage = await as(officer).get(`/receipts/${receipts.tonga.id}`);
    expect(receiptPage.text.replace(/&#x3D;/g, '=')).toContain(
      `href="/acknowledgements/new?receiptId=${receipts.tonga.id}" data-testid="receipt-acknowledge-link"`,
    );
    const form = await as(officer).get(`/acknowledgements/new?receiptId=${receipts.tonga.id}`);
    expect(form.status).toBe(200);
    expect(form.text).toContain(`(acknowledged: AK-${YEAR}-000002)`);
    const again = await as(officer)
      .post('/acknowledgements')
      .type('form')
      .send({ receiptId: receipts.tonga.id, language: '', confirm: 'yes' });
    expect(again.status).toBe(409);
    expect(again.text).toContain('already has acknowledgement');

    const fresh = await as(officer).post('/api/v1/receipts').send({
      bankAccount: 'TEST-CHF',
      currency: 'CHF',
      valueDate: '2026-05-02',
      grossAmount: '75.00',
      donorId: donors.tonga,
    });
    // Issuing asks for the confirmation first, and issues nothing without it.
    const unconfirmed = await as(officer)
      .post('/acknowledgements')
      .type('form')
      .send({ receiptId: fresh.body.id, language: 'ru' });
    expect(unconfirmed.status).toBe(422);
    expect(unconfirmed.text).toContain('id="confirm-error"');
    expect(unconfirmed.text).toContain('tick the box to confirm');
    // The choices made are kept.
    expect(unconfirmed.text).toMatch(new RegExp(`value="${fresh.body.id as string}" selected`));
    expect(unconfirmed.text).toMatch(/value="ru" selected/);
    const issued = await as(officer)
      .post('/acknowledgements')
      .type('form')
      .send({ receiptId: fresh.body.id, language: 'ru', confirm: 'yes' });
    expect(issued.status).toBe(303);
    const page = await as(officer).get(issued.headers.location);
    expect(page.status).toBe(200);
    expect(page.text).toContain(`AK-${YEAR}-000003`);
    expect(page.text).toContain('Русский');
    expect(page.text).toMatch(/href="\/api\/v1\/acknowledgements\/[0-9a-f-]{36}\/pdf"/);
  });
});
