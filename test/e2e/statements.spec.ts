import { createHash } from 'node:crypto';
import { AddressInfo } from 'node:net';
import { Stream } from 'node:stream';
import { NestExpressApplication } from '@nestjs/platform-express';
import { Client } from 'pg';
import { SMTPServer } from 'smtp-server';
import request, { Response } from 'supertest';
import { Actor } from '../../src/common/actor';
import { todayUtc } from '../../src/common/calendar-date';
import { TransactionRunner } from '../../src/database/transaction-runner';
import { StatementsService } from '../../src/statements/statements.service';
import { addBankAccount } from '../support/ledger-fixtures';
import { createTestApp, createTestUser, TestUsers } from '../support/test-app';
import { connect, createTestDatabase, TestDatabase } from '../support/test-database';

type Auth = { Authorization: string };
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- API answers, read field by field
type Body = Record<string, any>;

const YEAR = todayUtc().slice(0, 4);
const PERIOD = { from: '2026-01-01', to: '2026-10-31' };
const sha256 = (bytes: Buffer): string => createHash('sha256').update(bytes).digest('hex');

/** Reads a response body as bytes, whatever its type. */
function bytes(res: Stream, done: (error: Error | null, body: Buffer) => void) {
  const chunks: Buffer[] = [];
  res.on('data', (chunk: Buffer) => chunks.push(chunk));
  res.on('end', () => done(null, Buffer.concat(chunks)));
}

/** A local SMTP server that keeps every message it receives, raw. */
async function startSmtp(): Promise<{ url: string; messages: string[]; close(): Promise<void> }> {
  const messages: string[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, _session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        messages.push(Buffer.concat(chunks).toString('utf8'));
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.server.address() as AddressInfo;
  return {
    url: `smtp://127.0.0.1:${port}`,
    messages,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** The PDF attached to a raw MIME message (base64 part with type application/pdf). */
function pdfAttachment(raw: string): Buffer | undefined {
  for (const part of raw.split(/\r?\n--[^\r\n]+/)) {
    const at = part.search(/\r?\n\r?\n/);
    const head = part.slice(0, at);
    if (/content-type:\s*application\/pdf/i.test(head) && /base64/i.test(head)) {
      return Buffer.from(part.slice(at).replace(/\s+/g, ''), 'base64');
    }
  }
  return undefined;
}

describe(StatementsService.name, () => {
  let db: TestDatabase;
  let app: NestExpressApplication;
  let sql: Client;
  let smtp: Awaited<ReturnType<typeof startSmtp>>;
  let officer: Auth;
  let manager: Auth;
  const donors: Record<string, string> = {};

  const http = () => request(app.getHttpServer());
  const as = (auth: Auth) => ({
    get: (url: string) => http().get(url).set(auth),
    post: (url: string) => http().post(url).set(auth),
  });
  const download = (auth: Auth, url: string) => http().get(url).set(auth).buffer(true).parse(bytes);
  const count = async (table: string): Promise<number> =>
    (await sql.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`)).rows[0].n;

  async function issue(body: Body, key?: string): Promise<Response> {
    const req = as(officer).post('/api/v1/donor-statements');
    if (key !== undefined) void req.set('Idempotency-Key', key);
    return req.send({ fund: 'WSIS-TF', ...PERIOD, ...body });
  }

  async function recordReceipt(donor: string, amount: string, valueDate: string): Promise<Body> {
    const res = await as(officer).post('/api/v1/receipts').send({
      bankAccount: 'TEST-CHF',
      currency: 'CHF',
      grossAmount: amount,
      valueDate,
      donorId: donor,
    });
    expect(res.status).toBe(201);
    return res.body as Body;
  }

  beforeAll(async () => {
    smtp = await startSmtp();
    db = await createTestDatabase();
    await addBankAccount(db.url);
    app = await createTestApp(db, {
      env: {
        API_RATE_LIMIT_PER_MINUTE: '100000',
        MAIL_URL: smtp.url,
        MAIL_FROM: 'WSIS Trust Fund <trust-fund@itu.test>',
      },
    });
    sql = await connect(db.url);
    const users = new TestUsers(app);
    officer = await users.auth('officer.a', ['finance_officer']);
    manager = await users.auth('manager.a', ['management']);
    const created = async (body: Body): Promise<string> => {
      const res = await as(officer).post('/api/v1/donors').send(body);
      expect(res.status).toBe(201);
      return res.body.id as string;
    };
    donors.ghana = await created({
      name: 'Republic of Ghana',
      type: 'member_state',
      statementLanguage: 'en',
      contacts: [
        { name: 'Treasury', email: 'treasury@ghana.test', receivesStatements: true },
        { name: 'Protocol', email: 'protocol@ghana.test', receivesStatements: false },
      ],
    });
    donors.tonga = await created({
      name: 'Kingdom of Tonga',
      type: 'member_state',
      statementLanguage: 'fr',
    });
    const rate = await as(officer)
      .post('/api/v1/exchange-rates')
      .send({ currency: 'CHF', effectiveFrom: '2025-01-01', unitsPerUsd: '0.8000' });
    expect(rate.status).toBe(201);
    for (const [donor, reference] of [
      [donors.ghana, 'GH/WSIS/1'],
      [donors.tonga, 'TO/WSIS/1'],
    ]) {
      const pledge = await as(officer)
        .post('/api/v1/pledges')
        .send({
          fund: 'WSIS-TF',
          donorId: donor,
          currency: 'CHF',
          amount: '3,000.00',
          announcedOn: '2026-02-01',
          instalments: [
            { dueDate: '2026-03-31', amount: '1,000.00' },
            { dueDate: '2026-09-30', amount: '1,000.00' },
            { dueDate: '2027-03-31', amount: '1,000.00' },
          ],
        });
      expect(pledge.status).toBe(201);
      const agreed = await as(officer)
        .post(`/api/v1/pledges/${pledge.body.id as string}/agreement`)
        .send({ agreedOn: '2026-02-15', documentRef: reference });
      expect(agreed.status).toBe(200);
    }
    await recordReceipt(donors.ghana, '1,000.00', '2026-04-02');
  });

  afterAll(async () => {
    await sql?.end();
    await app?.close();
    await db?.drop();
    await smtp?.close();
  });

  describe('preview', () => {
    it('renders a watermarked draft as HTML and as PDF, and stores nothing', async () => {
      const html = await as(officer)
        .post('/api/v1/donor-statements/preview?format=html')
        .send({ donorId: donors.ghana, fund: 'WSIS-TF', ...PERIOD });
      expect(html.status).toBe(200);
      expect(html.headers['content-type']).toMatch(/^text\/html/);
      expect(html.text).toContain('Republic of Ghana');
      expect(html.text).toContain('class="watermark"');
      expect(html.text).toMatch(/<html[^>]* lang="en"/);

      const pdf = await as(officer)
        .post('/api/v1/donor-statements/preview')
        .set('Accept', 'application/pdf')
        .send({ donorId: donors.ghana, ...PERIOD, language: 'ar' })
        .buffer(true)
        .parse(bytes);
      expect(pdf.status).toBe(200);
      expect(pdf.headers['content-type']).toBe('application/pdf');
      expect((pdf.body as Buffer).subarray(0, 5).toString()).toBe('%PDF-');

      expect(await count('donor_document')).toBe(0);
      expect(await count('document_sequence')).toBe(0);
    });

    it('refuses a request that is not valid, field by field', async () => {
      const res = await as(officer)
        .post('/api/v1/donor-statements/preview')
        .send({ donorId: donors.ghana, from: '2026-13-01', to: '2026-10-31', language: 'de' });
      expect(res.status).toBe(422);
      expect(res.body.errors.map((e: Body) => e.field).sort()).toEqual(['from', 'language']);
    });
  });

  describe('issuing', () => {
    let first: Body;

    it('numbers the statement, stores HTML, PDF, data and the SHA-256 of the PDF, once per key', async () => {
      const res = await issue({ donorId: donors.ghana }, 'issue-ghana-1');
      expect(res.status).toBe(201);
      first = res.body as Body;
      expect(first).toMatchObject({
        kind: 'statement',
        number: `ST-${YEAR}-000001`,
        version: 1,
        replacesId: null,
        replaced: false,
        donor: { id: donors.ghana, name: 'Republic of Ghana' },
        fund: 'WSIS-TF',
        period: PERIOD,
        language: 'en',
        issuedBy: 'officer.a',
      });
      expect(first.sha256).toMatch(/^[0-9a-f]{64}$/);

      const replay = await issue({ donorId: donors.ghana }, 'issue-ghana-1');
      expect(replay.status).toBe(201);
      expect(replay.headers['idempotent-replayed']).toBe('true');
      expect(replay.body.id).toBe(first.id);
      expect(await count('donor_document')).toBe(1);

      const { rows } = await sql.query<{ sha256: string; pdf: Buffer; data: Body }>(
        `SELECT sha256, pdf, data FROM donor_document WHERE id = $1`,
        [first.id],
      );
      expect(sha256(rows[0].pdf)).toBe(first.sha256);
      expect(rows[0].data.donor.name).toBe('Republic of Ghana');
    });

    it("writes it in the donor's language by default, in another on request", async () => {
      const french = await issue({ donorId: donors.tonga });
      expect(french.status).toBe(201);
      expect(french.body.language).toBe('fr');
      expect(french.body.number).toBe(`ST-${YEAR}-000002`);
      const html = await as(officer).get(`/api/v1/donor-statements/${french.body.id}/html`);
      expect(html.text).toMatch(/<html[^>]* lang="fr"/);

      const arabic = await issue({ donorId: donors.tonga, language: 'ar' });
      expect(arabic.status).toBe(201);
      expect(arabic.body.language).toBe('ar');
      const rtl = await as(officer).get(`/api/v1/donor-statements/${arabic.body.id}/html`);
      expect(rtl.text).toMatch(/<html[^>]* dir="rtl"/);
    });

    it('serves the stored bytes, whatever changed in the ledger since', async () => {
      const url = `/api/v1/donor-statements/${first.id}`;
      const pdf = await download(officer, `${url}/pdf`);
      expect(pdf.status).toBe(200);
      expect(pdf.headers['content-type']).toBe('application/pdf');
      expect(pdf.headers['content-disposition']).toBe(
        `attachment; filename="ST-${YEAR}-000001-v1.pdf"`,
      );
      const body = pdf.body as Buffer;
      expect(sha256(body)).toBe(first.sha256);
      expect(pdf.headers['x-document-sha256']).toBe(first.sha256);
      expect(pdf.headers['repr-digest']).toBe(
        `sha-256=:${createHash('sha256').update(body).digest('base64')}:`,
      );
      const html = await as(officer).get(`${url}/html`);
      const data = await as(officer).get(`${url}/data`);
      expect(html.text).toContain(`ST-${YEAR}-000001`);
      expect(html.text).not.toContain('class="watermark"');
      expect(data.body.donor.id).toBe(donors.ghana);

      // Money arrives in the period after the statement was issued.
      const late = await recordReceipt(donors.ghana, '1,000.00', '2026-09-29');
      const draft = await as(officer)
        .post('/api/v1/donor-statements/preview?format=html')
        .send({ donorId: donors.ghana, fund: 'WSIS-TF', ...PERIOD });
      expect(draft.text).toContain(late.number);

      const again = await download(officer, `${url}/pdf`);
      expect(Buffer.compare(again.body as Buffer, body)).toBe(0);
      expect(again.headers['x-document-sha256']).toBe(first.sha256);
      const htmlAgain = await as(officer).get(`${url}/html`);
      expect(htmlAgain.text).toBe(html.text);
      expect(htmlAgain.text).not.toContain(late.number);
      expect((await as(officer).get(`${url}/data`)).text).toBe(data.text);
      expect((await as(officer).get(url)).body.sha256).toBe(first.sha256);
    });

    it('keeps issued documents immutable in the database itself', async () => {
      await expect(
        sql.query(`UPDATE donor_document SET language = 'fr' WHERE id = $1`, [first.id]),
      ).rejects.toThrow(/immutable/);
      await expect(
        sql.query(`DELETE FROM donor_document WHERE id = $1`, [first.id]),
      ).rejects.toThrow(/immutable/);
    });

    it('numbers without gaps: a rolled-back issue gives its number back, concurrent issues queue', async () => {
      const actor: Actor = { id: 'officer.a', roles: ['finance_officer'], donorIds: [] };
      const statements = app.get(StatementsService);
      let taken: string | undefined;
      await expect(
        app.get(TransactionRunner).run(async (manager) => {
          taken = (
            await statements.issueWith(manager, actor, {
              donorId: donors.ghana,
              fundCode: 'WSIS-TF',
              ...PERIOD,
            })
          ).number;
          throw new Error('the caller failed after issuing');
        }),
      ).rejects.toThrow('the caller failed after issuing');
      expect(taken).toBe(`ST-${YEAR}-000004`);

      const issued = await Promise.all([
        issue({ donorId: donors.ghana }),
        issue({ donorId: donors.tonga }),
        issue({ donorId: donors.ghana, fund: undefined }),
      ]);
      expect(issued.map((res) => res.status)).toEqual([201, 201, 201]);
      expect(issued.map((res) => res.body.number as string).sort()).toEqual([
        `ST-${YEAR}-000004`,
        `ST-${YEAR}-000005`,
        `ST-${YEAR}-000006`,
      ]);
      // All funds: no fund on the document.
      expect(issued[2].body.fund).toBeNull();
    });

    it('refuses an unknown donor (404) and a reversed period (422)', async () => {
      const unknown = await issue({ donorId: '9d2a6e4c-0000-4000-8000-000000000000' });
      expect(unknown.status).toBe(404);
      const reversed = await issue({ donorId: donors.ghana, from: '2026-10-31', to: '2026-01-01' });
      expect(reversed.status).toBe(422);
      expect(await count('donor_document')).toBe(6);
    });
  });

  describe('corrections and versions', () => {
    let original: Body;
    let correction: Body;

    beforeAll(async () => {
      original = (await issue({ donorId: donors.ghana, from: '2026-01-01', to: '2026-06-30' }))
        .body as Body;
    });

    it('issues a new version of the same number, naming the one it replaces and why', async () => {
      const res = await as(officer)
        .post(`/api/v1/donor-statements/${original.id}/corrections`)
        .set('Idempotency-Key', 'correct-1')
        .send({ reason: 'Receipt allocated to the wrong instalment', language: 'es' });
      expect(res.status).toBe(201);
      correction = res.body as Body;
      expect(correction).toMatchObject({
        number: original.number,
        version: 2,
        replacesId: original.id,
        correctionReason: 'Receipt allocated to the wrong instalment',
        language: 'es',
        period: { from: '2026-01-01', to: '2026-06-30' },
        replaced: false,
      });
      expect(correction.sha256).not.toBe(original.sha256);

      const before = await as(officer).get(`/api/v1/donor-statements/${original.id}`);
      expect(before.body).toMatchObject({ replaced: true, replacedById: correction.id });
      const pdf = await download(officer, `/api/v1/donor-statements/${original.id}/pdf`);
      expect(sha256(pdf.body as Buffer)).toBe(original.sha256);
    });

    it('refuses to correct a version already replaced (409), and a correction without reason', async () => {
      const again = await as(officer)
        .post(`/api/v1/donor-statements/${original.id}/corrections`)
        .send({ reason: 'Once more' });
      expect(again.status).toBe(409);
      expect(again.body).toMatchObject({
        code: 'document-already-replaced',
        replacedById: correction.id,
      });
      const blank = await as(officer)
        .post(`/api/v1/donor-statements/${correction.id}/corrections`)
        .send({ reason: '  ' });
      expect(blank.status).toBe(422);
      expect(blank.body.errors[0].field).toBe('reason');
      const third = await as(officer)
        .post(`/api/v1/donor-statements/${correction.id}/corrections`)
        .send({ reason: 'Name of the fund corrected' });
      expect(third.status).toBe(201);
      expect(third.body).toMatchObject({ version: 3, language: 'es', replacesId: correction.id });
    });

    it('lists every version, the replaced ones marked, with filters by donor, fund and number', async () => {
      const versions = await as(manager).get(
        `/api/v1/donor-statements?number=${original.number as string}`,
      );
      expect(versions.status).toBe(200);
      expect(versions.body.items.map((d: Body) => [d.version, d.replaced])).toEqual([
        [3, false],
        [2, true],
        [1, true],
      ]);
      const tonga = await as(manager).get(`/api/v1/donor-statements?donorId=${donors.tonga}`);
      expect(tonga.body.total).toBe(3);
      expect(tonga.body.items.every((d: Body) => d.donor.id === donors.tonga)).toBe(true);
      const allFunds = await as(manager).get(`/api/v1/donor-statements?fund=WSIS-TF`);
      expect(allFunds.body.items.every((d: Body) => d.fund === 'WSIS-TF')).toBe(true);
      expect(allFunds.body.total).toBe((await count('donor_document')) - 1);
    });

    it('audits issues and corrections', async () => {
      const { rows } = await sql.query<{ action: string; n: number }>(
        `SELECT action, count(*)::int AS n FROM audit_log
          WHERE entity_type = 'donor-document' GROUP BY action ORDER BY action`,
      );
      expect(rows).toEqual([
        { action: 'donor-statement.correct', n: 2 },
        { action: 'donor-statement.issue', n: 7 },
      ]);
    });
  });

  describe('delivery', () => {
    let ghana: Body;
    let tonga: Body;

    beforeAll(async () => {
      ghana = (await issue({ donorId: donors.ghana })).body as Body;
      tonga = (await issue({ donorId: donors.tonga })).body as Body;
    });

    it("keeps a donor user to its own donor's statements, through the API and the pages", async () => {
      const donorUser = (await createTestUser(app, 'ghana.user', ['donor'], [donors.ghana])).auth;
      const list = await as(donorUser).get('/api/v1/donor-statements');
      expect(list.status).toBe(200);
      expect(list.body.total).toBeGreaterThan(0);
      expect(list.body.items.every((d: Body) => d.donor.id === donors.ghana)).toBe(true);
      // Asking for another donor's statements gives nothing, not an error that confirms them.
      const others = await as(donorUser).get(`/api/v1/donor-statements?donorId=${donors.tonga}`);
      expect(others.body.total).toBe(0);

      for (const suffix of ['', '/pdf', '/html', '/data']) {
        const res = await as(donorUser).get(`/api/v1/donor-statements/${tonga.id}${suffix}`);
        expect([suffix, res.status]).toEqual([suffix, 404]);
      }
      const own = await download(donorUser, `/api/v1/donor-statements/${ghana.id}/pdf`);
      expect(own.status).toBe(200);
      expect(sha256(own.body as Buffer)).toBe(ghana.sha256);

      const page = await as(donorUser).get('/statements');
      expect(page.status).toBe(200);
      expect(page.text).toContain(ghana.number);
      expect(page.text).not.toContain('Kingdom of Tonga');
      expect(page.text).not.toContain('Preview and issue');
      expect((await as(donorUser).get(`/documents/${tonga.id}`)).status).toBe(404);
      const ownPage = await as(donorUser).get(`/documents/${ghana.id}`);
      expect(ownPage.status).toBe(200);
      expect(ownPage.text).toContain(ghana.sha256);
      expect(ownPage.text).not.toContain('Issue a correction');
      // Issuing, correcting and sending are for officers.
      expect((await as(donorUser).post(`/api/v1/donor-statements/${ghana.id}/send`)).status).toBe(
        403,
      );
    });

    it("e-mails the stored PDF to the donor's contacts who receive statements, and audits it", async () => {
      const before = smtp.messages.length;
      const res = await as(officer)
        .post(`/api/v1/donor-statements/${ghana.id}/send`)
        .set('Idempotency-Key', 'send-ghana-1');
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({
        documentId: ghana.id,
        number: ghana.number,
        recipients: ['treasury@ghana.test'],
      });
      expect(smtp.messages.length).toBe(before + 1);
      const message = smtp.messages[before];
      expect(message).toMatch(/^To: treasury@ghana\.test/m);
      expect(message).not.toContain('protocol@ghana.test');
      expect(message).toContain(ghana.number);
      const attached = pdfAttachment(message);
      expect(attached).toBeDefined();
      expect(sha256(attached!)).toBe(ghana.sha256);

      // Sent once per key.
      const replay = await as(officer)
        .post(`/api/v1/donor-statements/${ghana.id}/send`)
        .set('Idempotency-Key', 'send-ghana-1');
      expect(replay.headers['idempotent-replayed']).toBe('true');
      expect(smtp.messages.length).toBe(before + 1);

      const { rows } = await sql.query<{ after: Body }>(
        `SELECT after FROM audit_log WHERE action = 'donor-statement.send' AND entity_id = $1`,
        [ghana.id],
      );
      expect(rows).toHaveLength(1);
      expect(rows[0].after).toMatchObject({ recipients: ['treasury@ghana.test'] });
    });

    it('refuses to send when no contact receives statements, sending nothing', async () => {
      const before = smtp.messages.length;
      const res = await as(officer).post(`/api/v1/donor-statements/${tonga.id}/send`);
      expect(res.status).toBe(409);
      expect(res.body.code).toBe('no-document-recipient');
      expect(res.body.detail).toContain('Kingdom of Tonga');
      expect(smtp.messages.length).toBe(before);
    });
  });

  describe('pages', () => {
    it('issues a previewed statement only once confirmed, and lists it with its versions', async () => {
      const form = {
        donorId: donors.tonga,
        fund: 'WSIS-TF',
        from: '2026-01-01',
        to: '2026-03-31',
        language: '',
      };
      const preview = await as(officer).get(
        `/statements/preview?${new URLSearchParams(form).toString()}`,
      );
      expect(preview.status).toBe(200);
      expect(preview.text).toContain('data-testid="draft-frame"');
      const src = /<iframe[^>]*src="([^"]+)"/
        .exec(preview.text)![1]
        .replace(/&amp;/g, '&')
        .replace(/&#x3D;/g, '=');
      const draft = await as(officer).get(src);
      expect(draft.status).toBe(200);
      expect(draft.text).toContain('Kingdom of Tonga');
      expect(draft.text).toContain('class="watermark"');
      expect(draft.headers['content-security-policy']).toContain("frame-ancestors 'self'");

      const before = await count('donor_document');
      const unconfirmed = await as(officer).post('/statements').type('form').send(form);
      expect(unconfirmed.status).toBe(422);
      expect(unconfirmed.text).toContain('tick the box to confirm');
      expect(await count('donor_document')).toBe(before);

      const issued = await as(officer)
        .post('/statements')
        .type('form')
        .send({ ...form, confirm: 'yes' });
      expect(issued.status).toBe(303);
      const location = issued.headers.location;
      expect(location).toMatch(/^\/documents\/[0-9a-f-]{36}\?done=issued$/);
      const page = await as(officer).get(location);
      expect(page.status).toBe(200);
      const number = /data-testid="document-number">(ST-\d{4}-\d{6})</.exec(page.text)![1];
      const list = await as(manager).get(`/statements?donorId=${donors.tonga}`);
      expect(list.text).toContain(number);

      // A correction is final too: without the box ticked, nothing is issued and the reason
      // typed is shown again.
      const documents = await count('donor_document');
      const unticked = await as(officer)
        .post(`${location.split('?')[0]}/corrections`)
        .type('form')
        .send({ reason: 'Period corrected', language: 'fr' });
      expect(unticked.status).toBe(422);
      expect(unticked.text).toContain('id="correction-confirm-error"');
      expect(unticked.text).toContain('>Period corrected</textarea>');
      expect(await count('donor_document')).toBe(documents);
      const corrected = await as(officer)
        .post(`${location.split('?')[0]}/corrections`)
        .type('form')
        .send({ reason: 'Period corrected', language: 'fr', confirm: 'yes' });
      expect(corrected.status).toBe(303);
      const versions = await as(officer).get(corrected.headers.location);
      expect(versions.text).toContain('Period corrected');
      expect(versions.text.match(/data-testid="document-version-row"/g)).toHaveLength(2);
    });
  });
});
