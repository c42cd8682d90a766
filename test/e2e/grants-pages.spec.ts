import { randomUUID } from 'node:crypto';
import { NestExpressApplication } from '@nestjs/platform-express';
import { Client } from 'pg';
import { Page } from 'playwright-core';
import request from 'supertest';
import { todayUtc } from '../../src/common/calendar-date';
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
type Post = (path: string, body: Body) => Promise<request.Response>;

/** An event of the participation-grants earmark, straight into the database. */
async function insertEvent(
  sql: Client,
  rule: 'ldc-only' | 'ldc-and-developing',
  name: string,
): Promise<{ id: string; code: string }> {
  const code = `EV-${randomUUID().slice(0, 8).toUpperCase()}`;
  const { rows } = await sql.query<{ id: string }>(
    `INSERT INTO grant_event (fund_id, earmark_id, code, name, place, starts_on, ends_on,
       budget_minor, eligibility_rule, offers_full, offers_partial_ticket,
       offers_partial_allowance, offers_remote, remote_amount_minor, created_by)
     SELECT f.id, e.id, $1, $2, 'Geneva', '2026-12-07', '2026-12-11',
            10000000, $3, true, true, true, true, 50000, 'test'
       FROM fund f JOIN earmark e ON e.fund_id = f.id AND e.code = 'PARTICIPATION-GRANTS'
      WHERE f.code = 'WSIS-TF' RETURNING grant_event.id`,
    [code, name, rule],
  );
  return { id: rows[0].id, code };
}

async function insertParticipant(sql: Client, name: string, country: string): Promise<string> {
  const { rows } = await sql.query<{ id: string }>(
    `INSERT INTO participant (name, normalized_name, gender, country, organisation,
       stakeholder_group, created_by)
     VALUES ($1, lower($1), 'female', $2, 'Ministry of ICT', 'government', 'test') RETURNING id`,
    [name, country],
  );
  return rows[0].id;
}

/**
 * Money on the earmark: a CHF rate, a donor whose CHF pledge to PARTICIPATION-GRANTS is agreed,
 * and a receipt of CHF 5,000.00 allocated to it (on bank account CHF-MAIN).
 */
async function fundEarmark(sql: Client, post: Post): Promise<void> {
  const rate = await post('/api/v1/exchange-rates', {
    currency: 'CHF',
    effectiveFrom: '2026-01-01',
    unitsPerUsd: '0.8000',
  });
  expect(rate.status).toBe(201);
  const { rows } = await sql.query<{ id: string }>(
    `INSERT INTO donor (name, normalized_name, type, created_by)
     VALUES ('Sweden', 'sweden', 'member_state', 'test') RETURNING id`,
  );
  const donorId = rows[0].id;
  const pledge = await post('/api/v1/pledges', {
    fund: 'WSIS-TF',
    donorId,
    earmark: 'PARTICIPATION-GRANTS',
    currency: 'CHF',
    amount: '5000.00',
    announcedOn: '2026-01-10',
    instalments: [{ dueDate: '2026-06-30', amount: '5000.00' }],
  });
  expect(pledge.status).toBe(201);
  const agreed = await post(`/api/v1/pledges/${pledge.body.id}/agreement`, {
    agreedOn: '2026-01-20',
    documentRef: 'SE/WSIS/2026/1',
  });
  expect(agreed.status).toBe(200);
  const receipt = await post('/api/v1/receipts', {
    bankAccount: 'CHF-MAIN',
    valueDate: '2026-03-02',
    currency: 'CHF',
    grossAmount: '5000.00',
    donorId,
  });
  expect(receipt.status).toBe(201);
  expect(receipt.body.status).toBe('allocated');
}

describe('grant and approval pages', () => {
  let db: TestDatabase;
  let app: NestExpressApplication;
  let sql: Client;
  let officer: Auth;
  let approver: Auth;
  let twoHats: Auth;
  let auditor: Auth;
  let ldcOnly: { id: string; code: string };
  let swiss: string;
  let ethiopian: string;

  const http = () => request(app.getHttpServer());
  const postForm = (auth: Auth, url: string, fields: Record<string, string>) =>
    http().post(url).set(auth).type('form').send(fields);
  const count = async (table: string): Promise<number> =>
    (await sql.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`)).rows[0].n;
  const counts = async () => ({
    grants: await count('participation_grant'),
    steps: await count('grant_step'),
    approvals: await count('approval_request'),
    audit: await count('audit_log'),
  });

  beforeAll(async () => {
    db = await createTestDatabase();
    await addBankAccount(db.url, { code: 'CHF-MAIN', currency: 'CHF', id: randomUUID() });
    app = await createTestApp(db, { env: { API_RATE_LIMIT_PER_MINUTE: '100000' } });
    sql = await connect(db.url);
    const users = new TestUsers(app);
    officer = await users.auth('officer.a', ['finance_officer']);
    approver = await users.auth('approver.a', ['approver']);
    twoHats = await users.auth('officer.b', ['finance_officer', 'approver']);
    auditor = await users.auth('auditor.a', ['auditor']);
    await fundEarmark(sql, (path, body) => http().post(path).set(officer).send(body));
    ldcOnly = await insertEvent(sql, 'ldc-only', 'WSIS+20 LDC consultation');
    swiss = await insertParticipant(sql, 'Anna Keller', 'CH');
    ethiopian = await insertParticipant(sql, 'Hana Tesfaye', 'ET');
  });

  afterAll(async () => {
    await sql?.end();
    await app?.close();
    await db?.drop();
  });

  it('checks eligibility without writing: a participant from CH under an LDC-only event is refused, with the reason', async () => {
    const form = {
      eventId: ldcOnly.id,
      participantId: swiss,
      kind: 'partial-ticket',
      ticket: '900.00',
      allowance: '',
      decisionDate: '2026-11-20',
      exceptionReason: '',
    };
    const before = await counts();
    const checked = await postForm(officer, '/grants', { ...form, action: 'check' });
    expect(checked.status).toBe(200);
    expect(checked.text).toContain('data-testid="grant-eligibility" data-eligible="false"');
    expect(checked.text).toContain('Eligibility on 2026-11-20: not eligible');
    expect(checked.text).toContain(
      'CH is not a Least Developed Country on 2026-11-20; the event funds LDCs only',
    );
    expect(checked.text).toContain('data-rule="countryStatus"');
    // The form keeps what was typed.
    expect(checked.text).toContain(`<option value="${swiss}" selected>`);
    expect(checked.text).toContain('value="900.00"');
    expect(await counts()).toEqual(before);

    // Recorded all the same: refused (422) with the rule, the exception reason highlighted.
    const refused = await postForm(officer, '/grants', { ...form, action: 'record' });
    expect(refused.status).toBe(422);
    expect(refused.text).toContain('data-testid="grant-refused"');
    expect(refused.text).toContain('CH is not a Least Developed Country on 2026-11-20');
    expect(refused.text).toContain('data-testid="grant-exception" data-highlight="true"');
    expect(await counts()).toEqual(before);

    // With the exception's reason it is recorded, and the grant's page shows the exception.
    const recorded = await postForm(officer, '/grants', {
      ...form,
      action: 'record',
      exceptionReason: 'Keynote speaker invited by the co-facilitators',
    });
    expect(recorded.status).toBe(303);
    expect(recorded.headers.location).toMatch(/^\/grants\/[0-9a-f-]{36}\?done=recorded$/);
    const page = await http().get(recorded.headers.location).set(auditor);
    expect(page.status).toBe(200);
    expect(page.text).toContain('data-status="requested"');
    expect(page.text).toContain('Grant request recorded.');
    expect(page.text).toContain('Keynote speaker invited by the co-facilitators');
    expect(page.text).toContain('data-testid="grant-eligibility" data-eligible="false"');
    // Only an officer may ask for approval.
    expect(page.text).not.toContain('Ask for approval');
    expect((await counts()).grants).toBe(before.grants + 1);
  });

  it('shows what is wrong with the form beside its fields', async () => {
    const before = await counts();
    const res = await postForm(officer, '/grants', {
      eventId: '',
      participantId: ethiopian,
      kind: 'full',
      ticket: '1,450.00',
      allowance: 'a lot',
      decisionDate: '2026-11-20',
      action: 'record',
    });
    expect(res.status).toBe(422);
    expect(res.text).toContain('id="eventId-error"');
    expect(res.text).toContain('id="allowance-error"');
    expect(await counts()).toEqual(before);
  });

  it('lists grants by status, and the approval queue lists a pending request with its maker', async () => {
    const created = await http().post('/api/v1/grants').set(officer).send({
      eventId: ldcOnly.id,
      participantId: ethiopian,
      kind: 'partial-ticket',
      ticket: '1200.00',
      decisionDate: '2026-11-20',
    });
    expect(created.status).toBe(201);
    const grant = created.body as { id: string; number: string };

    const requested = await http().get('/grants?status=requested').set(auditor);
    expect(requested.status).toBe(200);
    expect(requested.text).toContain(grant.number);
    expect(requested.text).toContain('Hana Tesfaye');
    expect(requested.text).toContain('CHF 1,200.00');
    expect((await http().get('/grants?status=approved').set(auditor)).text).not.toContain(
      grant.number,
    );

    const asked = await postForm(officer, `/grants/${grant.id}/approval`, {
      formKey: randomUUID(),
    });
    expect(asked.status).toBe(303);
    expect(asked.headers.location).toMatch(
      new RegExp(`^/grants/${grant.id}\\?done=approval&approval=[0-9a-f-]{36}$`),
    );
    const shown = await http().get(asked.headers.location).set(officer);
    expect(shown.text).toContain('Approval requested');
    expect(shown.text).not.toContain('Ask for approval');

    // Asked twice: the page says a request is already pending.
    const again = await postForm(officer, `/grants/${grant.id}/approval`, {
      formKey: randomUUID(),
    });
    expect(again.status).toBe(409);
    expect(again.text).toContain('data-testid="grant-approval-error"');

    const queue = await http().get('/approvals').set(approver);
    expect(queue.status).toBe(200);
    const row = new RegExp(
      `<tr data-testid="approval-row" data-kind="grant.approve"[\\s\\S]*?${grant.number}[\\s\\S]*?</tr>`,
    ).exec(queue.text);
    expect(row).not.toBeNull();
    expect(row![0]).toContain('officer.a');
    expect(row![0]).toContain(`href="/grants/${grant.id}"`);
    expect(row![0]).toContain('>Approve</button>');
    // Readers without the approver role see the queue without the buttons.
    const read = await http().get('/approvals').set(auditor);
    expect(read.status).toBe(200);
    expect(read.text).toContain(grant.number);
    expect(read.text).not.toContain('>Approve</button>');
    expect((await http().get('/approvals').set(officer)).status).toBe(200);
  });

  it('never lets the maker approve: the page shows the refusal, nothing is executed', async () => {
    const created = await http()
      .post('/api/v1/grants')
      .set(twoHats)
      .send({
        eventId: ldcOnly.id,
        participantId: await insertParticipant(sql, 'Abebe Bekele', 'ET'),
        kind: 'partial-allowance',
        allowance: '600.00',
        decisionDate: '2026-11-20',
      });
    expect(created.status).toBe(201);
    const asked = await postForm(twoHats, `/grants/${created.body.id}/approval`, {
      formKey: randomUUID(),
    });
    expect(asked.status).toBe(303);
    const approvalId = new URL(asked.headers.location, 'http://x').searchParams.get('approval');
    const refused = await postForm(twoHats, `/approvals/${approvalId}/approve`, {
      comment: 'Looks fine',
    });
    expect(refused.status).toBe(403);
    expect(refused.text).toContain('data-testid="approval-row-error"');
    expect(refused.text).toContain('The person who made a request cannot approve it');
    const grant = await http().get(`/api/v1/grants/${created.body.id}`).set(officer);
    expect(grant.body.status).toBe('requested');

    // A rejection needs its reason; with it, another approver rejects the request.
    const bare = await postForm(approver, `/approvals/${approvalId}/reject`, { comment: '' });
    expect(bare.status).toBe(422);
    expect(bare.text).toContain('data-testid="approval-row-error"');
    const rejected = await postForm(approver, `/approvals/${approvalId}/reject`, {
      comment: 'Allowance above the event rate',
    });
    expect(rejected.status).toBe(303);
    expect(rejected.headers.location).toBe('/approvals?done=rejected');
    const queue = await http().get(rejected.headers.location).set(approver);
    expect(queue.text).toContain('Rejected: the maker will see your reason.');
    expect(queue.text).not.toContain(approvalId!);
  });

  it('pays the advance, then settles the grant, through the forms of its page', async () => {
    const event = await insertEvent(sql, 'ldc-and-developing', 'WSIS Forum 2026');
    const created = await http()
      .post('/api/v1/grants')
      .set(officer)
      .send({
        eventId: event.id,
        participantId: await insertParticipant(sql, 'Dawit Haile', 'ET'),
        kind: 'partial-ticket',
        ticket: '800.00',
        decisionDate: '2026-11-20',
      });
    expect(created.status).toBe(201);
    const id = created.body.id as string;
    const asked = await http().post(`/api/v1/grants/${id}/approval`).set(officer).send({});
    expect(asked.status).toBe(202);
    expect((await approve(app, asked.body.id, approver)).status).toBe(200);
    const approved = await http().get(`/grants/${id}`).set(officer);
    expect(approved.text).toContain('data-testid="disbursement-form"');
    expect(approved.text).toContain('data-testid="cancellation-form"');
    expect(approved.text).not.toContain('data-testid="settlement-form"');

    // Without the bank account: refused beside the field, nothing paid.
    const today = todayUtc();
    const missing = await postForm(officer, `/grants/${id}/disbursement`, {
      date: today,
      bankAccount: '',
      amount: '800.00',
      confirm: 'true',
    });
    expect(missing.status).toBe(422);
    expect(missing.text).toContain('id="disbursement-bankAccount-error"');
    expect((await http().get(`/api/v1/grants/${id}`).set(officer)).body.status).toBe('approved');

    // Paying posts to the ledger for good: without the ticked confirmation nothing is paid, and
    // the form comes back as typed with the reason beside the box.
    const unconfirmed = await postForm(officer, `/grants/${id}/disbursement`, {
      date: today,
      bankAccount: 'CHF-MAIN',
      amount: '800.00',
      formKey: randomUUID(),
    });
    expect(unconfirmed.status).toBe(422);
    expect(unconfirmed.text).toMatch(
      /id="disbursement-confirm-error">tick the box to confirm: this cannot be undone</,
    );
    expect(unconfirmed.text).toContain('<option value="CHF-MAIN" selected>');
    expect((await http().get(`/api/v1/grants/${id}`).set(officer)).body.status).toBe('approved');

    const paid = await postForm(officer, `/grants/${id}/disbursement`, {
      date: today,
      bankAccount: 'CHF-MAIN',
      amount: '800.00',
      confirm: 'true',
      formKey: randomUUID(),
    });
    expect(paid.status).toBe(303);
    expect(paid.headers.location).toBe(`/grants/${id}?done=disbursed`);
    const disbursed = await http().get(paid.headers.location).set(officer);
    expect(disbursed.text).toContain('data-status="disbursed"');
    expect(disbursed.text).toContain('data-testid="grant-entries"');
    expect(disbursed.text).toContain('data-testid="settlement-form"');

    const unsettled = await postForm(officer, `/grants/${id}/settlement`, {
      date: today,
      actualCost: '750.00',
      bankAccount: 'CHF-MAIN',
      formKey: randomUUID(),
    });
    expect(unsettled.status).toBe(422);
    expect(unsettled.text).toContain('id="settlement-confirm-error"');
    expect(unsettled.text).toContain('value="750.00"');
    expect((await http().get(`/api/v1/grants/${id}`).set(officer)).body.status).toBe('disbursed');

    const settled = await postForm(officer, `/grants/${id}/settlement`, {
      date: today,
      actualCost: '750.00',
      bankAccount: 'CHF-MAIN',
      confirm: 'true',
      formKey: randomUUID(),
    });
    expect(settled.status).toBe(303);
    expect(settled.headers.location).toBe(`/grants/${id}?done=settled`);
    const after = await http().get(`/api/v1/grants/${id}`).set(officer);
    expect(after.body.status).toBe('settled');
    expect(after.body.committed).toMatchObject({ amount: '0.00', currency: 'CHF' });
    const page = await http().get(settled.headers.location).set(officer);
    expect(page.text).toContain('Grant settled and posted to the ledger.');
    expect(page.text).toContain('data-testid="grant-step" data-kind="settled"');
  });

  it('speaks French: the pages, an amount typed "2 500,00" read exactly, the messages beside the fields', async () => {
    const fr = { ...officer, 'Accept-Language': 'fr-CH, fr;q=0.9, en;q=0.5' };
    const event = await insertEvent(sql, 'ldc-and-developing', 'Forum du SMSI 2026');
    const participant = await insertParticipant(sql, 'Awa Ndiaye', 'SN');

    const form = await http().get(`/grants/new?eventId=${event.id}`).set(fr);
    expect(form.status).toBe(200);
    expect(form.text).toContain('<html lang="fr">');
    expect(form.text).toContain(
      '<h1 id="grant-form-title">Demander une subvention de participation</h1>',
    );
    expect(form.text).toContain('<label for="ticket">Billet d’avion (CHF)</label>');
    expect(form.text).toContain('placeholder="1\u202f450,00"');
    expect(form.text).toContain('>Partielle : billet d’avion</option>');

    // The rules that fail, in French too.
    const checked = await postForm(fr, '/grants', {
      eventId: ldcOnly.id,
      participantId: swiss,
      kind: 'partial-ticket',
      ticket: '900,00',
      decisionDate: '2026-11-20',
      action: 'check',
    });
    expect(checked.status).toBe(200);
    expect(checked.text).toContain('Admissibilité au 2026-11-20 : non admissible');
    expect(checked.text).toContain(
      'CH n’est pas un pays moins avancé (PMA) au 2026-11-20 ; la manifestation ne finance que les PMA',
    );

    // Refused: the French message beside each field, everything typed kept, nothing written.
    const before = await counts();
    const refused = await postForm(fr, '/grants', {
      eventId: '',
      participantId: participant,
      kind: 'full',
      ticket: '2 500,00',
      allowance: 'beaucoup',
      decisionDate: '2026-11-20',
      action: 'record',
    });
    expect(refused.status).toBe(422);
    expect(refused.text).toContain('La subvention n’a pas été enregistrée.');
    expect(refused.text).toContain(
      '<p class="field-error" id="eventId-error">Choisissez une manifestation.</p>',
    );
    expect(refused.text).toContain(
      '<p class="field-error" id="allowance-error">Écrivez un montant, par exemple 1\u202f450,00.</p>',
    );
    expect(refused.text).toContain(
      'name="ticket" type="text" inputmode="decimal" value="2 500,00"',
    );
    expect(refused.text).toContain('value="beaucoup"');
    expect(refused.text).toContain(`<option value="${participant}" selected>`);
    expect(await counts()).toEqual(before);

    // Recorded with the amount typed the French way: the API holds exactly CHF 2500.00.
    const recorded = await postForm(fr, '/grants', {
      eventId: event.id,
      participantId: participant,
      kind: 'partial-ticket',
      ticket: '2 500,00',
      allowance: '',
      decisionDate: '2026-11-20',
      exceptionReason: '',
      action: 'record',
      formKey: randomUUID(),
    });
    expect(recorded.status).toBe(303);
    const id = /^\/grants\/([0-9a-f-]{36})\?done=recorded$/.exec(recorded.headers.location)![1];
    const grant = await http().get(`/api/v1/grants/${id}`).set(officer);
    expect(grant.body.amount).toEqual({ currency: 'CHF', amount: '2500.00' });
    expect(grant.body.ticket).toEqual({ currency: 'CHF', amount: '2500.00' });

    const shown = await http().get(recorded.headers.location).set(fr);
    expect(shown.text).toContain(`<h1 id="grant-title">Subvention ${grant.body.number}</h1>`);
    expect(shown.text).toContain('Demande de subvention enregistrée.');
    expect(shown.text).toContain('data-testid="grant-amount">2\u202f500,00\u00a0CHF<');
    expect(shown.text).toContain('<h2 id="grant-eligibility-title">Admissibilité</h2>');
    expect(shown.text).toContain('Admissible au 2026-11-20');
    expect(shown.text).toContain('Femme, Gouvernement');
    expect(shown.text).toContain('>Demander l’approbation</button>');

    // The language chosen with the header's switch (the cookie) wins over the browser's.
    const listed = await http()
      .get('/grants?status=requested')
      .set({ ...officer, 'Accept-Language': 'en' })
      .set('Cookie', 'tf_lang=fr');
    expect(listed.text).toContain('<h1 id="grants-title">Subventions de participation</h1>');
    expect(listed.text).toContain('aria-current="page">Demandée</a>');
    const row = new RegExp(`<tr data-testid="grant-row"[^]*?${grant.body.number}[^]*?</tr>`);
    expect(row.exec(listed.text)?.[0]).toContain('>2\u202f500,00\u00a0CHF<');

    // Approved by another person, the advance is offered as the French write it, and paid so.
    const asked = await http().post(`/api/v1/grants/${id}/approval`).set(officer).send({});
    expect(asked.status).toBe(202);
    expect((await approve(app, asked.body.id, approver)).status).toBe(200);
    const approved = await http().get(`/grants/${id}`).set(fr);
    expect(approved.text).toContain(
      'id="disbursement-amount" name="amount" type="text" inputmode="decimal" value="2\u202f500,00"',
    );
    expect(approved.text).toContain('Je confirme le versement de l’avance');
    const paid = await postForm(fr, `/grants/${id}/disbursement`, {
      date: todayUtc(),
      bankAccount: 'CHF-MAIN',
      amount: '2\u202f500,00',
      confirm: 'true',
      formKey: randomUUID(),
    });
    expect(paid.status).toBe(303);
    const disbursed = await http().get(`/api/v1/grants/${id}`).set(officer);
    expect(disbursed.body.status).toBe('disbursed');
    expect(disbursed.body.steps.at(-1)).toMatchObject({
      kind: 'disbursed',
      amount: { currency: 'CHF', amount: '2500.00' },
    });
    const paidPage = await http().get(paid.headers.location).set(fr);
    expect(paidPage.text).toContain('Avance versée et comptabilisée au grand livre.');
    expect(paidPage.text).toContain('<h2 id="grant-entries-title">Écritures comptables</h2>');

    // Cancelling cannot be undone: refused in French until the box is ticked, input kept.
    const other = await http()
      .post('/api/v1/grants')
      .set(officer)
      .send({
        eventId: event.id,
        participantId: await insertParticipant(sql, 'Moussa Diop', 'SN'),
        kind: 'remote',
        decisionDate: '2026-11-20',
      });
    expect(other.status).toBe(201);
    const otherId = other.body.id as string;
    const unconfirmed = await postForm(fr, `/grants/${otherId}/cancellation`, {
      date: todayUtc(),
      reason: 'Visa refusé',
      formKey: randomUUID(),
    });
    expect(unconfirmed.status).toBe(422);
    expect(unconfirmed.text).toContain(
      'id="cancellation-confirm-error">cochez la case pour confirmer : cette opération est irréversible<',
    );
    expect(unconfirmed.text).toContain('>Visa refusé</textarea>');
    const still = await http().get(`/api/v1/grants/${otherId}`).set(officer);
    expect(still.body.status).toBe('requested');
    const cancelled = await postForm(fr, `/grants/${otherId}/cancellation`, {
      date: todayUtc(),
      reason: 'Visa refusé',
      confirm: 'true',
      formKey: randomUUID(),
    });
    expect(cancelled.status).toBe(303);
    const after = await http().get(cancelled.headers.location).set(fr);
    expect(after.text).toContain('Subvention annulée : ce qui était engagé pour elle est libéré.');
    const gone = await http().get(`/api/v1/grants/${otherId}`).set(officer);
    expect(gone.body.status).toBe('cancelled');
  });
});

const OFFICER = { username: 'meron.officer', password: 'Amber-Harbour-Lantern-58' };
const APPROVER = { username: 'lucia.approver', password: 'Cobalt-Meadow-Tunnel-91' };

describeWithBrowser('grant pages in a browser', () => {
  let harness: BrowserApp | undefined;
  let browser: BrowserSession | undefined;
  let baseUrl: string;
  let event: { id: string; code: string };

  beforeAll(async () => {
    harness = await startBrowserApp(async (app) => {
      await createPasswordUser(app, {
        ...OFFICER,
        displayName: 'Meron Alemu',
        roles: ['finance_officer'],
      });
      await createPasswordUser(app, {
        ...APPROVER,
        displayName: 'Lucia Rossi',
        roles: ['approver'],
      });
      const url = app.get<AppConfig>(APP_CONFIG).database.url!;
      await addBankAccount(url, { code: 'CHF-MAIN', currency: 'CHF', id: randomUUID() });
      const setup = await createTestUser(app, 'setup.officer', ['finance_officer']);
      const sql = await connect(url);
      try {
        await fundEarmark(sql, (path, body) =>
          request(app.getHttpServer()).post(path).set(setup.auth).send(body),
        );
        event = await insertEvent(sql, 'ldc-only', 'WSIS+20 LDC consultation');
        await insertParticipant(sql, 'Hana Tesfaye', 'ET');
      } finally {
        await sql.end();
      }
    });
    ({ browser, baseUrl } = harness);
  });

  afterAll(() => harness?.close());

  async function signIn(
    page: Page,
    path: string,
    user: { username: string; password: string },
  ): Promise<void> {
    await page.goto(`${baseUrl}${path}`);
    await page.waitForURL(/\/sign-in\?next=/);
    await page.getByLabel('User name').fill(user.username);
    await page.getByLabel('Password').fill(user.password);
    await submitForm(page, 'Sign in');
    await page.waitForURL(`${baseUrl}${path}`);
  }

  it('an officer requests a grant and asks for approval; another person approves it', async () => {
    const page = await browser!.context.newPage();
    const errors = watchPage(page, baseUrl);
    try {
      await signIn(page, '/grants/new', OFFICER);
      await page
        .getByLabel('Event')
        .selectOption({ label: `${event.code} — WSIS+20 LDC consultation (2026-12-07)` });
      await page
        .getByLabel('Participant')
        .selectOption({ label: 'Hana Tesfaye (ET, Ministry of ICT)' });
      await page.getByLabel('Kind').selectOption('partial-ticket');
      await page.getByLabel('Air ticket (CHF)').fill('1,450.00');
      await page.getByLabel('Decision date').fill('2026-11-20');
      await submitForm(page, 'Check eligibility');
      expect(await page.getByTestId('grant-eligibility').getAttribute('data-eligible')).toBe(
        'true',
      );
      await submitForm(page, 'Record');
      await page.waitForURL(/\/grants\/[0-9a-f-]{36}\?done=recorded$/);
      const grantPath = new URL(page.url()).pathname;
      const number = (await page.locator('#grant-title').textContent())!.replace('Grant ', '');
      expect(await page.getByTestId('grant-status').getAttribute('data-status')).toBe('requested');
      expect(await page.getByTestId('grant-amount').textContent()).toBe('CHF 1,450.00');

      await submitForm(page, 'Ask for approval');
      await page.waitForURL(new RegExp(`${grantPath}\\?done=approval&approval=`));
      expect(await page.getByTestId('grant-notice').textContent()).toContain('Approval requested');
      await page.screenshot({ path: screenshotPath('grant-requested'), fullPage: true });

      // Another person, holding the approver role, signs in and approves it.
      await browser!.context.clearCookies();
      await signIn(page, '/approvals', APPROVER);
      const nav = page.getByRole('navigation', { name: 'Main' });
      expect(await nav.getByRole('link', { name: 'Approvals' }).getAttribute('aria-current')).toBe(
        'page',
      );
      const row = page.getByTestId('approval-row').filter({ hasText: number });
      expect(await row.count()).toBe(1);
      expect(await row.textContent()).toContain(OFFICER.username);
      await row.getByLabel('Comment').fill('Within the event budget');
      // An approval is executed at once: the approvals page asks to confirm it.
      await row.getByLabel('I confirm the approval').check();
      await Promise.all([
        page.waitForURL(`${baseUrl}/approvals?done=approved`),
        row.getByRole('button', { name: 'Approve', exact: true }).click(),
      ]);
      expect(await page.getByTestId('approval-notice').textContent()).toContain('Approved');
      expect(await page.getByTestId('approval-row').filter({ hasText: number }).count()).toBe(0);

      await page.goto(`${baseUrl}${grantPath}`);
      expect(await page.getByTestId('grant-status').getAttribute('data-status')).toBe('approved');
      expect(await page.getByTestId('grant-committed').textContent()).toBe('CHF 1,450.00');
      expect(await page.getByTestId('grant-attribution').textContent()).toContain('Sweden');
      await page.screenshot({ path: screenshotPath('grant-approved'), fullPage: true });
      expect(errors).toEqual([]);
    } finally {
      await page.close();
    }
  });
});
