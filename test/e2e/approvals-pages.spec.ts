import { randomUUID } from 'node:crypto';
import { NestExpressApplication } from '@nestjs/platform-express';
import { Client } from 'pg';
import request from 'supertest';
import { ApprovalHandlerRegistry } from '../../src/approvals/approval-handler.registry';
import { DESCRIBED_KINDS } from '../../src/approvals/pages/approval-payloads';
import { hasUiText } from '../../src/web/ui-i18n';
import { addBankAccount, receivableAdjustment } from '../support/ledger-fixtures';
import { createTestApp, TestUsers } from '../support/test-app';
import { connect, createTestDatabase, TestDatabase } from '../support/test-database';

type Auth = { Authorization: string };
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- API answers, read field by field
type Body = Record<string, any>;

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i;

/** The html of one pending request's row (up to the next row, or the end of the queue). */
function rowOf(html: string, approvalId: string): string {
  const queue = html.slice(0, html.indexOf('aria-labelledby="approvals-decided-title"'));
  const row = queue
    .split('<tr data-testid="approval-row"')
    .find((chunk) => chunk.includes(`data-id="${approvalId}"`));
  if (row === undefined) throw new Error(`no row for approval ${approvalId}`);
  return `<tr data-testid="approval-row"${row}`;
}

/** The html of the decided row that mentions `text`. */
function decidedRowOf(html: string, text: string): string {
  const decided = html.slice(html.indexOf('aria-labelledby="approvals-decided-title"'));
  const row = decided
    .split('<tr data-testid="approval-decided-row"')
    .slice(1)
    .find((chunk) => chunk.includes(text));
  if (row === undefined) throw new Error(`no decided row with ${text}`);
  return row.slice(0, row.indexOf('</tr>'));
}

/** What a reader sees: the text without the tags. */
const visible = (html: string): string =>
  html
    .replace(/<[^>]*>/g, ' ')
    .replace(/\s+/g, ' ')
    .replace(/ ([,.)])/g, '$1')
    .trim();

/** The value (html) of a labelled field of a request's readable payload. */
function fieldOf(row: string, label: string): string {
  const match = new RegExp(`<dt>${label}</dt><dd>([\\s\\S]*?)</dd>`).exec(row);
  if (match === null) throw new Error(`no field "${label}" in ${visible(row)}`);
  return match[1];
}

describe('the approvals inbox page', () => {
  let db: TestDatabase;
  let app: NestExpressApplication;
  let sql: Client;
  let officer: Auth;
  let approver: Auth;
  let twoHats: Auth;
  let auditor: Auth;
  let norway: string;
  let korea: string;
  const ids: Record<'writeOff' | 'refund' | 'adjustment' | 'grant' | 'reversal', string> = {
    writeOff: '',
    refund: '',
    adjustment: '',
    grant: '',
    reversal: '',
  };
  let pledge: Body;
  let receipt: Body;
  let grant: Body;

  const http = () => request(app.getHttpServer());
  const post = (auth: Auth, url: string, body: object) => http().post(url).set(auth).send(body);
  const postForm = (auth: Auth, url: string, fields: Record<string, string>) =>
    http().post(url).set(auth).type('form').send(fields);
  const approval = async (id: string): Promise<Body> =>
    (await http().get(`/api/v1/approvals/${id}`).set(auditor)).body;
  const count = async (table: string): Promise<number> =>
    (await sql.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`)).rows[0].n;
  const counts = async () => ({
    entries: await count('journal_entry'),
    pendingApprovals: (
      await sql.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM approval_request WHERE status = 'pending'`,
      )
    ).rows[0].n,
    audit: await count('audit_log'),
  });

  async function newDonor(name: string): Promise<string> {
    const { rows } = await sql.query<{ id: string }>(
      `INSERT INTO donor (name, normalized_name, type, created_by)
       VALUES ($1, lower($1), 'member_state', 'test') RETURNING id`,
      [name],
    );
    return rows[0].id;
  }

  async function agreedPledge(donorId: string, amount: string, earmark?: string): Promise<Body> {
    const created = await post(officer, '/api/v1/pledges', {
      fund: 'WSIS-TF',
      donorId,
      ...(earmark === undefined ? {} : { earmark }),
      currency: 'CHF',
      amount,
      announcedOn: '2026-01-15',
      instalments: [{ dueDate: '2026-06-30', amount }],
    });
    expect(created.status).toBe(201);
    const agreed = await post(officer, `/api/v1/pledges/${created.body.id}/agreement`, {
      agreedOn: '2026-02-10',
      documentRef: `AGR-${created.body.reference}`,
    });
    expect(agreed.status).toBe(200);
    return agreed.body;
  }

  /** A participation grant of CHF 1,200.00 to Hana Tesfaye (ET), its earmark funded. */
  async function requestedGrant(): Promise<Body> {
    const sweden = await newDonor('Kingdom of Sweden');
    await agreedPledge(sweden, '5000.00', 'PARTICIPATION-GRANTS');
    const paid = await post(officer, '/api/v1/receipts', {
      bankAccount: 'CHF-MAIN',
      valueDate: '2026-03-02',
      currency: 'CHF',
      grossAmount: '5000.00',
      donorId: sweden,
    });
    expect(paid.body.status).toBe('allocated');
    const event = await sql.query<{ id: string }>(
      `INSERT INTO grant_event (fund_id, earmark_id, code, name, place, starts_on, ends_on,
         budget_minor, eligibility_rule, offers_full, offers_partial_ticket,
         offers_partial_allowance, offers_remote, remote_amount_minor, created_by)
       SELECT f.id, e.id, 'WSIS-LDC-26', 'WSIS+20 LDC consultation', 'Geneva', '2026-12-07',
              '2026-12-11', 10000000, 'ldc-only', true, true, true, true, 50000, 'test'
         FROM fund f JOIN earmark e ON e.fund_id = f.id AND e.code = 'PARTICIPATION-GRANTS'
        WHERE f.code = 'WSIS-TF' RETURNING grant_event.id`,
    );
    const participant = await sql.query<{ id: string }>(
      `INSERT INTO participant (name, normalized_name, gender, country, organisation,
         stakeholder_group, created_by)
       VALUES ('Hana Tesfaye', 'hana tesfaye', 'female', 'ET', 'Ministry of ICT', 'government',
               'test') RETURNING id`,
    );
    const created = await post(officer, '/api/v1/grants', {
      eventId: event.rows[0].id,
      participantId: participant.rows[0].id,
      kind: 'partial-ticket',
      ticket: '1200.00',
      decisionDate: '2026-11-20',
    });
    expect(created.status).toBe(201);
    return created.body;
  }

  beforeAll(async () => {
    db = await createTestDatabase();
    await addBankAccount(db.url, { code: 'CHF-MAIN', currency: 'CHF', id: randomUUID() });
    app = await createTestApp(db, { env: { API_RATE_LIMIT_PER_MINUTE: '100000' } });
    sql = await connect(db.url);
    const users = new TestUsers(app);
    officer = await users.auth('meron.officer', ['finance_officer']);
    approver = await users.auth('lucia.approver', ['approver']);
    twoHats = await users.auth('amina.both', ['finance_officer', 'approver']);
    auditor = await users.auth('audit.one', ['auditor']);
    await sql.query(
      `UPDATE app_user SET display_name = CASE username
         WHEN 'meron.officer' THEN 'Meron Alemu' WHEN 'lucia.approver' THEN 'Lucia Rossi'
         WHEN 'amina.both' THEN 'Amina Diallo' ELSE display_name END`,
    );
    const rate = await post(officer, '/api/v1/exchange-rates', {
      currency: 'CHF',
      effectiveFrom: '2026-01-01',
      unitsPerUsd: '0.8000',
    });
    expect(rate.status).toBe(201);
    norway = await newDonor('Kingdom of Norway');
    korea = await newDonor('Republic of Korea');

    // Requested in this order, one after the other: the inbox shows them oldest first.
    pledge = await agreedPledge(norway, '1000.00');
    const writeOff = await post(officer, `/api/v1/pledges/${pledge.id}/write-off`, {
      date: '2026-10-31',
      reason: 'Agreement lapsed; confirmed by the permanent mission',
    });
    expect(writeOff.status).toBe(202);
    ids.writeOff = writeOff.body.id;

    const received = await post(officer, '/api/v1/receipts', {
      bankAccount: 'CHF-MAIN',
      valueDate: '2026-03-02',
      currency: 'CHF',
      grossAmount: '2000.00',
      donorId: korea,
    });
    expect(received.status).toBe(201);
    receipt = received.body;
    const refund = await post(officer, `/api/v1/receipts/${receipt.id}/refund`, {
      amount: '1234.50',
      date: '2026-03-10',
      reason: 'Paid twice by the mission; returned at its request',
    });
    expect(refund.status).toBe(202);
    ids.refund = refund.body.id;

    const adjustment = await post(
      officer,
      '/api/v1/funds/WSIS-TF/journal-entries',
      receivableAdjustment(norway, '500.00'),
    );
    expect(adjustment.status).toBe(202);
    ids.adjustment = adjustment.body.id;

    grant = await requestedGrant();
    const asked = await post(officer, `/api/v1/grants/${grant.id}/approval`, {});
    expect(asked.status).toBe(202);
    ids.grant = asked.body.id;

    // Made by someone who also holds the approver role.
    const reversal = await post(twoHats, `/api/v1/receipts/${receipt.id}/reversal`, {
      date: '2026-03-12',
      reason: 'Recorded on the wrong bank account',
    });
    expect(reversal.status).toBe(202);
    ids.reversal = reversal.body.id;
  });

  afterAll(async () => {
    await sql?.end();
    await app?.close();
    await db?.drop();
  });

  it('tells the approver what each request will do, oldest first, in words and named', async () => {
    const page = await http().get('/approvals').set(approver);
    expect(page.status).toBe(200);
    expect(page.text).toContain(
      '<h2 id="approvals-pending-title" data-testid="approval-heading">Pending (5)</h2>',
    );
    const order = [ids.writeOff, ids.refund, ids.adjustment, ids.grant, ids.reversal].map((id) =>
      page.text.indexOf(`data-id="${id}"`),
    );
    expect(order.every((at) => at > 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    // No payload is shown as JSON.
    const main = page.text.slice(page.text.indexOf('<main'), page.text.indexOf('</main>'));
    expect(main).not.toMatch(/\{&quot;|\{"[a-zA-Z]+"|&quot;:/);

    const writeOff = rowOf(page.text, ids.writeOff);
    expect(visible(writeOff)).toContain('Pledge write-off');
    expect(visible(writeOff)).toContain('Meron Alemu meron.officer');
    expect(fieldOf(writeOff, 'Pledge')).toBe(
      `<a href="/pledges/${pledge.id}">${pledge.reference}</a>`,
    );
    expect(fieldOf(writeOff, 'Donor')).toBe(`<a href="/donors/${norway}">Kingdom of Norway</a>`);
    expect(fieldOf(writeOff, 'Pledge amount')).toBe('CHF 1,000.00');
    expect(fieldOf(writeOff, 'Outstanding now')).toBe('CHF 1,000.00');
    expect(fieldOf(writeOff, 'Accounting date')).toBe('2026-10-31');
    expect(fieldOf(writeOff, 'Reason')).toBe(
      'Agreement lapsed; confirmed by the permanent mission',
    );
    // Named where a name exists: no id in what the reader sees.
    expect(visible(writeOff)).not.toMatch(UUID);
    expect(writeOff).toContain(`action="/approvals/${ids.writeOff}/approve"`);

    const refund = rowOf(page.text, ids.refund);
    expect(visible(refund)).toContain('Receipt refund');
    expect(fieldOf(refund, 'Receipt')).toBe(
      `<a href="/receipts/${receipt.id}">${receipt.number}</a>`,
    );
    expect(fieldOf(refund, 'Donor')).toBe(`<a href="/donors/${korea}">Republic of Korea</a>`);
    expect(fieldOf(refund, 'Receipt amount')).toBe('CHF 2,000.00');
    expect(fieldOf(refund, 'Amount to refund')).toBe('CHF 1,234.50');
    expect(fieldOf(refund, 'Refund date')).toBe('2026-03-10');
    expect(visible(refund)).not.toMatch(UUID);

    const adjustment = rowOf(page.text, ids.adjustment);
    expect(visible(adjustment)).toContain('Manual adjustment');
    expect(fieldOf(adjustment, 'Fund')).toBe('WSIS-TF');
    expect(fieldOf(adjustment, 'Entry date')).toBe('2026-03-15');
    const lines = visible(adjustment.slice(adjustment.indexOf('<caption>')));
    expect(lines).toMatch(
      /^Lines of the entry Account Donor, earmark, bank account, pledge Debit Credit 1100 \S/,
    );
    expect(lines).toContain('Kingdom of Norway, UNEARMARKED');
    expect(lines).toContain('CHF 500.00');
    expect(adjustment).toContain(`<a href="/donors/${norway}">Kingdom of Norway</a>`);
    expect(visible(adjustment)).not.toMatch(UUID);

    const grantRow = rowOf(page.text, ids.grant);
    expect(visible(grantRow)).toContain('Grant approval');
    expect(fieldOf(grantRow, 'Grant')).toBe(`<a href="/grants/${grant.id}">${grant.number}</a>`);
    expect(visible(fieldOf(grantRow, 'Participant'))).toBe('Hana Tesfaye (ET)');
    expect(visible(fieldOf(grantRow, 'Event'))).toBe('WSIS-LDC-26 — WSIS+20 LDC consultation');
    expect(fieldOf(grantRow, 'Kind of grant')).toBe('Partial: air ticket');
    expect(fieldOf(grantRow, 'Grant amount')).toBe('CHF 1,200.00');
    expect(visible(grantRow)).not.toMatch(UUID);

    const reversal = rowOf(page.text, ids.reversal);
    expect(visible(reversal)).toContain('Receipt reversal');
    expect(fieldOf(reversal, 'Reversal date')).toBe('2026-03-12');
    expect(fieldOf(reversal, 'Value date')).toBe('2026-03-02');
    expect(visible(reversal)).toContain('Amina Diallo amina.both');
  });

  it('shows the maker their own request marked "(you)", without the decision form', async () => {
    const page = await http().get('/approvals').set(twoHats);
    expect(page.status).toBe(200);
    const own = rowOf(page.text, ids.reversal);
    expect(visible(own)).toContain('Amina Diallo amina.both (you)');
    expect(own).not.toContain('<form');
    expect(own).not.toContain('>Approve</button>');
    expect(visible(own)).toContain('You made this request: another approver decides it.');
    // The other requests this approver may decide.
    const other = rowOf(page.text, ids.refund);
    expect(other).toContain(`action="/approvals/${ids.refund}/approve"`);
    expect(visible(other)).not.toContain('(you)');
    // Readers without the approver role read the inbox without any form.
    const read = await http().get('/approvals').set(auditor);
    expect(read.status).toBe(200);
    expect(read.text).toContain(`data-id="${ids.reversal}"`);
    expect(read.text).not.toContain('<form method="post" action="/approvals/');
  });

  it('lists one kind at a time, with the count of each kind', async () => {
    const all = await http().get('/approvals').set(approver);
    expect(visible(all.text)).toContain('All kinds (5)');
    expect(all.text).toContain('data-kind="receipt.refund">Receipt refund (1)</a>');
    const refunds = await http().get('/approvals?kind=receipt.refund').set(approver);
    expect(refunds.status).toBe(200);
    expect(refunds.text).toContain('>Pending: Receipt refund (1)</h2>');
    expect(refunds.text).toContain(`data-id="${ids.refund}"`);
    expect(refunds.text).not.toContain(`data-id="${ids.writeOff}"`);
    // A decision made from the filtered list comes back to it.
    expect(refunds.text).toContain('<input type="hidden" name="kind" value="receipt.refund">');
  });

  it('speaks French to a French reader: labels, kinds and amounts', async () => {
    const page = await http().get('/approvals').set(approver).set('Cookie', 'tf_lang=fr');
    expect(page.status).toBe(200);
    expect(page.text).toContain('<h1 id="approvals-title">Approbations</h1>');
    expect(page.text).toContain('>En attente (5)</h2>');
    const refund = rowOf(page.text, ids.refund);
    expect(visible(refund)).toContain('Remboursement d’un versement');
    expect(fieldOf(refund, 'Donateur')).toBe(`<a href="/donors/${korea}">Republic of Korea</a>`);
    expect(fieldOf(refund, 'Montant à rembourser')).toBe('1\u202f234,50\u00a0CHF');
    expect(fieldOf(refund, 'Montant du versement')).toBe('2\u202f000,00\u00a0CHF');
    expect(refund).toContain('>Approuver</button>');
    expect(refund).toContain('Je confirme l’approbation');
    const grantRow = rowOf(page.text, ids.grant);
    expect(fieldOf(grantRow, 'Type de subvention')).toBe('Partielle : billet d’avion');
    expect(fieldOf(grantRow, 'Montant de la subvention')).toBe('1\u202f200,00\u00a0CHF');
    expect(page.text).not.toContain('Pledge write-off');

    const mine = await http().get('/approvals').set(twoHats).set('Cookie', 'tf_lang=fr');
    expect(visible(rowOf(mine.text, ids.reversal))).toContain('(vous)');
  });

  it('approving without the confirmation changes nothing and says why beside the box', async () => {
    const before = await counts();
    const res = await postForm(approver, `/approvals/${ids.writeOff}/approve`, {
      comment: 'Lapsed for two years',
    });
    expect(res.status).toBe(422);
    const row = rowOf(res.text, ids.writeOff);
    expect(row).toContain(
      `<p class="field-error" id="confirm-${ids.writeOff}-error">tick the box to confirm: an approval is executed at once and cannot be undone</p>`,
    );
    expect(row).toMatch(
      new RegExp(
        `<input id="confirm-${ids.writeOff}" name="confirm" type="checkbox" value="true"\\s+aria-invalid="true" aria-describedby="confirm-${ids.writeOff}-error">`,
      ),
    );
    expect(row).toContain('data-testid="approval-row-error"');
    expect(row).toContain(`<a href="#confirm-${ids.writeOff}">`);
    // What was typed is kept, the details open on what was refused.
    expect(row).toContain('value="Lapsed for two years"');
    expect(row).toContain('data-testid="approval-payload" open');
    expect(await counts()).toEqual(before);
    expect((await approval(ids.writeOff)).status).toBe('pending');
    expect((await http().get(`/api/v1/pledges/${pledge.id}`).set(auditor)).body.status).not.toBe(
      'written-off',
    );

    // In French, the same refusal in French.
    const fr = await postForm(approver, `/approvals/${ids.writeOff}/approve`, {}).set(
      'Cookie',
      'tf_lang=fr',
    );
    expect(fr.status).toBe(422);
    expect(rowOf(fr.text, ids.writeOff)).toContain(
      'cochez la case pour confirmer : une approbation est exécutée immédiatement et ne peut pas être annulée',
    );
    expect(await counts()).toEqual(before);
  });

  it('never lets the maker approve, even with the box ticked, and refuses a rejection without its reason', async () => {
    const before = await counts();
    const mine = await postForm(twoHats, `/approvals/${ids.reversal}/approve`, { confirm: 'true' });
    expect(mine.status).toBe(403);
    expect(visible(rowOf(mine.text, ids.reversal))).toContain(
      'The person who made a request cannot approve it: another approver must.',
    );
    const unconfirmed = await postForm(twoHats, `/approvals/${ids.reversal}/approve`, {});
    expect(unconfirmed.status).toBe(403);

    const bare = await postForm(approver, `/approvals/${ids.adjustment}/reject`, {
      comment: '  ',
      confirm: 'true',
    });
    expect(bare.status).toBe(422);
    const row = rowOf(bare.text, ids.adjustment);
    expect(row).toContain(
      `<p class="field-error" id="comment-${ids.adjustment}-error">say why the request is rejected</p>`,
    );
    expect(row).toContain(
      `aria-describedby="comment-${ids.adjustment}-error comment-${ids.adjustment}-hint" aria-invalid="true"`,
    );
    expect(await counts()).toEqual(before);
    expect((await approval(ids.adjustment)).status).toBe('pending');
  });

  it('approves with the confirmation: the write-off is posted, and the decision is listed', async () => {
    const res = await postForm(approver, `/approvals/${ids.writeOff}/approve`, {
      comment: 'Lapsed for two years',
      confirm: 'true',
    });
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/approvals?done=approved');
    const written = await http().get(`/api/v1/pledges/${pledge.id}`).set(auditor);
    expect(written.body).toMatchObject({
      status: 'written-off',
      writtenOff: { currency: 'CHF', amount: '1000.00' },
      outstanding: { currency: 'CHF', amount: '0.00' },
    });
    expect(await approval(ids.writeOff)).toMatchObject({
      status: 'executed',
      checker: 'lucia.approver',
      comment: 'Lapsed for two years',
    });

    const page = await http().get(res.headers.location).set(approver);
    expect(page.text).toContain(
      '<p class="notice" role="status" data-testid="approval-notice">Approved: the request was executed.</p>',
    );
    expect(page.text).toContain('>Pending (4)</h2>');
    expect(page.text).not.toContain(`data-id="${ids.writeOff}"`);
    const decided = decidedRowOf(page.text, pledge.reference);
    expect(decided).toContain('data-status="executed"');
    expect(visible(decided)).toContain('Pledge write-off');
    expect(visible(decided)).toContain('Approved and executed Lucia Rossi lucia.approver');
    expect(visible(decided)).toContain('Lapsed for two years');

    // Approved from the list of one kind, the approver comes back to it.
    const refund = await postForm(approver, `/approvals/${ids.refund}/approve`, {
      confirm: 'true',
      kind: 'receipt.refund',
    });
    expect(refund.status).toBe(303);
    expect(refund.headers.location).toBe('/approvals?kind=receipt.refund&done=approved');
    const refunded = await http().get(`/api/v1/receipts/${receipt.id}`).set(auditor);
    expect(refunded.body.refunded).toEqual({ currency: 'CHF', amount: '1234.50' });
  });

  it('rejects with the reason, which the decided list shows', async () => {
    const res = await postForm(approver, `/approvals/${ids.adjustment}/reject`, {
      comment: 'No agreement letter on file for this receivable',
    });
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/approvals?done=rejected');
    expect((await approval(ids.adjustment)).status).toBe('rejected');
    const page = await http().get(res.headers.location).set(auditor);
    expect(page.text).toContain('Rejected: the maker will see your reason.');
    const decided = decidedRowOf(page.text, 'No agreement letter on file');
    expect(decided).toContain('data-status="rejected"');
    expect(visible(decided)).toContain('Manual adjustment');
    expect(visible(decided)).toContain('Meron Alemu meron.officer Rejected Lucia Rossi');
    // Decided requests are recalled without their ids or forms.
    expect(decided).not.toContain(ids.adjustment);
    expect(decided).not.toContain('<form');
    // Deciding it again is refused, at the top of the page since it is no longer pending.
    const again = await postForm(approver, `/approvals/${ids.adjustment}/approve`, {
      confirm: 'true',
    });
    expect(again.status).toBe(409);
    expect(again.text).toContain('data-testid="approval-error"');
    expect(visible(again.text)).toContain(
      'This request is already rejected: a request is decided once.',
    );
  });

  it('names every kind of request the application registers, in English and French', () => {
    const kinds = app.get(ApprovalHandlerRegistry).kinds();
    expect(kinds.length).toBeGreaterThanOrEqual(10);
    expect(kinds.filter((kind) => !DESCRIBED_KINDS.includes(kind))).toEqual([]);
    for (const language of ['en', 'fr'] as const) {
      expect(kinds.filter((kind) => !hasUiText(`approvals.kind.${kind}`, language))).toEqual([]);
    }
  });
});
