import { NestExpressApplication } from '@nestjs/platform-express';
import request from 'supertest';
import { PortalService } from '../../src/portal/portal.service';
import { approve } from '../support/approvals';
import { addBankAccount } from '../support/ledger-fixtures';
import { createTestApp, createTestUser, TestUser } from '../support/test-app';
import { createTestDatabase, TestDatabase } from '../support/test-database';

type Auth = { Authorization: string };
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- API answers, read field by field
type Body = Record<string, any>;

/** The rows (`<tr data-testid=…>…</tr>`) of a page, in order. */
function rows(html: string, testid: string): string[] {
  const pattern = new RegExp(`<tr data-testid="${testid}"[\\s\\S]*?</tr>`, 'g');
  return [...html.matchAll(pattern)].map((match) => match[0]);
}

/** HTML with the entities Handlebars escapes decoded. */
function decode(html: string): string {
  return html
    .replace(/&#x27;/g, "'")
    .replace(/&#x3D;/g, '=')
    .replace(/&quot;/g, '"')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}

/** What a reader sees of a piece of HTML: tags removed, entities decoded, spaces collapsed. */
function text(html: string): string {
  return decode(html.replace(/<[^>]*>/g, ' '))
    .replace(/[ \t\r\n]+/g, ' ')
    .trim();
}

/** The text of the element carrying `data-testid="<testid>"` inside `html`. */
function cell(html: string, testid: string): string {
  const match = new RegExp(`<(\\w+)[^>]*data-testid="${testid}"[^>]*>([\\s\\S]*?)</\\1>`).exec(
    html,
  );
  if (match === null) throw new Error(`no ${testid} in ${html}`);
  return text(match[2]);
}

describe(PortalService.name, () => {
  let db: TestDatabase;
  let app: NestExpressApplication;
  let officer: Auth;
  let approver: Auth;
  let donorA: TestUser;
  let donorB: TestUser;
  let bothDonors: TestUser;
  const donors: Record<'A' | 'B', string> = { A: '', B: '' };
  const pledges: Record<string, Body> = {};
  const receipts: Record<string, Body> = {};
  const documents: Record<string, Body> = {};

  const http = () => request(app.getHttpServer());
  const api = async (path: string, body: object, status = 201): Promise<Body> => {
    const res = await http().post(path).set(officer).send(body);
    expect([path, res.status, res.body]).toEqual([path, status, expect.anything()]);
    return res.body as Body;
  };
  const page = (user: TestUser, url: string, language?: 'fr') => {
    const req = http().get(url).set(user.auth);
    return language === undefined ? req : req.set('Cookie', `tf_lang=${language}`);
  };

  async function pledge(key: string, body: Body, agreedOn?: string): Promise<void> {
    pledges[key] = await api('/api/v1/pledges', { fund: 'WSIS-TF', currency: 'CHF', ...body });
    if (agreedOn !== undefined) {
      pledges[key] = await api(
        `/api/v1/pledges/${pledges[key].id as string}/agreement`,
        { agreedOn, documentRef: `AGR-${key}` },
        200,
      );
    }
  }

  beforeAll(async () => {
    db = await createTestDatabase();
    await addBankAccount(db.url);
    app = await createTestApp(db, { env: { API_RATE_LIMIT_PER_MINUTE: '100000' } });
    officer = (await createTestUser(app, 'portal.officer', ['finance_officer'])).auth;
    approver = (await createTestUser(app, 'portal.approver', ['approver'])).auth;
    await api('/api/v1/exchange-rates', {
      currency: 'CHF',
      effectiveFrom: '2025-01-01',
      unitsPerUsd: '0.8000',
    });
    donors.A = (
      await api('/api/v1/donors', {
        name: 'Republic of Alphaland',
        type: 'member_state',
        statementLanguage: 'en',
      })
    ).id as string;
    donors.B = (
      await api('/api/v1/donors', {
        name: 'Betaland Foundation',
        type: 'foundation',
        statementLanguage: 'fr',
      })
    ).id as string;

    // Donor A: CHF 30,000 for participation grants, the first third paid (CHF 15 bank charges),
    // the second third overdue since June, the last due next year; and CHF 2,000 announced only.
    await pledge(
      'grants',
      {
        donorId: donors.A,
        earmark: 'PARTICIPATION-GRANTS',
        amount: '30000.00',
        announcedOn: '2026-01-05',
        instalments: [
          { dueDate: '2026-03-31', amount: '10000.00' },
          { dueDate: '2026-06-30', amount: '10000.00' },
          { dueDate: '2027-03-31', amount: '10000.00' },
        ],
      },
      '2026-01-15',
    );
    await pledge('memo', {
      donorId: donors.A,
      amount: '2000.00',
      announcedOn: '2026-05-01',
      instalments: [{ dueDate: '2027-06-30', amount: '2000.00' }],
    });
    receipts.A = await api('/api/v1/receipts', {
      donorId: donors.A,
      bankAccount: 'TEST-CHF',
      currency: 'CHF',
      valueDate: '2026-03-20',
      grossAmount: '10000.00',
      bankCharges: '15.00',
      allocations: [{ pledgeId: pledges.grants.id, amount: '10000.00' }],
    });

    // Donor B: CHF 5,000 unearmarked, paid in full.
    await pledge(
      'beta',
      {
        donorId: donors.B,
        amount: '5000.00',
        announcedOn: '2026-02-01',
        instalments: [{ dueDate: '2026-04-30', amount: '5000.00' }],
      },
      '2026-02-10',
    );
    receipts.B = await api('/api/v1/receipts', {
      donorId: donors.B,
      bankAccount: 'TEST-CHF',
      currency: 'CHF',
      valueDate: '2026-04-15',
      grossAmount: '5000.00',
      allocations: [{ pledgeId: pledges.beta.id, amount: '5000.00' }],
    });

    // A CHF 2,000 grant to a participant from Ethiopia (an LDC), paid from A's earmarked money
    // (the only participation-grants money there is).
    const event = await api('/api/v1/grant-events', {
      code: 'WSIS-FORUM-2026',
      name: 'WSIS Forum 2026',
      place: 'Geneva, Switzerland',
      startsOn: '2026-07-06',
      endsOn: '2026-07-10',
      budget: '50000.00',
      eligibilityRule: 'ldc-and-developing',
      offers: { full: true, partialTicket: true, partialAllowance: true, remote: false },
    });
    const participant = await api('/api/v1/participants', {
      name: 'Abebe Bekele',
      gender: 'male',
      country: 'ET',
      organisation: 'Ministry of Innovation and Technology',
      stakeholderGroup: 'government',
    });
    const grant = await api('/api/v1/grants', {
      eventId: event.id,
      participantId: participant.id,
      kind: 'full',
      ticket: '1200.00',
      allowance: '800.00',
      decisionDate: '2026-06-01',
    });
    const asked = await api(`/api/v1/grants/${grant.id as string}/approval`, {}, 202);
    expect((await approve(app, asked.id as string, approver)).status).toBe(200);

    // Issued documents: a statement for each donor, and A's acknowledgement letter.
    documents.statementA = await api('/api/v1/donor-statements', {
      donorId: donors.A,
      fund: 'WSIS-TF',
      from: '2026-01-01',
      to: '2026-06-30',
    });
    documents.statementB = await api('/api/v1/donor-statements', {
      donorId: donors.B,
      fund: 'WSIS-TF',
      from: '2026-01-01',
      to: '2026-06-30',
    });
    documents.letterA = await api('/api/v1/acknowledgements', { receiptId: receipts.A.id });

    donorA = await createTestUser(app, 'alphaland.treasury', ['donor'], [donors.A]);
    donorB = await createTestUser(app, 'betaland.treasury', ['donor'], [donors.B]);
    bothDonors = await createTestUser(app, 'two.donors', ['donor'], [donors.A, donors.B]);
  }, 120000);

  afterAll(async () => {
    await app.close();
    await db.drop();
  });

  it("shows a donor user its own figures, exactly, and nothing of another donor's", async () => {
    const res = await page(donorA, '/portal');
    expect(res.status).toBe(200);
    const html = res.text;
    expect(cell(html, 'portal-donor')).toBe('— Republic of Alphaland');

    const summary = rows(html, 'portal-summary-row');
    expect(summary).toHaveLength(1);
    expect(
      ['pledged', 'received', 'outstanding', 'announced'].map((f) =>
        cell(summary[0], `summary-${f}`),
      ),
    ).toEqual(['CHF 30,000.00', 'CHF 10,000.00', 'CHF 20,000.00', 'CHF 2,000.00']);

    const pledgeRows = rows(html, 'portal-pledge').map(text);
    expect(pledgeRows).toEqual([
      `${pledges.memo.reference as string} WSIS-TF UNEARMARKED 2026-05-01 CHF 2,000.00 Announced CHF 0.00`,
      `${pledges.grants.reference as string} WSIS-TF PARTICIPATION-GRANTS 2026-01-05 CHF 30,000.00 Overdue CHF 20,000.00`,
    ]);
    expect(html).toContain(`href="/portal/pledges/${pledges.grants.id as string}"`);

    // The overdue instalment first and flagged; the one due next year after it.
    const due = rows(html, 'portal-instalment');
    expect(due.map(text)).toEqual([
      `2026-06-30 ${pledges.grants.reference as string} 2 CHF 10,000.00 Overdue`,
      `2027-03-31 ${pledges.grants.reference as string} 3 CHF 10,000.00 Not yet due`,
    ]);
    expect(due.map((row) => /data-overdue="(\w+)"/.exec(row)?.[1])).toEqual(['true', 'false']);

    const payments = rows(html, 'portal-payment');
    expect(payments).toHaveLength(1);
    expect(text(payments[0])).toBe(
      `${receipts.A.number as string} 2026-03-20 WSIS-TF CHF 10,000.00 CHF 15.00 CHF 9,985.00 Applied`,
    );
    expect(cell(payments[0], 'payment-amount')).toBe('CHF 10,000.00');
    expect(cell(payments[0], 'payment-charges')).toBe('CHF 15.00');

    // The grant its earmarked money paid: one participant from Ethiopia, an LDC.
    expect(cell(html, 'use-grants')).toBe('1');
    expect(cell(html, 'use-participants')).toBe('1');
    expect(cell(html, 'use-countries')).toBe('1 (Ethiopia)');
    expect(cell(html, 'use-ldc')).toBe('1 of 1 (100 %)');
    expect(cell(html, 'use-amount')).toBe('CHF 2,000.00');
    const earmarks = rows(html, 'portal-earmark').map(text);
    // Paid: the CHF value of the allocations, net of the CHF 15 bank charges.
    expect(earmarks).toEqual(['PARTICIPATION-GRANTS CHF 9,985.00 CHF 2,000.00 CHF 7,985.00']);

    // Its documents with their downloads; not B's statement.
    const docs = rows(html, 'portal-document');
    expect(docs.map((row) => /data-number="([^"]+)"/.exec(row)?.[1])).toEqual([
      documents.statementA.number,
      documents.letterA.number,
    ]);
    expect(html).toContain(
      `href="/api/v1/donor-statements/${documents.statementA.id as string}/pdf"`,
    );
    expect(html).toContain(
      `href="/api/v1/acknowledgements/${documents.letterA.id as string}/html"`,
    );

    // Nothing of donor B: neither its name, nor its pledge, receipt or statement.
    for (const foreign of [
      'Betaland',
      pledges.beta.reference as string,
      receipts.B.number as string,
      documents.statementB.number as string,
      donors.B,
    ]) {
      expect([foreign, html.includes(foreign)]).toEqual([foreign, false]);
    }
  });

  it('shows a pledge with its instalments, the overdue one flagged, and the payment allocated', async () => {
    const res = await page(donorA, `/portal/pledges/${pledges.grants.id as string}`);
    expect(res.status).toBe(200);
    const html = res.text;
    expect(cell(html, 'portal-pledge-amount')).toBe('CHF 30,000.00');
    expect(cell(html, 'portal-pledge-paid')).toBe('CHF 10,000.00');
    expect(cell(html, 'portal-pledge-outstanding')).toBe('CHF 20,000.00');
    expect(cell(html, 'portal-pledge-overdue')).toBe('CHF 10,000.00');
    const instalments = rows(html, 'portal-pledge-instalment');
    expect(instalments.map((row) => /data-overdue="(\w+)"/.exec(row)?.[1])).toEqual([
      'false',
      'true',
      'false',
    ]);
    expect(text(instalments[0])).toMatch(
      /^1 2026-03-31 CHF 10,000\.00 CHF 10,000\.00 CHF 0\.00 Paid$/,
    );
    expect(text(instalments[1])).toMatch(
      /^2 2026-06-30 CHF 10,000\.00 CHF 0\.00 CHF 10,000\.00 Overdue \d+ days$/,
    );
    const payments = rows(html, 'portal-pledge-payment');
    expect(payments.map(text)).toEqual([
      `${receipts.A.number as string} 2026-03-20 2026-03-20 1 CHF 10,000.00 CHF 10,000.00`,
    ]);
  });

  it("answers 404 for another donor's pledge, as for one that does not exist", async () => {
    const foreign = await page(donorA, `/portal/pledges/${pledges.beta.id as string}`);
    expect(foreign.status).toBe(404);
    expect(foreign.text).not.toContain(pledges.beta.reference as string);
    const unknown = await page(donorA, '/portal/pledges/9d2a6e4c-0000-4000-8000-000000000000');
    expect(unknown.status).toBe(404);
    expect(foreign.body.code).toBe(unknown.body.code);
    expect((await page(donorA, '/portal/pledges/not-an-id')).status).toBe(404);
    // Nor another donor's overview through the chooser's parameter.
    expect((await page(donorA, `/portal?donor=${donors.B}`)).status).toBe(404);
    // B sees its own pledge, and not A's.
    expect((await page(donorB, `/portal/pledges/${pledges.beta.id as string}`)).status).toBe(200);
    expect((await page(donorB, `/portal/pledges/${pledges.grants.id as string}`)).status).toBe(404);
  });

  it('lets the donor download its own documents and not those of another donor', async () => {
    const pdf = await http()
      .get(`/api/v1/donor-statements/${documents.statementA.id as string}/pdf`)
      .set(donorA.auth)
      .buffer(true)
      .parse((res, done) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => done(null, Buffer.concat(chunks)));
      });
    expect(pdf.status).toBe(200);
    expect((pdf.body as Buffer).subarray(0, 5).toString()).toBe('%PDF-');
    const foreign = await http()
      .get(`/api/v1/donor-statements/${documents.statementB.id as string}/pdf`)
      .set(donorA.auth);
    expect(foreign.status).toBe(404);
  });

  it('refuses staff (403): the portal is for donor users', async () => {
    const staff = await createTestUser(app, 'portal.auditor', ['auditor']);
    expect((await page(staff, '/portal')).status).toBe(403);
    expect((await page(staff, `/portal/pledges/${pledges.grants.id as string}`)).status).toBe(403);
  });

  it('gives a user linked to several donors a chooser, one donor at a time', async () => {
    const first = await page(bothDonors, '/portal');
    expect(first.status).toBe(200);
    // By name: Betaland Foundation comes before Republic of Alphaland.
    expect(cell(first.text, 'portal-donor')).toBe('— Betaland Foundation');
    const chooser = decode(
      /<nav[^>]*data-testid="portal-chooser"[\s\S]*?<\/nav>/.exec(first.text)![0],
    );
    expect(chooser).toContain(`href="/portal?donor=${donors.A}"`);
    expect(chooser).toMatch(/aria-current="page">Betaland Foundation</);
    expect(first.text).toContain(pledges.beta.reference as string);
    expect(first.text).not.toContain(pledges.grants.reference as string);
    const second = await page(bothDonors, `/portal?donor=${donors.A}`);
    expect(second.status).toBe(200);
    expect(cell(second.text, 'portal-donor')).toBe('— Republic of Alphaland');
    expect(second.text).toContain(pledges.grants.reference as string);
    expect(second.text).not.toContain(pledges.beta.reference as string);
  });

  it('tells a donor user linked to no donor yet whom to ask', async () => {
    const alone = await createTestUser(app, 'unlinked.donor', ['donor']);
    const res = await page(alone, '/portal');
    expect(res.status).toBe(200);
    expect(cell(res.text, 'portal-not-linked')).toContain('not linked to a donor yet');
  });

  it('speaks French, amounts and all, to a user who chose French', async () => {
    const res = await page(donorA, '/portal', 'fr');
    expect(res.status).toBe(200);
    const html = res.text;
    expect(html).toContain('<html lang="fr">');
    expect(html).toContain('Annonces de contribution');
    expect(html).toContain('Utilisation des fonds affectés');
    const summary = rows(html, 'portal-summary-row')[0];
    // Narrow no-break space between thousands, no-break space before the currency.
    expect(cell(summary, 'summary-pledged')).toBe('30\u202f000,00\u00a0CHF');
    expect(cell(summary, 'summary-outstanding')).toBe('20\u202f000,00\u00a0CHF');
    expect(cell(html, 'use-countries')).toBe('1 (Éthiopie)');
    expect(cell(html, 'use-ldc')).toBe('1 sur 1 (100 %)');
    expect(text(rows(html, 'portal-instalment')[0])).toContain('En retard');
    const detail = await page(donorA, `/portal/pledges/${pledges.grants.id as string}`, 'fr');
    expect(detail.status).toBe(200);
    expect(detail.text).toContain(`Annonce de contribution ${pledges.grants.reference as string}`);
    expect(cell(detail.text, 'portal-pledge-paid')).toBe('10\u202f000,00\u00a0CHF');
  });
});
