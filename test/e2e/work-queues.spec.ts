import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { NestExpressApplication } from '@nestjs/platform-express';
import request from 'supertest';
import { todayUtc } from '../../src/common/calendar-date';
import { StatementBatchesService } from '../../src/statements/batch/statement-batches.service';
import { StatementsService } from '../../src/statements/statements.service';
import { createTestApp, TestUsers } from '../support/test-app';
import { connect, createTestDatabase, TestDatabase } from '../support/test-database';

type Auth = { Authorization: string };
type Body = Record<string, unknown>;

const SAMPLES = join(__dirname, '..', '..', '..', 'shared', 'samples', 'bank-statements');
const CAMT_CHF = 'camt053-v04-oca-batch-txdtls-chf.xml';
const CAMT_IBAN = 'CH1111000000123456789';

const QUEUES = [
  'unidentified-receipts',
  'unapplied-receipts',
  'bank-lines',
  'overdue-instalments',
  'pending-requests',
  'rejected-requests',
  'failed-statements',
] as const;
type Queue = (typeof QUEUES)[number];

/** A date `days` before (negative: after) today, as the API writes dates. */
function daysAgo(days: number): string {
  return todayUtc(new Date(Date.now() - days * 24 * 3600 * 1000));
}

/** Each queue's count as the page shows it. */
function counts(html: string): Record<Queue, number> {
  const found = {} as Record<Queue, number>;
  for (const queue of QUEUES) {
    const match = new RegExp(`data-queue="${queue}" data-count="(\\d+)"`).exec(html);
    if (match === null) throw new Error(`no queue ${queue} on the page`);
    found[queue] = Number(match[1]);
  }
  return found;
}

/** The card of one queue: from its <li> to the next queue's. */
function card(html: string, queue: Queue): string {
  const start = html.indexOf(`data-queue="${queue}"`);
  const next = html.indexOf('data-queue="', start + 1);
  return html.slice(start, next === -1 ? undefined : next);
}

describe('work queues page (/work)', () => {
  let db: TestDatabase;
  let app: NestExpressApplication;
  let officer: Auth;
  let otherOfficer: Auth;
  let approver: Auth;
  const http = () => request(app.getHttpServer());
  const api = (auth: Auth) => ({
    get: (url: string) => http().get(url).set(auth),
    post: (url: string, body: Body = {}) => http().post(url).set(auth).send(body),
  });

  beforeAll(async () => {
    db = await createTestDatabase();
    app = await createTestApp(db, { env: { API_RATE_LIMIT_PER_MINUTE: '100000' } });
    const users = new TestUsers(app);
    officer = await users.auth('officer.work', ['finance_officer']);
    otherOfficer = await users.auth('officer.other', ['finance_officer']);
    approver = await users.auth('approver.work', ['approver']);
  });

  afterAll(async () => {
    await app?.close();
    await db?.drop();
  });

  it('shows every queue empty before there is any work, each linked to its list', async () => {
    const page = await api(officer).get('/work');
    expect(page.status).toBe(200);
    expect(page.text).toContain('<title>Work · WSIS Trust Fund</title>');
    expect(page.text).toContain('<a href="/work" aria-current="page">Work</a>');
    expect(Object.values(counts(page.text))).toEqual(QUEUES.map(() => 0));
    for (const href of [
      '/receipts?queue=unidentified',
      '/receipts?queue=unapplied',
      '/bank-reconciliation',
      '/pledges?status=overdue',
      '/approvals',
      '/statements/batches?status=failed',
    ]) {
      expect(page.text).toContain(`<a href="${href}">`);
    }
  });

  describe('with work waiting', () => {
    let page: string;
    let overduePledge: string;
    let rejectedPledge: string;
    let batch: Body;

    /** An agreed pledge of a new donor: instalments due `dueDaysAgo` days ago (or ahead). */
    async function agreedPledge(name: string, dueDaysAgo: number[]): Promise<string> {
      const donor = await api(officer).post('/api/v1/donors', { name, type: 'member_state' });
      expect(donor.body).toMatchObject({ name });
      const pledge = await api(officer).post('/api/v1/pledges', {
        fund: 'WSIS-TF',
        donorId: donor.body.id,
        currency: 'CHF',
        amount: `${dueDaysAgo.length * 100}.00`,
        announcedOn: daysAgo(200),
        instalments: dueDaysAgo.map((days) => ({ dueDate: daysAgo(days), amount: '100.00' })),
      });
      expect(pledge.status).toBe(201);
      const agreed = await api(officer).post(
        `/api/v1/pledges/${pledge.body.id as string}/agreement`,
        {
          agreedOn: daysAgo(190),
          documentRef: `${name}/1`,
        },
      );
      expect(agreed.status).toBe(200);
      return pledge.body.id as string;
    }

    beforeAll(async () => {
      // The sample statement's account number is not a valid IBAN, which the API would refuse:
      // the account goes straight into the table, as in the import's own tests.
      const sql = await connect(db.url);
      try {
        await sql.query(
          `INSERT INTO bank_account (fund_id, code, name, bank_name, account_number, currency,
             created_by)
           SELECT id, 'UBS-CHF', 'UBS CHF operating account', 'UBS Switzerland AG', $1, 'CHF',
                  'test'
             FROM fund WHERE code = 'WSIS-TF'`,
          [CAMT_IBAN],
        );
      } finally {
        await sql.end();
      }
      const rate = await api(officer).post('/api/v1/exchange-rates', {
        currency: 'CHF',
        effectiveFrom: daysAgo(400),
        unitsPerUsd: '0.8000',
      });
      expect(rate.status).toBe(201);

      // Two instalments past due and one to come, nothing paid: two overdue instalments.
      overduePledge = await agreedPledge('Republic of Ghana', [100, 50, -100]);
      rejectedPledge = await agreedPledge('Kingdom of Tonga', [-30]);

      const receipt = (body: Body) =>
        api(officer).post('/api/v1/receipts', {
          bankAccount: 'UBS-CHF',
          currency: 'CHF',
          valueDate: daysAgo(10),
          ...body,
        });
      const unidentified = await receipt({ grossAmount: '70.00', remitterName: 'MINISTRY ACCRA' });
      expect(unidentified.status).toBe(201);
      const tonga = (await api(officer).get(`/api/v1/pledges/${rejectedPledge}`)).body
        .donor as Body;
      const unapplied = await receipt({
        grossAmount: '40.00',
        donorId: tonga.id,
        allocation: 'none',
      });
      expect(unapplied.status).toBe(201);

      // The officer's requests: one waiting, one rejected; another officer's waits too.
      const refund = await api(officer).post(
        `/api/v1/receipts/${unapplied.body.id as string}/refund`,
        {
          amount: '10.00',
          date: todayUtc(),
          reason: 'Part of the payment returned at the donor’s request',
        },
      );
      expect(refund.status).toBe(202);
      const writeOff = await api(officer).post(`/api/v1/pledges/${rejectedPledge}/write-off`, {
        date: todayUtc(),
        reason: 'Donor withdrew',
      });
      expect(writeOff.status).toBe(202);
      const rejected = await api(approver).post(
        `/api/v1/approvals/${writeOff.body.id as string}/reject`,
        { comment: 'Ask the donor in writing first' },
      );
      expect(rejected.status).toBe(200);
      const others = await api(otherOfficer).post(`/api/v1/pledges/${overduePledge}/write-off`, {
        date: todayUtc(),
        reason: 'Not collectable',
      });
      expect(others.status).toBe(202);

      const imported = await api(officer).post('/api/v1/bank-statements', {
        bankAccount: 'UBS-CHF',
        fileName: CAMT_CHF,
        content: Buffer.from(readFileSync(join(SAMPLES, CAMT_CHF), 'utf8')).toString('base64'),
      });
      expect(imported.status).toBe(201);

      // A batch of statements whose printing fails for every donor, as the job would run it.
      const created = await api(officer).post('/api/v1/statement-batches', {
        fund: 'WSIS-TF',
        from: daysAgo(365),
        to: todayUtc(),
        language: 'en',
      });
      expect(created.status).toBe(202);
      const spy = jest
        .spyOn(app.get(StatementsService), 'issueManyWith')
        .mockRejectedValue(new Error('the renderer crashed'));
      try {
        await app.get(StatementBatchesService).work(created.body.id as string);
      } finally {
        spy.mockRestore();
      }
      batch = (await api(officer).get(`/api/v1/statement-batches/${created.body.id as string}`))
        .body as Body;
      expect(batch).toMatchObject({ status: 'failed', issued: 0 });

      const res = await api(officer).get('/work');
      expect(res.status).toBe(200);
      page = res.text;
    });

    it('counts the receipts of each queue as the receipt lists do', async () => {
      const listed = async (queue: string) =>
        (await api(officer).get(`/api/v1/receipts?queue=${queue}`)).body.total as number;
      expect(counts(page)['unidentified-receipts']).toBe(1);
      expect(counts(page)['unidentified-receipts']).toBe(await listed('unidentified'));
      expect(counts(page)['unapplied-receipts']).toBe(1);
      expect(counts(page)['unapplied-receipts']).toBe(await listed('unapplied'));
    });

    it('counts the bank lines waiting, per account, as the workbench does', async () => {
      const lines = await api(officer).get(
        '/api/v1/bank-reconciliation/lines?bankAccount=UBS-CHF&status=unmatched',
      );
      expect(lines.status).toBe(200);
      const unmatched = (lines.body.counts as Record<string, number>).unmatched;
      expect(unmatched).toBeGreaterThan(0);
      expect(counts(page)['bank-lines']).toBe(unmatched);
      expect(card(page, 'bank-lines')).toContain(
        `<a href="/bank-reconciliation?fund&#x3D;WSIS-TF&amp;bankAccount&#x3D;UBS-CHF&amp;status&#x3D;unmatched" data-testid="bank-account-queue">WSIS-TF · UBS-CHF (CHF): ${unmatched}</a>`,
      );
    });

    it('counts the overdue instalments, and the pledges the overdue list shows', async () => {
      expect(counts(page)['overdue-instalments']).toBe(2);
      const overdue = await api(officer).get('/api/v1/pledges?status=overdue');
      expect((overdue.body.items as Body[]).map((p) => p.id)).toEqual([overduePledge]);
      expect(card(page, 'overdue-instalments')).toContain('Pledges concerned: 1.');
    });

    it('counts only the requests the user made, and shows why one was rejected', () => {
      // Its refund waits; the other officer's write-off is not its own.
      expect(counts(page)['pending-requests']).toBe(1);
      expect(counts(page)['rejected-requests']).toBe(1);
      const rejected = card(page, 'rejected-requests');
      expect(rejected).toContain(`<a href="/pledges/${rejectedPledge}">`);
      expect(rejected).toContain('Rejected by approver.work on');
      expect(rejected).toContain('Ask the donor in writing first');
    });

    it('counts the statements of batches that failed', () => {
      expect(counts(page)['failed-statements']).toBe(batch.failed);
      expect(batch.failed as number).toBeGreaterThan(0);
      expect(card(page, 'failed-statements')).toContain('Batches concerned: 1.');
    });

    it('counts another officer’s own requests for that officer', async () => {
      const theirs = await api(otherOfficer).get('/work');
      expect(counts(theirs.text)['pending-requests']).toBe(1);
      expect(counts(theirs.text)['rejected-requests']).toBe(0);
    });
  });

  it('speaks French once chosen with the language switch', async () => {
    const choice = await http().get('/language?lang=fr&next=/work');
    expect(choice.status).toBe(303);
    expect(choice.headers.location).toBe('/work');
    const language = (choice.headers['set-cookie'] as unknown as string[])[0].split(';')[0];
    const page = await api(officer).get('/work').set('Cookie', language);
    expect(page.status).toBe(200);
    expect(page.text).toContain('<html lang="fr">');
    expect(page.text).toContain('<title>À traiter · Fonds d’affectation spéciale du SMSI</title>');
    expect(page.text).toContain('<nav class="main-nav" aria-label="Navigation principale">');
    expect(page.text).toContain('<a href="/work" aria-current="page">À traiter</a>');
    expect(page.text).toContain('Versements non identifiés');
    expect(page.text).toMatch(
      /<a href="[^"]*lang&#x3D;en[^"]*" lang="en" hreflang="en">English<\/a>/,
    );
    expect(page.text).toMatch(/lang="fr" hreflang="fr" aria-current="true">Français<\/a>/);
  });

  it('is refused to those who do not work the queues', async () => {
    const users = new TestUsers(app);
    for (const role of ['approver', 'management', 'auditor', 'donor'] as const) {
      const res = await api(await users.auth(`refused.${role}`, [role])).get('/work');
      expect({ role, status: res.status }).toEqual({ role, status: 403 });
    }
    const anonymous = await http().get('/work');
    expect(anonymous.status).toBe(303);
    expect(anonymous.headers.location).toBe('/sign-in?next=%2Fwork');
  });
});
