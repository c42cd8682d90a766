import { NestExpressApplication } from '@nestjs/platform-express';
import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import { Client } from 'pg';
import request from 'supertest';
import { Role } from '../../src/auth/roles';
import { approve, requestAndApprove } from '../support/approvals';
import { authedHttp, createTestApp, TestUsers } from '../support/test-app';
import { connect, createTestDatabase, TestDatabase } from '../support/test-database';

// JSON answers, read field by field by the assertions.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Body = Record<string, any>;

const POSITION = '/api/v1/reports/fund-position';
const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const chf = (amount: string) => ({ currency: 'CHF', amount });

/**
 * UN rates (units per USD): CHF 0.80; EUR 0.90 until May 2026 (1 EUR = 0.8889 CHF), 0.85 from
 * June (0.9412 CHF). WSIS-TF:
 *   PARTICIPATION-GRANTS: Switzerland CHF 3,000 agreed 20 Jan, paid 2 March less CHF 10 charges;
 *     Norway CHF 2,000 agreed 1 April on conditions not yet met (2100);
 *     grant G1 2,000 approved, paid out, settled at 1,850 (150 returned); G2 600 approved only.
 *   UNEARMARKED: Germany EUR 1,000 agreed 10 Feb (CHF 888.89), EUR 400 paid 15 July (relieves
 *     355.56, worth 376.47); Acme EUR 500 announced 1 Feb, agreed 1 March (444.44), EUR 200 paid
 *     5 May (177.78), the rest (EUR 300, CHF 266.66) written off 1 October; Japan USD 1,000
 *     announced 1 March, never agreed (memo: CHF 800.00).
 */
describe('fund position report', () => {
  let db: TestDatabase;
  let app: NestExpressApplication;
  let sql: Client;
  const auth: Record<string, { Authorization: string }> = {};
  const donors: Record<string, string> = {};
  const pledges: Record<string, string> = {};
  let today: string;

  const as = (name: string) => authedHttp(app, auth[name]);

  async function position(query: string, user = 'auditor'): Promise<Body> {
    const res = await as(user).get(`${POSITION}${query}`);
    if (res.status !== 200) throw new Error(`${res.status} ${res.text}`);
    expect(res.headers['content-type']).toMatch(/application\/json/);
    return res.body;
  }

  const fundOf = (body: Body, code = 'WSIS-TF'): Body =>
    (body.funds as Body[]).find((f) => f.fund === code)!;
  const line = (body: Body, earmark: string): Body =>
    (fundOf(body).earmarks as Body[]).find((l) => l.earmark === earmark)!;

  async function pledge(
    key: string,
    body: Body,
    agreement?: { agreedOn: string; conditional?: boolean },
  ): Promise<void> {
    const created = await as('officer')
      .post('/api/v1/pledges')
      .send({
        fund: 'WSIS-TF',
        ...body,
        instalments: [{ dueDate: '2026-12-31', amount: body.amount }],
      });
    expect(created.status).toBe(201);
    pledges[key] = created.body.id as string;
    if (agreement === undefined) return;
    const agreed = await as('officer')
      .post(`/api/v1/pledges/${pledges[key]}/agreement`)
      .send({ ...agreement, documentRef: `AGR-${key}` });
    expect(agreed.status).toBe(200);
  }

  async function receipt(body: Body): Promise<void> {
    const res = await as('officer').post('/api/v1/receipts').send(body);
    expect(res.status).toBe(201);
  }

  async function grant(participant: string, event: string, body: Body): Promise<string> {
    const requested = await as('officer')
      .post('/api/v1/grants')
      .send({ eventId: event, participantId: participant, decisionDate: '2026-11-20', ...body });
    expect(requested.status).toBe(201);
    const id = requested.body.id as string;
    const asked = await as('officer').post(`/api/v1/grants/${id}/approval`).send({});
    expect(asked.status).toBe(202);
    expect((await approve(app, asked.body.id as string, auth.approver)).status).toBe(200);
    return id;
  }

  async function step(id: string, what: string, body: Body): Promise<void> {
    const res = await as('officer')
      .post(`/api/v1/grants/${id}/${what}`)
      .send({ date: today, ...body });
    if (res.status !== 200) throw new Error(`${what}: ${res.status} ${res.text}`);
  }

  beforeAll(async () => {
    db = await createTestDatabase();
    app = await createTestApp(db, { env: { API_RATE_LIMIT_PER_MINUTE: '100000' } });
    sql = await connect(db.url);
    const users = new TestUsers(app);
    const roles: Record<string, Role[]> = {
      officer: ['finance_officer'],
      approver: ['approver'],
      auditor: ['auditor'],
      management: ['management'],
    };
    for (const [name, held] of Object.entries(roles)) auth[name] = await users.auth(name, held);
    for (const name of ['Switzerland', 'Norway', 'Germany', 'Acme Foundation', 'Japan']) {
      const { rows } = await sql.query<{ id: string }>(
        `INSERT INTO donor (name, normalized_name, type, created_by)
         VALUES ($1, lower($1), 'member_state', 'test') RETURNING id`,
        [name],
      );
      donors[name] = rows[0].id;
    }
    auth.donor = (await users.get('donor.swiss', ['donor'], [donors.Switzerland])).auth;
    for (const [currency, effectiveFrom, unitsPerUsd] of [
      ['CHF', '2025-01-01', '0.80'],
      ['EUR', '2025-01-01', '0.90'],
      ['EUR', '2026-06-01', '0.85'],
    ]) {
      const res = await as('officer')
        .post('/api/v1/exchange-rates')
        .send({ currency, effectiveFrom, unitsPerUsd });
      expect(res.status).toBe(201);
    }
    for (const [code, currency, accountNumber] of [
      ['UBS-CHF', 'CHF', 'CH93 0076 2011 6238 5295 7'],
      ['DB-EUR', 'EUR', 'DE89 3704 0044 0532 0130 00'],
    ]) {
      const res = await as('officer')
        .post('/api/v1/bank-accounts')
        .send({ code, name: `${code} account`, bankName: 'Test bank', accountNumber, currency });
      expect(res.status).toBe(201);
    }

    const grants = { earmark: 'PARTICIPATION-GRANTS' };
    await pledge(
      'swiss',
      {
        donorId: donors.Switzerland,
        currency: 'CHF',
        amount: '3000.00',
        announcedOn: '2026-01-10',
        ...grants,
      },
      { agreedOn: '2026-01-20' },
    );
    await pledge(
      'norway',
      {
        donorId: donors.Norway,
        currency: 'CHF',
        amount: '2000.00',
        announcedOn: '2026-03-15',
        ...grants,
      },
      { agreedOn: '2026-04-01', conditional: true },
    );
    await pledge(
      'german',
      { donorId: donors.Germany, currency: 'EUR', amount: '1000.00', announcedOn: '2026-01-20' },
      { agreedOn: '2026-02-10' },
    );
    await pledge(
      'acme',
      {
        donorId: donors['Acme Foundation'],
        currency: 'EUR',
        amount: '500.00',
        announcedOn: '2026-02-01',
      },
      { agreedOn: '2026-03-01' },
    );
    await pledge('japan', {
      donorId: donors.Japan,
      currency: 'USD',
      amount: '1000.00',
      announcedOn: '2026-03-01',
    });

    await receipt({
      bankAccount: 'UBS-CHF',
      valueDate: '2026-03-02',
      currency: 'CHF',
      grossAmount: '3000.00',
      bankCharges: '10.00',
      donorId: donors.Switzerland,
      allocations: [{ pledgeId: pledges.swiss, amount: '3000.00' }],
    });
    await receipt({
      bankAccount: 'DB-EUR',
      valueDate: '2026-05-05',
      currency: 'EUR',
      grossAmount: '200.00',
      donorId: donors['Acme Foundation'],
      allocations: [{ pledgeId: pledges.acme, amount: '200.00' }],
    });
    await receipt({
      bankAccount: 'DB-EUR',
      valueDate: '2026-07-15',
      currency: 'EUR',
      grossAmount: '400.00',
      donorId: donors.Germany,
      allocations: [{ pledgeId: pledges.german, amount: '400.00' }],
    });
    const writeOff = await as('officer')
      .post(`/api/v1/pledges/${pledges.acme}/write-off`)
      .send({ date: '2026-10-01', reason: 'The foundation was dissolved' });
    expect(writeOff.status).toBe(202);
    expect((await approve(app, writeOff.body.id as string, auth.approver)).status).toBe(200);

    const { rows: events } = await sql.query<{ id: string }>(
      `INSERT INTO grant_event (fund_id, earmark_id, code, name, place, starts_on, ends_on,
         budget_minor, eligibility_rule, offers_full, offers_partial_ticket,
         offers_partial_allowance, offers_remote, remote_amount_minor, created_by)
       SELECT f.id, e.id, 'FORUM', 'WSIS Forum', 'Geneva', '2026-12-07', '2026-12-11', 1000000,
              'ldc-and-developing', true, true, true, true, 50000, 'test'
         FROM fund f JOIN earmark e ON e.fund_id = f.id AND e.code = 'PARTICIPATION-GRANTS'
        WHERE f.code = 'WSIS-TF' RETURNING grant_event.id`,
    );
    const participants: string[] = [];
    for (const [name, country] of [
      ['Awa Ndiaye', 'SN'],
      ['Juan Quispe', 'PE'],
    ]) {
      const { rows } = await sql.query<{ id: string }>(
        `INSERT INTO participant (name, normalized_name, gender, country, organisation,
           stakeholder_group, created_by)
         VALUES ($1, lower($1), 'female', $2, 'Organisation', 'government', 'test') RETURNING id`,
        [name, country],
      );
      participants.push(rows[0].id);
    }
    const g1 = await grant(participants[0], events[0].id, {
      kind: 'full',
      ticket: '1200.00',
      allowance: '800.00',
    });
    today = (await as('auditor').get(`/api/v1/grants/${g1}`)).body.steps.find(
      (s: Body) => s.kind === 'approved',
    ).on as string;
    await grant(participants[1], events[0].id, { kind: 'partial-ticket', ticket: '600.00' });
    await step(g1, 'disbursement', { bankAccount: 'UBS-CHF' });
    await step(g1, 'settlement', { actualCost: '1850.00', bankAccount: 'UBS-CHF' });
  });

  afterAll(async () => {
    await sql.end();
    await app.close();
    await db.drop();
  });

  it('gives every figure per earmark and in total, exact to the cent, and ties to the trial balance', async () => {
    const body = await position(`?fund=WSIS-TF&asOf=${today}`);
    expect(body.asOf).toBe(today);
    expect(line(body, 'PARTICIPATION-GRANTS')).toMatchObject({
      announced: chf('0.00'),
      agreed: chf('3000.00'),
      conditional: chf('2000.00'),
      received: chf('3000.00'),
      outstanding: { booked: chf('2000.00'), revaluation: chf('0.00'), current: chf('2000.00') },
      writtenOff: chf('0.00'),
      committed: chf('600.00'),
      disbursed: chf('1850.00'),
      availableFrom: chf('2990.00'),
      available: chf('540.00'),
    });
    expect(line(body, 'UNEARMARKED')).toMatchObject({
      announced: chf('800.00'),
      agreed: chf('1333.33'),
      conditional: chf('0.00'),
      received: chf('533.34'),
      outstanding: { booked: chf('533.33'), revaluation: chf('0.00'), current: chf('533.33') },
      writtenOff: chf('266.66'),
      committed: chf('0.00'),
      disbursed: chf('0.00'),
      availableFrom: chf('554.25'),
      available: chf('554.25'),
    });
    const fund = fundOf(body);
    expect(fund.earmarks.map((l: Body) => l.earmark)).toEqual(
      expect.arrayContaining(['PARTICIPATION-GRANTS', 'UNEARMARKED', 'WSIS20-REVIEW']),
    );
    expect(fund.earmarks.some((l: Body) => l.earmark === null)).toBe(false);
    expect(fund.total).toMatchObject({
      label: 'Total WSIS-TF',
      announced: chf('800.00'),
      agreed: chf('4333.33'),
      conditional: chf('2000.00'),
      received: chf('3533.34'),
      outstanding: { booked: chf('2533.33'), current: chf('2533.33') },
      writtenOff: chf('266.66'),
      committed: chf('600.00'),
      disbursed: chf('1850.00'),
      available: chf('1094.25'),
    });

    // Each tie holds and is the trial balance's own figure.
    expect(fund.tiesAll).toBe(true);
    const tb = await as('auditor').get(`/api/v1/funds/WSIS-TF/trial-balance?asOf=${today}`);
    expect(tb.status).toBe(200);
    const account = (code: string): bigint => {
      const found = (tb.body.accounts as Body[]).find((a) => a.code === code)!;
      const cents = (m: Body) => BigInt((m.amount as string).replace('.', ''));
      return cents(found.debit) - cents(found.credit);
    };
    const decimal = (v: bigint) =>
      `${v < 0n ? '-' : ''}${(v < 0n ? -v : v) / 100n}.${String((v < 0n ? -v : v) % 100n).padStart(2, '0')}`;
    const expected: Record<string, bigint> = {
      agreed: -account('4000'),
      conditional: -account('2100'),
      received: -(account('4000') + account('2100') + account('5300') + account('1100')),
      outstandingBooked: account('1100'),
      revaluation: account('1190'),
      writtenOff: account('5300'),
      disbursed: account('1200') + account('5000') + account('5400'),
    };
    expect(
      Object.fromEntries(fund.ties.map((t: Body) => [t.figure, t.trialBalance.amount])),
    ).toEqual(Object.fromEntries(Object.entries(expected).map(([k, v]) => [k, decimal(v)])));
    for (const tie of fund.ties as Body[]) {
      expect(tie.ties).toBe(true);
      expect(tie.position).toEqual(tie.trialBalance);
    }
    expect(fund.ties.find((t: Body) => t.figure === 'agreed').accounts).toEqual(['4000']);

    // The available balance is the one the grants module gives (the same rule).
    const funds = await as('auditor').get(
      `/api/v1/funds/WSIS-TF/earmarks/PARTICIPATION-GRANTS/available?asOf=${today}`,
    );
    expect(funds.status).toBe(200);
    expect(funds.body.available).toEqual(chf('540.00'));
  });

  it('answers as of earlier days: what was announced then, agreed and received by then', async () => {
    const february = await position('?fund=WSIS-TF&asOf=2026-02-15');
    expect(line(february, 'PARTICIPATION-GRANTS')).toMatchObject({
      agreed: chf('3000.00'),
      received: chf('0.00'),
      outstanding: { booked: chf('3000.00') },
      available: chf('0.00'),
    });
    // Acme announced on 1 February, agreed on 1 March: EUR 500 memo at 0.8889; Japan not yet.
    expect(line(february, 'UNEARMARKED')).toMatchObject({
      announced: chf('444.44'),
      agreed: chf('888.89'),
      outstanding: { booked: chf('888.89') },
      writtenOff: chf('0.00'),
    });
    expect(fundOf(february).tiesAll).toBe(true);

    // Before the write-off (1 October), after the July receipt.
    const september = await position('?fund=WSIS-TF&asOf=2026-09-30');
    expect(line(september, 'UNEARMARKED')).toMatchObject({
      announced: chf('800.00'),
      agreed: chf('1333.33'),
      received: chf('533.34'),
      outstanding: { booked: chf('799.99') },
      writtenOff: chf('0.00'),
    });
    expect(line(september, 'PARTICIPATION-GRANTS')).toMatchObject({
      committed: chf('0.00'),
      disbursed: chf('0.00'),
      available: chf('2990.00'),
    });
    expect(fundOf(september).tiesAll).toBe(true);
  });

  it('filters one earmark (no ties then) and covers every fund without a fund filter', async () => {
    const one = await position(`?fund=WSIS-TF&earmark=UNEARMARKED&asOf=${today}`);
    expect(one.earmark).toBe('UNEARMARKED');
    const fund = fundOf(one);
    expect(fund.earmarks).toHaveLength(1);
    expect(fund.total).toMatchObject({ agreed: chf('1333.33'), writtenOff: chf('266.66') });
    expect(fund.ties).toBeNull();

    const all = await position(`?asOf=${today}`, 'management');
    expect(fundOf(all).total.agreed).toEqual(chf('4333.33'));

    const noTies = await position(`?fund=WSIS-TF&asOf=${today}&ties=false`);
    expect(fundOf(noTies).ties).toBeNull();
    expect(fundOf(noTies).total.received).toEqual(chf('3533.34'));
  });

  it('closing months keeps their sums and changes no figure; reopening drops them', async () => {
    // Month ends of closed months are left out: the revaluation posts there when a month closes
    // (and reverses on the first of the next month).
    const days = ['2026-02-15', '2026-04-15', '2026-06-01', today];
    const before = await Promise.all(days.map((d) => position(`?fund=WSIS-TF&asOf=${d}`)));
    for (const period of ['2026-03', '2026-01', '2026-05']) {
      const closed = await as('officer')
        .post(`/api/v1/funds/WSIS-TF/periods/${period}/close`)
        .send({});
      if (closed.status !== 201)
        throw new Error(`close ${period}: ${closed.status} ${closed.text}`);
    }
    const kept = await sql.query<{ period: string; lines: string; functional: string }>(
      `SELECT period, sum(line_count)::text AS lines, sum(abs(functional_minor))::text AS functional
         FROM ledger_month_balance b JOIN fund f ON f.id = b.fund_id
        WHERE f.code = 'WSIS-TF' GROUP BY period ORDER BY period`,
    );
    const counted = await sql.query<{ period: string; lines: string }>(
      `SELECT to_char(entry_date, 'YYYY-MM') AS period, count(*)::text AS lines
         FROM journal_line l JOIN fund f ON f.id = l.fund_id
        WHERE f.code = 'WSIS-TF' AND to_char(entry_date, 'YYYY-MM') IN ('2026-01', '2026-03', '2026-05')
        GROUP BY 1 ORDER BY 1`,
    );
    expect(kept.rows.map((r) => [r.period, r.lines])).toEqual(
      counted.rows.map((r) => [r.period, r.lines]),
    );
    expect(kept.rows.map((r) => r.period)).toEqual(['2026-01', '2026-03', '2026-05']);
    const after = await Promise.all(days.map((d) => position(`?fund=WSIS-TF&asOf=${d}`)));
    expect(after).toEqual(before);
    // At the end of May, whatever the revaluation posted is in 1190 and in the current figure.
    const mayEnd = fundOf(await position('?fund=WSIS-TF&asOf=2026-05-31'));
    expect(mayEnd.tiesAll).toBe(true);
    const cents = (m: Body) => BigInt((m.amount as string).replace('.', ''));
    const { outstanding } = mayEnd.total;
    expect(cents(outstanding.current)).toBe(
      cents(outstanding.booked) + cents(outstanding.revaluation),
    );

    const reopened = await requestAndApprove(
      app,
      '/api/v1/funds/WSIS-TF/periods/2026-03/reopen',
      { reason: 'A March receipt was misallocated' },
      auth.officer,
      auth.approver,
    );
    expect(reopened.status).toBe(200);
    const left = await sql.query<{ period: string }>(
      `SELECT DISTINCT period FROM ledger_month_balance ORDER BY period`,
    );
    expect(left.rows.map((r) => r.period)).toEqual(['2026-01', '2026-05']);
    expect(await Promise.all(days.map((d) => position(`?fund=WSIS-TF&asOf=${d}`)))).toEqual(before);
  });

  it('is refused to a donor user (403) and refuses a bad date or an unknown earmark (422)', async () => {
    expect((await as('donor').get(`${POSITION}?fund=WSIS-TF`)).status).toBe(403);
    expect((await as('donor').get('/reports/fund-position')).status).toBe(403);
    const bad = await as('auditor').get(`${POSITION}?asOf=2026-02-30`);
    expect(bad.status).toBe(422);
    expect(bad.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(bad.body.errors.map((e: Body) => e.field)).toContain('asOf');
    const earmark = await as('auditor').get(`${POSITION}?fund=WSIS-TF&earmark=NOPE`);
    expect(earmark.status).toBe(422);
    expect(earmark.body.errors[0].field).toBe('earmark');
    const alone = await as('auditor').get(`${POSITION}?earmark=UNEARMARKED`);
    expect(alone.status).toBe(422);
    expect(alone.body.errors[0].field).toBe('earmark');
    // Filters the position is not split by are refused, not silently ignored.
    const region = await as('auditor').get(
      `${POSITION}?fund=WSIS-TF&region=Europe&from=2026-01-01`,
    );
    expect(region.status).toBe(422);
    expect(region.body.errors.map((e: Body) => [e.field, e.rule])).toEqual([
      ['from', 'notApplicable'],
      ['region', 'notApplicable'],
    ]);
  });

  it('exports CSV and XLSX with the same amounts', async () => {
    const csv = await as('auditor').get(`${POSITION}?fund=WSIS-TF&asOf=${today}&format=csv`);
    expect(csv.status).toBe(200);
    expect(csv.headers['content-type']).toMatch(/^text\/csv/);
    const rows = parse<Record<string, string>>(csv.text, { columns: true });
    const grants = rows.find((r) => r.earmark === 'PARTICIPATION-GRANTS')!;
    expect(grants).toMatchObject({
      row_type: 'row',
      agreed: '3000.00',
      conditional: '2000.00',
      disbursed: '1850.00',
      available: '540.00',
    });
    expect(rows.find((r) => r.row_type === 'total')).toMatchObject({
      agreed: '4333.33',
      written_off: '266.66',
      available: '1094.25',
    });

    const xlsx = await request(app.getHttpServer())
      .get(`${POSITION}?fund=WSIS-TF&asOf=${today}&format=xlsx`)
      .set(auth.auditor)
      .buffer(true)
      .parse((res, done) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => done(null, Buffer.concat(chunks)));
      });
    expect(xlsx.status).toBe(200);
    expect(xlsx.headers['content-type']).toBe(XLSX);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(Uint8Array.from(xlsx.body as Buffer).buffer);
    expect(workbook.worksheets.map((s) => s.name)).toEqual(['fund-position', 'fund-position-ties']);
    const sheet = workbook.getWorksheet('fund-position')!;
    const values: unknown[][] = [];
    sheet.eachRow((row) => values.push((row.values as unknown[]).slice(1)));
    const header = values.find((v) => v[0] === 'Fund')!;
    const at = (label: string) => header.indexOf(label);
    const grantsRow = values.find((v) => v[1] === 'PARTICIPATION-GRANTS')!;
    expect(grantsRow[at('Agreed (4000)')]).toBe(3000);
    expect(grantsRow[at('Available balance')]).toBe(540);
    const totalRow = values[values.length - 1];
    expect(totalRow[at('Received (receivables cleared, at booking rates)')]).toBe(3533.34);
    expect(totalRow[at('Written off (5300)')]).toBe(266.66);
    const ties = workbook.getWorksheet('fund-position-ties')!;
    const tieValues: unknown[][] = [];
    ties.eachRow((row) => tieValues.push((row.values as unknown[]).slice(1)));
    expect(tieValues.filter((v) => v[6] === 'yes')).toHaveLength(7);
  });

  it('shows a page with the filters and a table per fund', async () => {
    const page = await as('management').get(`/reports/fund-position?fund=WSIS-TF&asOf=${today}`);
    expect(page.status).toBe(200);
    expect(page.text).toContain('<caption>WSIS-TF');
    expect(page.text).toMatch(/<label for="asOf">/);
    expect(page.text).toContain('data-testid="position-ties"');
    expect(page.text).toContain('CHF 1,094.25');
    const bad = await as('management').get('/reports/fund-position?asOf=2026-13-01');
    expect(bad.status).toBe(200);
    expect(bad.text).toContain('data-testid="report-error"');
    // The reason is beside the date it is about, and the summary links to it.
    expect(bad.text).toContain('id="asOf-error"');
    expect(bad.text).toContain('aria-describedby="asOf-error"');
    expect(bad.text).toContain('<a href="#asOf">As-of date: ');
  });

  it('shows the page in French, amounts written the French way', async () => {
    const page = await as('management')
      .get(`/reports/fund-position?fund=WSIS-TF&asOf=${today}`)
      .set('Accept-Language', 'fr');
    expect(page.status).toBe(200);
    expect(page.text).toContain('<html lang="fr">');
    expect(page.text).toContain('<h1 id="report-title">Situation du fonds</h1>');
    expect(page.text).toContain('<label for="asOf">Date de référence</label>');
    expect(page.text).toContain(`WSIS-TF — ITU WSIS Trust Fund, au ${today}, en CHF</caption>`);
    expect(page.text).toContain('<th scope="col" class="num">Disponible</th>');
    // CHF 1,094.25 in English: 1 094,25 CHF (U+202F between thousands, U+00A0 before CHF).
    expect(page.text).toContain('1\u202f094,25\u00a0CHF');
    expect(page.text).not.toContain('CHF 1,094.25');
    expect(page.text).toContain('<th scope="row">Total WSIS-TF</th>');
    expect(page.text).toContain('tous les chiffres concordent.');
    const bad = await as('management')
      .get('/reports/fund-position?asOf=2026-13-01')
      .set('Accept-Language', 'fr');
    expect(bad.text).toContain('Les filtres ne sont pas valables :');
    expect(bad.text).toContain('<a href="#asOf">Date de référence : ');
  });
});
