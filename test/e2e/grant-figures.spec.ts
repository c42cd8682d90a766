import { randomUUID } from 'node:crypto';
import { NestExpressApplication } from '@nestjs/platform-express';
import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import { Client } from 'pg';
import request from 'supertest';
import { IdentityService } from '../../src/auth/identity.service';
import { Role } from '../../src/auth/roles';
import { approve } from '../support/approvals';
import { createPasswordUser } from '../support/browser';
import { addBankAccount } from '../support/ledger-fixtures';
import { authedHttp, createTestApp, TestUsers } from '../support/test-app';
import { connect, createTestDatabase, TestDatabase } from '../support/test-database';

// JSON answers, read field by field by the assertions.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Body = Record<string, any>;

const FIGURES = '/api/v1/reports/grant-figures';
const ATTRIBUTION = '/api/v1/reports/grant-attribution';

const chf = (amount: string) => ({ currency: 'CHF', amount });

/** The day before a calendar date. */
function dayBefore(date: string): string {
  const day = new Date(`${date}T00:00:00Z`);
  day.setUTCDate(day.getUTCDate() - 1);
  return day.toISOString().slice(0, 10);
}

/**
 * Two donors pay for the participation-grants earmark: Sweden CHF 3,000 less 10.00 bank charges
 * (CHF 2,990.00 for grants), Japan CHF 3,000 later. Five grants, attributed oldest receipt
 * first, in the order they are approved:
 *   G1 Nepal, FORUM, full 2,000 (decided 2026-11-20, Nepal still an LDC): Sweden 2,000;
 *      paid out 2,000, settled at 1,850: 150 returned, Sweden's share released to 1,850;
 *   G3 Senegal (LDC), FORUM, partial allowance 600: Sweden 600; paid and settled at 600;
 *   G4 Peru (developing), REVIEW, full 1,200: Sweden 390 (the rest of its 2,990), Japan 810;
 *      paid out, not settled;
 *   G2 Nepal, REVIEW, partial ticket 900 (decided 2026-11-25: Nepal graduated on 2026-11-24,
 *      a developing country): Japan 900; approved only;
 *   G5 Egypt (developing), REVIEW, remote 500: Japan 500, then cancelled (released).
 * Support costs: 7% on settlement: 129.50 on G1, 42.00 on G3.
 */
describe('grant figures and attribution reports', () => {
  let db: TestDatabase;
  let app: NestExpressApplication;
  let sql: Client;
  const auth: Record<string, { Authorization: string }> = {};
  const donors: Record<string, string> = {};
  const events: Record<string, string> = {};
  const grants: Record<string, Body> = {};
  /** The day the grants were approved, disbursed and settled (steps are dated at most today). */
  let today: string;

  const as = (name: string) => authedHttp(app, auth[name]);

  async function figures(query: string, user = 'auditor'): Promise<Body> {
    const res = await as(user).get(`${FIGURES}${query}`);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/application\/json/);
    return res.body;
  }

  async function attribution(query: string, user = 'auditor'): Promise<Body> {
    const res = await as(user).get(`${ATTRIBUTION}${query}`);
    expect(res.status).toBe(200);
    return res.body;
  }

  async function balance(account: string, asOf: string): Promise<Body> {
    const res = await as('auditor').get(
      `/api/v1/funds/WSIS-TF/accounts/${account}/balance?asOf=${asOf}`,
    );
    expect(res.status).toBe(200);
    return res.body.functional as Body;
  }

  const group = (body: Body, key: string): Body => {
    const found = (body.groups as Body[]).find((g) => g.key === key);
    expect(found).toBeDefined();
    return found!;
  };

  const donorLine = (body: Body, name: string): Body => {
    const found = (body.donors as Body[]).find((d) => d.donor.id === donors[name]);
    expect(found).toBeDefined();
    return found!;
  };

  /** A pledge to the participation-grants earmark, agreed, paid by one CHF receipt. */
  async function pay(donor: string, gross: string, charges: string, valueDate: string) {
    const pledge = await as('officer')
      .post('/api/v1/pledges')
      .send({
        fund: 'WSIS-TF',
        donorId: donors[donor],
        earmark: 'PARTICIPATION-GRANTS',
        currency: 'CHF',
        amount: gross,
        announcedOn: '2026-01-10',
        instalments: [{ dueDate: '2026-06-30', amount: gross }],
      });
    expect(pledge.status).toBe(201);
    const agreed = await as('officer')
      .post(`/api/v1/pledges/${pledge.body.id as string}/agreement`)
      .send({ agreedOn: '2026-01-20', documentRef: `AGR-${donor}` });
    expect(agreed.status).toBe(200);
    const receipt = await as('officer').post('/api/v1/receipts').send({
      bankAccount: 'CHF-MAIN',
      valueDate,
      currency: 'CHF',
      grossAmount: gross,
      bankCharges: charges,
      donorId: donors[donor],
    });
    expect(receipt.status).toBe(201);
    expect(receipt.body.status).toBe('allocated');
  }

  async function newEvent(code: string, rule: string): Promise<void> {
    const { rows } = await sql.query<{ id: string }>(
      `INSERT INTO grant_event (fund_id, earmark_id, code, name, place, starts_on, ends_on,
         budget_minor, eligibility_rule, offers_full, offers_partial_ticket,
         offers_partial_allowance, offers_remote, remote_amount_minor, created_by)
       SELECT f.id, e.id, $1, $2, 'Geneva', '2026-12-07', '2026-12-11', 1000000, $3,
              true, true, true, true, 50000, 'test'
         FROM fund f JOIN earmark e ON e.fund_id = f.id AND e.code = 'PARTICIPATION-GRANTS'
        WHERE f.code = 'WSIS-TF' RETURNING grant_event.id`,
      [code, `${code} meeting`, rule],
    );
    events[code] = rows[0].id;
  }

  async function newParticipant(
    name: string,
    country: string,
    gender: string,
    stakeholderGroup: string,
  ): Promise<string> {
    const { rows } = await sql.query<{ id: string }>(
      `INSERT INTO participant (name, normalized_name, gender, country, organisation,
         stakeholder_group, created_by)
       VALUES ($1, lower($1), $2, $3, 'Organisation', $4, 'test') RETURNING id`,
      [name, gender, country, stakeholderGroup],
    );
    return rows[0].id;
  }

  /** Requests a grant as the officer and has the approver approve it. */
  async function grant(key: string, body: Body): Promise<void> {
    const requested = await as('officer').post('/api/v1/grants').send(body);
    expect(requested.status).toBe(201);
    const id = requested.body.id as string;
    const asked = await as('officer').post(`/api/v1/grants/${id}/approval`).send({});
    expect(asked.status).toBe(202);
    expect((await approve(app, asked.body.id as string, auth.approver)).status).toBe(200);
    grants[key] = (await as('auditor').get(`/api/v1/grants/${id}`)).body;
    expect(grants[key].status).toBe('approved');
  }

  async function step(key: string, what: string, body: Body): Promise<void> {
    const res = await as('officer')
      .post(`/api/v1/grants/${grants[key].id as string}/${what}`)
      .send({ date: today, ...body });
    if (res.status !== 200) throw new Error(`${what} of ${key}: ${res.status} ${res.text}`);
  }

  beforeAll(async () => {
    db = await createTestDatabase();
    await addBankAccount(db.url, { code: 'CHF-MAIN', currency: 'CHF', id: randomUUID() });
    app = await createTestApp(db, { env: { API_RATE_LIMIT_PER_MINUTE: '100000' } });
    sql = await connect(db.url);
    const users = new TestUsers(app);
    const roles: Record<string, Role[]> = {
      officer: ['finance_officer'],
      approver: ['approver'],
      auditor: ['auditor'],
      admin: ['admin'],
    };
    for (const [name, held] of Object.entries(roles)) auth[name] = await users.auth(name, held);
    for (const name of ['Sweden', 'Japan']) {
      const { rows } = await sql.query<{ id: string }>(
        `INSERT INTO donor (name, normalized_name, type, created_by)
         VALUES ($1, lower($1), 'member_state', 'test') RETURNING id`,
        [name],
      );
      donors[name] = rows[0].id;
    }
    auth.sweden = (await users.get('donor.sweden', ['donor'], [donors.Sweden])).auth;
    await pay('Sweden', '3000.00', '10.00', '2026-03-02');
    await pay('Japan', '3000.00', '0', '2026-04-15');

    await newEvent('FORUM', 'ldc-and-developing');
    await newEvent('REVIEW', 'ldc-first');
    const sita = await newParticipant('Sita Sharma', 'NP', 'female', 'government');
    const ram = await newParticipant('Ram Thapa', 'NP', 'male', 'civil-society');
    const awa = await newParticipant('Awa Ndiaye', 'SN', 'female', 'academia');
    const juan = await newParticipant('Juan Quispe', 'PE', 'male', 'private-sector');
    const amina = await newParticipant('Amina Hassan', 'EG', 'female', 'technical-community');

    const rate = await as('admin')
      .put('/api/v1/funds/WSIS-TF/support-cost-rate')
      .send({ rate: '0.07', reason: 'Programme support costs of 7% (test)' });
    expect(rate.status).toBe(200);

    await grant('G1', {
      eventId: events.FORUM,
      participantId: sita,
      kind: 'full',
      ticket: '1200.00',
      allowance: '800.00',
      decisionDate: '2026-11-20',
    });
    today = (grants.G1.steps as Body[]).find((s) => s.kind === 'approved')!.on as string;
    await grant('G3', {
      eventId: events.FORUM,
      participantId: awa,
      kind: 'partial-allowance',
      allowance: '600.00',
      decisionDate: '2026-11-20',
    });
    await grant('G4', {
      eventId: events.REVIEW,
      participantId: juan,
      kind: 'full',
      ticket: '800.00',
      allowance: '400.00',
      decisionDate: '2026-11-21',
    });
    await grant('G2', {
      eventId: events.REVIEW,
      participantId: ram,
      kind: 'partial-ticket',
      ticket: '900.00',
      decisionDate: '2026-11-25',
    });
    await grant('G5', {
      eventId: events.REVIEW,
      participantId: amina,
      kind: 'remote',
      decisionDate: '2026-11-22',
    });

    await step('G1', 'disbursement', { bankAccount: 'CHF-MAIN' });
    await step('G1', 'settlement', { actualCost: '1850.00', bankAccount: 'CHF-MAIN' });
    await step('G3', 'disbursement', { bankAccount: 'CHF-MAIN' });
    await step('G3', 'settlement', { actualCost: '600.00' });
    await step('G4', 'disbursement', { bankAccount: 'CHF-MAIN' });
    await step('G5', 'cancellation', { reason: 'The participant withdrew' });
  });

  afterAll(async () => {
    await sql.end();
    await app.close();
    await db.drop();
  });

  it('ties to the ledger: expense is the balance of 5000, support costs of 5400, committed the commitments', async () => {
    const body = await figures(`?asOf=${today}`);
    expect(body).toMatchObject({
      fund: 'WSIS-TF',
      functionalCurrency: 'CHF',
      asOf: today,
      groupBy: 'event',
      event: null,
    });
    expect(body.total).toMatchObject({
      grants: { approved: 1, disbursed: 1, settled: 2, total: 4, cancelled: 1 },
      committed: chf('900.00'),
      disbursed: chf('3800.00'),
      expense: chf('2450.00'),
      supportCosts: chf('171.50'),
      returned: chf('150.00'),
    });
    // Read from the ledger and the commitments, not through the report.
    expect(body.total.expense).toEqual(await balance('5000', today));
    expect(body.total.supportCosts).toEqual(await balance('5400', today));
    const { rows } = await sql.query<{ committed: string }>(
      `SELECT (sum(amount_minor) / 100.0)::numeric(20, 2)::text AS committed FROM grant_commitment`,
    );
    expect(body.total.committed.amount).toBe(rows[0].committed);
    expect(body.ledger).toEqual({
      expense: chf('2450.00'),
      supportCosts: chf('171.50'),
      commitments: chf('900.00'),
      ties: true,
    });
    // Advances paid less what was cleared on settlement is what is still advanced (1200).
    expect((await balance('1200', today)).amount).toBe('1200.00');
  });

  it('groups by event, country, region, LDC status, gender and stakeholder group, each adding up to the total', async () => {
    const byEvent = await figures(`?asOf=${today}&groupBy=event`);
    expect((byEvent.groups as Body[]).map((g) => g.key)).toEqual(['FORUM', 'REVIEW']);
    expect(group(byEvent, 'FORUM')).toMatchObject({
      label: 'FORUM — FORUM meeting',
      grants: { approved: 0, disbursed: 0, settled: 2, total: 2, cancelled: 0 },
      committed: chf('0.00'),
      disbursed: chf('2600.00'),
      expense: chf('2450.00'),
      supportCosts: chf('171.50'),
      returned: chf('150.00'),
    });
    expect(group(byEvent, 'REVIEW')).toMatchObject({
      grants: { approved: 1, disbursed: 1, settled: 0, total: 2, cancelled: 1 },
      committed: chf('900.00'),
      disbursed: chf('1200.00'),
      expense: chf('0.00'),
      supportCosts: chf('0.00'),
    });

    const byCountry = await figures(`?asOf=${today}&groupBy=country`);
    expect((byCountry.groups as Body[]).map((g) => [g.key, g.label, g.grants.total])).toEqual([
      ['EG', 'Egypt', 0],
      ['NP', 'Nepal', 2],
      ['PE', 'Peru', 1],
      ['SN', 'Senegal', 1],
    ]);
    expect(group(byCountry, 'EG').grants.cancelled).toBe(1);
    expect(group(byCountry, 'NP')).toMatchObject({
      committed: chf('900.00'),
      expense: chf('1850.00'),
      supportCosts: chf('129.50'),
      returned: chf('150.00'),
    });

    const byRegion = await figures(`?asOf=${today}&groupBy=region`);
    expect((byRegion.groups as Body[]).map((g) => [g.key, g.grants.total])).toEqual([
      ['Africa', 1],
      ['Americas', 1],
      ['Arab States', 0],
      ['Asia-Pacific', 2],
    ]);

    const byGender = await figures(`?asOf=${today}&groupBy=gender`);
    expect(
      (byGender.groups as Body[]).map((g) => [g.key, g.grants.total, g.expense.amount]),
    ).toEqual([
      ['female', 2, '2450.00'],
      ['male', 2, '0.00'],
    ]);

    const byStakeholder = await figures(`?asOf=${today}&groupBy=stakeholder-group`);
    expect((byStakeholder.groups as Body[]).map((g) => [g.key, g.label])).toEqual([
      ['government', 'Government'],
      ['private-sector', 'Private sector'],
      ['civil-society', 'Civil society'],
      ['academia', 'Academia'],
      ['technical-community', 'Technical community'],
    ]);

    // However grouped, the groups add up to the same total.
    for (const body of [byEvent, byCountry, byRegion, byGender, byStakeholder]) {
      expect(body.total).toEqual(byEvent.total);
      const cents = (field: string) =>
        (body.groups as Body[]).reduce(
          (sum, g) => sum + BigInt((g[field].amount as string).replace('.', '')),
          0n,
        );
      for (const field of ['committed', 'disbursed', 'expense', 'supportCosts', 'returned']) {
        expect(cents(field)).toBe(BigInt((body.total[field].amount as string).replace('.', '')));
      }
    }

    // One event only: its grants, and no claim to tie to the whole fund's ledger.
    const forum = await figures(`?asOf=${today}&groupBy=country&event=FORUM`);
    expect((forum.groups as Body[]).map((g) => g.key)).toEqual(['NP', 'SN']);
    expect(forum.event).toBe('FORUM');
    expect(forum.ledger.ties).toBeNull();
  });

  it('puts a Nepali grant decided after the graduation of 2026-11-24 out of the LDC group', async () => {
    const body = await figures(`?asOf=${today}&groupBy=ldc-status`);
    expect((body.groups as Body[]).map((g) => g.key)).toEqual(['ldc', 'developing']);
    // G1 (Nepal, 2026-11-20) and G3 (Senegal) are LDC grants; G2 (Nepal, 2026-11-25) is not.
    expect(group(body, 'ldc')).toMatchObject({
      label: 'Least developed countries',
      grants: { approved: 0, disbursed: 0, settled: 2, total: 2, cancelled: 0 },
      expense: chf('2450.00'),
    });
    expect(group(body, 'developing')).toMatchObject({
      label: 'Other developing countries',
      grants: { approved: 1, disbursed: 1, settled: 0, total: 2, cancelled: 1 },
      committed: chf('900.00'),
    });
    // The grants themselves recorded the same status when they were decided.
    expect(grants.G1.eligibility.countryStatus).toBe('ldc');
    expect(grants.G2.eligibility.countryStatus).toBe('developing');
  });

  it('counts nothing as of the day before the grants were approved, and no money paid before it arrived', async () => {
    const before = await figures(`?asOf=${dayBefore(today)}&groupBy=country`);
    expect(before.groups).toEqual([]);
    expect(before.total).toMatchObject({
      grants: { approved: 0, disbursed: 0, settled: 0, total: 0, cancelled: 0 },
      committed: chf('0.00'),
      expense: chf('0.00'),
    });
    expect(before.ledger).toMatchObject({ expense: chf('0.00'), ties: true });
    const empty = await attribution(`?asOf=${dayBefore(today)}`);
    expect(empty.total).toMatchObject({ attributed: chf('0.00'), grants: 0 });
    // The money paid is there before any grant.
    expect(donorLine(empty, 'Sweden').earmarks).toEqual([
      {
        earmark: 'PARTICIPATION-GRANTS',
        paid: chf('2990.00'),
        attributed: chf('0.00'),
        unattributed: chf('2990.00'),
        withinPaid: true,
      },
    ]);
    // Before the money arrived, nothing was paid: Sweden paid in March, Japan in April.
    const early = await attribution('?asOf=2026-03-01');
    expect(early.donors).toEqual([]);
    const march = await attribution('?asOf=2026-03-31');
    expect((march.donors as Body[]).map((d) => d.donor.name)).toEqual(['Sweden']);
    expect(march.total.paid).toEqual(chf('2990.00'));
  });

  it('gives the same figures as CSV, one row per group and the total last', async () => {
    const json = await figures(`?asOf=${today}&groupBy=region`);
    const res = await as('auditor').get(`${FIGURES}?asOf=${today}&groupBy=region&format=csv`);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/csv/);
    expect(res.headers['content-disposition']).toContain(
      `grant-figures-WSIS-TF-region-${today}.csv`,
    );
    const rows = parse<Record<string, string>>(res.text, { columns: true });
    expect(rows.map((r) => [r.row_type, r.group])).toEqual([
      ['group', 'Africa'],
      ['group', 'Americas'],
      ['group', 'Arab States'],
      ['group', 'Asia-Pacific'],
      ['total', ''],
    ]);
    expect(rows.at(-1)).toMatchObject({
      grants: String(json.total.grants.total),
      cancelled: '1',
      committed_chf: json.total.committed.amount,
      disbursed_chf: json.total.disbursed.amount,
      expense_chf: json.total.expense.amount,
      support_costs_chf: json.total.supportCosts.amount,
      returned_chf: json.total.returned.amount,
    });
    expect(rows.find((r) => r.group === 'Asia-Pacific')).toMatchObject({
      approved: '1',
      settled: '1',
      grants: '2',
      expense_chf: '1850.00',
      support_costs_chf: '129.50',
    });
    const accepted = await as('auditor')
      .get(`${FIGURES}?asOf=${today}&groupBy=region`)
      .set('Accept', 'text/csv');
    expect(accepted.text).toBe(res.text);
  });

  it('gives the same figures as an XLSX workbook, one row per group and the total last in bold', async () => {
    const json = await figures(`?asOf=${today}&groupBy=region`);
    const res = await as('auditor')
      .get(`${FIGURES}?asOf=${today}&groupBy=region&format=xlsx`)
      .buffer(true)
      .parse((response, done) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => done(null, Buffer.concat(chunks)));
      });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toContain('spreadsheetml.sheet');
    expect(res.headers['content-disposition']).toContain(
      `grant-figures-WSIS-TF-region-${today}.xlsx`,
    );
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(res.body as ExcelJS.Buffer);
    const sheet = workbook.worksheets[0];
    expect(sheet.name).toBe('grant-figures-by-region');
    const rows: unknown[][] = [];
    sheet.eachRow((row) => rows.push((row.values as unknown[]).slice(1)));
    const header = rows.findIndex((row) => row[0] === 'Group');
    const labels = rows[header] as string[];
    const body = rows
      .slice(header + 1)
      .map((row) => Object.fromEntries(labels.map((label, i) => [label, row[i]])));
    expect(body.map((r) => r.Group)).toEqual([
      'Africa',
      'Americas',
      'Arab States',
      'Asia-Pacific',
      'total',
    ]);
    const money = (value: unknown): string => (value as number).toFixed(2);
    const total = body.at(-1)!;
    expect(total.Grants).toBe(json.total.grants.total);
    expect(money(total['Committed (CHF)'])).toBe(json.total.committed.amount);
    expect(money(total['Advances disbursed (CHF)'])).toBe(json.total.disbursed.amount);
    expect(money(total['Actual cost (CHF)'])).toBe(json.total.expense.amount);
    expect(money(total['Support costs (CHF)'])).toBe(json.total.supportCosts.amount);
    expect(money(total['Returned (CHF)'])).toBe(json.total.returned.amount);
    expect(money(body.find((r) => r.Group === 'Asia-Pacific')!['Actual cost (CHF)'])).toBe(
      '1850.00',
    );
    expect(sheet.getRow(header + 1 + body.length).font?.bold).toBe(true);
  });

  it('refuses an unknown fund or event, or a grouping it does not know, with a field error', async () => {
    const fund = await as('auditor').get(`${FIGURES}?fund=NO-SUCH-FUND`);
    expect(fund.status).toBe(422);
    expect(fund.body.errors).toEqual([expect.objectContaining({ field: 'fund', rule: 'exists' })]);
    const event = await as('auditor').get(`${FIGURES}?event=NO-SUCH-EVENT`);
    expect(event.status).toBe(422);
    expect(event.body.errors).toEqual([expect.objectContaining({ field: 'event' })]);
    const groupBy = await as('auditor').get(`${FIGURES}?groupBy=religion`);
    expect(groupBy.status).toBe(422);
    expect(groupBy.body.errors).toEqual([expect.objectContaining({ field: 'groupBy' })]);
    // Donors do not see the figures of the whole fund.
    expect((await as('sweden').get(FIGURES)).status).toBe(403);
  });

  it('tells each donor how many grants its money funded, in how many countries, how many LDCs; never more than it paid', async () => {
    const body = await attribution(`?asOf=${today}`);
    expect((body.donors as Body[]).map((d) => d.donor.name)).toEqual(['Japan', 'Sweden']);
    // Sweden: G1 1,850 (2,000 less the 150 released on settlement), G3 600, G4 390.
    expect(donorLine(body, 'Sweden')).toMatchObject({
      attributed: chf('2840.00'),
      grants: 3,
      countries: 3,
      countryCodes: ['NP', 'PE', 'SN'],
      ldcGrants: 2,
      earmarks: [
        {
          earmark: 'PARTICIPATION-GRANTS',
          paid: chf('2990.00'),
          attributed: chf('2840.00'),
          unattributed: chf('150.00'),
          withinPaid: true,
        },
      ],
    });
    // Japan: G4 810, G2 900; G5's 500 was released when it was cancelled (no grant funded).
    expect(donorLine(body, 'Japan')).toMatchObject({
      attributed: chf('1710.00'),
      grants: 2,
      countries: 2,
      countryCodes: ['NP', 'PE'],
      ldcGrants: 0,
      earmarks: [
        {
          earmark: 'PARTICIPATION-GRANTS',
          paid: chf('3000.00'),
          attributed: chf('1710.00'),
          withinPaid: true,
        },
      ],
    });
    expect(body.total).toEqual({
      attributed: chf('4550.00'),
      paid: chf('5990.00'),
      grants: 4,
      countries: 3,
      ldcGrants: 2,
    });

    // Read apart from the report: per donor, attribution never exceeds what it paid for the
    // earmark (receipt allocations at their CHF value, less their share of the bank charges).
    const { rows } = await sql.query<{ donor_id: string; paid: string; attributed: string }>(
      `SELECT ra.donor_id,
              sum(ra.value_functional_minor
                  - r.charges_functional_minor * ra.amount_minor / r.gross_minor)::text AS paid,
              coalesce((SELECT sum(ga.amount_minor) FROM grant_attribution ga
                         WHERE ga.donor_id = ra.donor_id), 0)::text AS attributed
         FROM receipt_allocation ra JOIN receipt r ON r.id = ra.receipt_id
        GROUP BY ra.donor_id`,
    );
    expect(rows).toHaveLength(2);
    for (const row of rows) {
      expect(BigInt(row.attributed)).toBeLessThanOrEqual(BigInt(row.paid));
      const line = (body.donors as Body[]).find((d) => d.donor.id === row.donor_id)!;
      expect(BigInt((line.attributed.amount as string).replace('.', ''))).toBe(
        BigInt(row.attributed),
      );
    }
    // The attributed total is the direct cost of the grants still held: G1 1,850 + G3 600 +
    // G4 1,200 + G2 900 (support costs are not attributed).
    let held = 0n;
    for (const key of ['G1', 'G2', 'G3', 'G4', 'G5']) {
      const res = await as('auditor').get(`/api/v1/grants/${grants[key].id as string}`);
      for (const a of res.body.attributions as Body[]) {
        held += BigInt((a.amount.amount as string).replace('.', ''));
      }
    }
    expect(held).toBe(455000n);
  });

  it('gives the attribution as CSV (donors, the total last) and as an XLSX workbook with the earmarks', async () => {
    const json = await attribution(`?asOf=${today}`);
    const csv = await as('auditor').get(`${ATTRIBUTION}?asOf=${today}&format=csv`);
    expect(csv.status).toBe(200);
    expect(csv.headers['content-type']).toMatch(/^text\/csv/);
    const rows = parse<Record<string, string>>(csv.text, { columns: true });
    expect(rows.map((r) => [r.row_type, r.donor, r.attributed])).toEqual([
      ...(json.donors as Body[]).map((d) => ['row', d.donor.name, d.attributed.amount]),
      ['total', 'Total', json.total.attributed.amount],
    ]);
    const xlsx = await as('auditor')
      .get(`${ATTRIBUTION}?asOf=${today}&format=xlsx`)
      .buffer(true)
      .parse((response, done) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => done(null, Buffer.concat(chunks)));
      });
    expect(xlsx.status).toBe(200);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(xlsx.body as ExcelJS.Buffer);
    expect(workbook.worksheets.map((sheet) => sheet.name)).toEqual([
      'grant-attribution',
      'grant-attribution-earmarks',
    ]);
    const earmarks: unknown[][] = [];
    workbook.worksheets[1].eachRow((row) => earmarks.push((row.values as unknown[]).slice(1)));
    const sweden = donorLine(json, 'Sweden').earmarks[0] as Body;
    expect(
      earmarks.find((row) => row[0] === 'Sweden' && row[1] === sweden.earmark)!.slice(2, 4),
    ).toEqual([Number(sweden.paid.amount), Number(sweden.attributed.amount)]);
  });

  it('shows a donor user its own donors only', async () => {
    const own = await attribution(`?asOf=${today}`, 'sweden');
    expect((own.donors as Body[]).map((d) => d.donor.name)).toEqual(['Sweden']);
    expect(own.total).toMatchObject({ attributed: chf('2840.00'), grants: 3, ldcGrants: 2 });
    const other = await attribution(`?asOf=${today}&donorId=${donors.Japan}`, 'sweden');
    expect(other.donors).toEqual([]);
    expect(other.total).toMatchObject({ attributed: chf('0.00'), grants: 0 });
    const staff = await attribution(`?asOf=${today}&donorId=${donors.Japan}`);
    expect((staff.donors as Body[]).map((d) => d.donor.name)).toEqual(['Japan']);
  });

  it('renders the page with the figures, a group-by choice, an as-of date and a link to the CSV', async () => {
    await createPasswordUser(app, {
      username: 'manager.m',
      password: 'A long passphrase for the manager 42',
      displayName: 'Manager M',
      roles: ['management'],
    });
    const session = await app
      .get(IdentityService)
      .signIn('manager.m', 'A long passphrase for the manager 42', '127.0.0.1');
    const cookie = `tf_session=${session.token}`;
    const page = await request(app.getHttpServer())
      .get(`/reports/grant-figures?asOf=${today}&groupBy=ldc-status`)
      .set('Cookie', cookie);
    expect(page.status).toBe(200);
    expect(page.headers['content-type']).toMatch(/text\/html/);
    const cell = (testId: string): string | undefined =>
      new RegExp(`data-testid="${testId}">([^<]*)<`).exec(page.text)?.[1];
    expect(cell('total-grants')).toBe('4');
    expect(cell('total-cancelled')).toBe('1');
    expect(cell('total-expense')).toBe('CHF 2,450.00');
    expect(cell('total-support-costs')).toBe('CHF 171.50');
    expect(cell('total-committed')).toBe('CHF 900.00');
    expect(cell('total-disbursed')).toBe('CHF 3,800.00');
    expect(cell('total-returned')).toBe('CHF 150.00');
    expect(page.text).toContain('data-testid="report-ties"');
    expect(page.text).toContain('<option value="ldc-status" selected>');
    expect(page.text).toContain(`<input type="date" id="asOf" name="asOf" value="${today}"`);
    expect(page.text).toMatch(
      /data-key="ldc"[^]*Least developed countries[^]*data-key="developing"/,
    );
    const csvHref = /href="([^"]*)" data-testid="report-csv"/.exec(page.text)?.[1] ?? '';
    const href = csvHref.replace(/&#x3D;/g, '=').replace(/&amp;/g, '&');
    expect(href).toBe(
      `/api/v1/reports/grant-figures?fund=WSIS-TF&asOf=${today}&groupBy=ldc-status&format=csv`,
    );
    const csv = await request(app.getHttpServer()).get(href).set('Cookie', cookie);
    expect(csv.status).toBe(200);
    expect(csv.text.trim().split('\n').at(-1)).toContain('2450.00');

    const before = await request(app.getHttpServer())
      .get(`/reports/grant-figures?asOf=${dayBefore(today)}`)
      .set('Cookie', cookie);
    expect(before.text).toContain('data-testid="report-empty"');
    const bad = await request(app.getHttpServer())
      .get('/reports/grant-figures?groupBy=religion')
      .set('Cookie', cookie);
    expect(bad.status).toBe(200);
    expect(bad.text).toContain('data-testid="report-error"');
  });

  it('renders the page in French: French headings, amounts, group names and country names', async () => {
    await createPasswordUser(app, {
      username: 'manager.fr',
      password: 'A long passphrase for the French manager 42',
      displayName: 'Manager FR',
      roles: ['management'],
    });
    const session = await app
      .get(IdentityService)
      .signIn('manager.fr', 'A long passphrase for the French manager 42', '127.0.0.1');
    const get = (query: string) =>
      request(app.getHttpServer())
        .get(`/reports/grant-figures${query}`)
        .set('Cookie', `tf_session=${session.token}`)
        .set('Accept-Language', 'fr-CH, fr;q=0.9, en;q=0.5');
    const page = await get(`?asOf=${today}&groupBy=ldc-status`);
    expect(page.status).toBe(200);
    expect(page.text).toContain('<html lang="fr">');
    expect(page.text).toContain(
      '<h1 id="report-title">Chiffres des subventions de participation</h1>',
    );
    expect(page.text).toContain(
      '<option value="ldc-status" selected>Statut PMA / pays en développement</option>',
    );
    const cell = (html: string, testId: string): string | undefined =>
      new RegExp(`data-testid="${testId}">([^<]*)<`).exec(html)?.[1];
    expect(cell(page.text, 'total-expense')).toBe('2\u202f450,00\u00a0CHF');
    expect(cell(page.text, 'total-disbursed')).toBe('3\u202f800,00\u00a0CHF');
    expect(cell(page.text, 'total-support-costs')).toBe('171,50\u00a0CHF');
    expect(page.text).toMatch(/data-key="ldc"[^]*Pays les moins avancés[^]*data-key="developing"/);
    expect(page.text).toContain('Autres pays en développement');
    expect(page.text).toContain('>Les totaux concordent avec le grand livre.<');
    expect(page.text).toContain('<th scope="row">Total</th>');

    // Countries by the reference data's French names.
    const byCountry = await get(`?asOf=${today}&groupBy=country`);
    const label = (key: string) =>
      new RegExp(`data-key="${key}">\\s*<th scope="row">([^<]*)<`).exec(byCountry.text)?.[1];
    expect(label('NP')).toBe('Népal');
    expect(label('SN')).toBe('Sénégal');
    expect(label('PE')).toBe('Pérou');
    expect(byCountry.text).toContain('WSIS-TF par Pays, au');
  });

  // Last: it changes the reference data the other cases read.
  it('follows the reference data: once the graduation is deferred, the later Nepali grant counts as an LDC grant', async () => {
    const statuses = (await as('admin').get('/api/v1/countries/NP')).body.statuses as Body[];
    const ldc = statuses.find((status) => status.kind === 'ldc' && status.current) as Body;
    const deferred = await as('admin')
      .post(`/api/v1/countries/NP/statuses/${ldc.id as string}/supersede`)
      .send({
        validTo: '2029-11-24',
        source: 'UN General Assembly resolution deferring the graduation of Nepal (test)',
        reason: 'Graduation deferred at the request of Nepal',
      });
    expect(deferred.status).toBe(201);
    const body = await figures(`?asOf=${today}&groupBy=ldc-status`);
    expect(group(body, 'ldc').grants).toMatchObject({ approved: 1, settled: 2, total: 3 });
    expect(group(body, 'developing').grants).toMatchObject({ disbursed: 1, total: 1 });
    expect(donorLine(await attribution(`?asOf=${today}`), 'Japan').ldcGrants).toBe(1);
  });

  // Last as well: it leaves an expense on the ledger that no grant explains.
  it('says when the ledger does not agree: an expense posted by hand outside any grant', async () => {
    const { rows } = await sql.query<{ id: string }>(
      `SELECT id FROM bank_account WHERE code = 'CHF-MAIN'`,
    );
    const posted = await as('officer')
      .post('/api/v1/funds/WSIS-TF/journal-entries')
      .send({
        date: today,
        description: 'Visa fees paid by hand, not through a grant',
        lines: [
          { account: '5000', earmark: 'PARTICIPATION-GRANTS', currency: 'CHF', debit: '100.00' },
          { account: '1000', bankAccountId: rows[0].id, currency: 'CHF', credit: '100.00' },
        ],
      });
    expect(posted.status).toBe(202);
    expect((await approve(app, posted.body.id as string, auth.approver)).status).toBe(200);
    const body = await figures(`?asOf=${today}`);
    expect(body.total.expense).toEqual(chf('2450.00'));
    expect(body.ledger).toMatchObject({ expense: chf('2550.00'), ties: false });
  });
});
