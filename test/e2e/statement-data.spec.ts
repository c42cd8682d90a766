import { NestExpressApplication } from '@nestjs/platform-express';
import fc from 'fast-check';
import { Client } from 'pg';
import { Role } from '../../src/auth/roles';
import { todayUtc } from '../../src/common/calendar-date';
import { AppError } from '../../src/common/errors/app-error';
import { TransactionRunner } from '../../src/database/transaction-runner';
import { AcknowledgementDataService } from '../../src/statements/data/acknowledgement-data.service';
import { StatementDataModule } from '../../src/statements/data/statement-data.module';
import {
  StatementDataService,
  StatementRequest,
} from '../../src/statements/data/statement-data.service';
import {
  AcknowledgementData,
  DocumentAmount,
  StatementData,
  StatementFundSection,
} from '../../src/statements/statement-data.types';
import { approve } from '../support/approvals';
import { authedHttp, createTestApp, TestUsers } from '../support/test-app';
import { connect, createTestDatabase, TestDatabase } from '../support/test-database';

type Auth = { Authorization: string };
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- API answers, read field by field
type Body = Record<string, any>;

/**
 * UN rates (units per USD): CHF 0.80 throughout; EUR 0.90 until March 2026 (1 EUR = 0.8889 CHF,
 * when the EUR pledge is booked), 0.75 from April (1.0667 CHF: a receipt then is an FX gain),
 * 0.85 from July (0.9412 CHF). USD is worth CHF 0.80.
 */
const RATES: Array<[string, string, string]> = [
  ['CHF', '2025-01-01', '0.80'],
  ['EUR', '2025-01-01', '0.90'],
  ['EUR', '2026-04-01', '0.75'],
  ['EUR', '2026-07-01', '0.85'],
];

const TODAY = todayUtc();
const Q1 = { from: '2026-01-01', to: '2026-03-31' };
const Q2 = { from: '2026-04-01', to: '2026-06-30' };
const Q3 = { from: '2026-07-01', to: '2026-09-30' };
/** Up to today: the grant approved by these tests is attributed today. */
const Q4 = { from: '2026-10-01', to: TODAY };
const QUARTERS = [Q1, Q2, Q3, Q4];

/** Decimal strings with 2 decimals as hundredths, and back: exact sums without floats. */
const cents = (amount: string): bigint => {
  const [whole, fraction = ''] = amount.replace('-', '').split('.');
  const value = BigInt(whole) * 100n + BigInt(fraction.padEnd(2, '0'));
  return amount.startsWith('-') ? -value : value;
};
const decimal = (value: bigint): string => {
  const sign = value < 0n ? '-' : '';
  const abs = value < 0n ? -value : value;
  return `${sign}${abs / 100n}.${String(abs % 100n).padStart(2, '0')}`;
};
/** Σ of amounts; one missing (a field the data service must fill) fails the test. */
const sum = (amounts: ReadonlyArray<DocumentAmount | undefined>): bigint =>
  amounts.reduce((total, amount) => {
    if (amount === undefined) throw new Error('an amount is missing');
    return total + cents(amount.amount);
  }, 0n);

/** opening + pledged − received + FX − written off − cancelled/adjusted, in hundredths. */
function rolledForward(section: StatementFundSection): bigint {
  return (
    cents(section.openingOutstanding.amount) +
    cents(section.pledgedTotal.amount) -
    cents(section.receivedTotal.amount) +
    cents(section.exchangeDifferences.amount) -
    cents(section.writtenOffTotal.amount) -
    cents(section.cancelledAndAdjusted.amount)
  );
}

describe(StatementDataService.name, () => {
  let db: TestDatabase;
  let app: NestExpressApplication;
  let sql: Client;
  let transactions: TransactionRunner;
  const auth: Record<string, Auth> = {};
  const donors: Record<string, string> = {};
  const pledges: Record<string, Body> = {};
  const receipts: Record<string, Body> = {};

  const as = (user: string) => authedHttp(app, auth[user]);

  function statement(request: Partial<StatementRequest> & { from: string; to: string }) {
    return transactions.run((manager) =>
      app.get(StatementDataService).build(manager, {
        donorId: donors.Testland,
        fundCode: 'WSIS-TF',
        ...request,
      }),
    );
  }

  async function section(period: { from: string; to: string }): Promise<StatementFundSection> {
    const data = await statement(period);
    expect(data.sections).toHaveLength(1);
    return data.sections[0];
  }

  function acknowledgement(receiptId: string): Promise<AcknowledgementData> {
    return transactions.run((manager) =>
      app.get(AcknowledgementDataService).build(manager, receiptId),
    );
  }

  async function createDonor(key: string, body: Body): Promise<void> {
    const res = await as('officer').post('/api/v1/donors').send(body);
    expect(res.status).toBe(201);
    donors[key] = res.body.id;
  }

  async function createPledge(
    key: string,
    body: { donor: string; currency: string; amount: string; announcedOn: string } & Body,
    agreedOn?: string,
  ): Promise<void> {
    const { donor, ...rest } = body;
    const created = await as('officer')
      .post('/api/v1/pledges')
      .send({ fund: 'WSIS-TF', donorId: donors[donor], ...rest });
    expect(created.status).toBe(201);
    pledges[key] = created.body;
    if (agreedOn === undefined) return;
    const agreed = await as('officer')
      .post(`/api/v1/pledges/${created.body.id as string}/agreement`)
      .send({ agreedOn, documentRef: `AGR-${key}` });
    expect(agreed.status).toBe(200);
    pledges[key] = agreed.body;
  }

  async function receipt(key: string, body: Body): Promise<void> {
    const res = await as('officer')
      .post('/api/v1/receipts')
      .send({ donorId: donors.Testland, ...body });
    expect(res.status).toBe(201);
    receipts[key] = res.body;
  }

  /** The donor's receivable (1100) in the fund's currency on the ledger, as of a date. */
  async function receivable(asOf: string, donor = 'Testland', fund = 'WSIS-TF'): Promise<string> {
    const res = await as('auditor').get(
      `/api/v1/funds/${fund}/accounts/1100/balance?asOf=${asOf}&donorId=${donors[donor]}`,
    );
    expect(res.status).toBe(200);
    return res.body.functional.amount as string;
  }

  /**
   * The cash the donor's receipts brought to its receivable in the period, read on the cash side
   * of the ledger: what the receipts' entries put in the bank (1000) and bank charges (5100),
   * less what they left as unapplied credit or suspense (2000, 2300; applying credit later
   * debits it back).
   */
  async function cashApplied(
    period: { from: string; to: string },
    donor = 'Testland',
    fund = 'WSIS-TF',
  ): Promise<string> {
    const { rows } = await sql.query<{ total: string }>(
      `SELECT coalesce(sum(l.functional_minor), 0)::text AS total
         FROM journal_line l
         JOIN account a ON a.id = l.account_id
         JOIN fund f ON f.id = a.fund_id
         JOIN receipt r ON r.id = l.receipt_id
        WHERE f.code = $1 AND r.donor_id = $2 AND a.code IN ('1000', '5100', '2000', '2300')
          AND l.entry_date BETWEEN $3::date AND $4::date`,
      [fund, donors[donor], period.from, period.to],
    );
    return decimal(BigInt(rows[0].total));
  }

  async function refusal(promise: Promise<unknown>): Promise<AppError> {
    const error: unknown = await promise.then(
      () => undefined,
      (thrown: unknown) => thrown,
    );
    expect(error).toBeInstanceOf(AppError);
    return error as AppError;
  }

  beforeAll(async () => {
    db = await createTestDatabase();
    app = await createTestApp(db, {
      env: { API_RATE_LIMIT_PER_MINUTE: '100000' },
      imports: [StatementDataModule],
    });
    sql = await connect(db.url);
    transactions = app.get(TransactionRunner);
    const users = new TestUsers(app);
    const roles: Record<string, Role[]> = {
      officer: ['finance_officer'],
      approver: ['approver'],
      auditor: ['auditor'],
      admin: ['admin'],
    };
    for (const [name, held] of Object.entries(roles)) auth[name] = await users.auth(name, held);
    for (const [currency, effectiveFrom, unitsPerUsd] of RATES) {
      const res = await as('officer')
        .post('/api/v1/exchange-rates')
        .send({ currency, effectiveFrom, unitsPerUsd });
      expect(res.status).toBe(201);
    }
    const fund = await as('admin')
      .post('/api/v1/funds')
      .send({ code: 'ICT-DEV-TF', name: 'ICT development trust fund', functionalCurrency: 'USD' });
    expect(fund.status).toBe(201);
    for (const [fundCode, code, currency, accountNumber] of [
      ['WSIS-TF', 'UBS-CHF', 'CHF', 'CH9300762011623852957'],
      ['WSIS-TF', 'DB-EUR', 'EUR', 'DE89370400440532013000'],
      ['WSIS-TF', 'CITI-USD', 'USD', '36838271'],
      ['ICT-DEV-TF', 'DEV-USD', 'USD', '36838272'],
    ]) {
      const res = await as('officer')
        .post('/api/v1/bank-accounts')
        .send({
          fund: fundCode,
          code,
          name: `${code} account`,
          bankName: 'Test bank',
          accountNumber,
          currency,
        });
      expect(res.status).toBe(201);
    }
    await createDonor('Testland', {
      name: 'Republic of Testland',
      type: 'member_state',
      country: 'CH',
      statementLanguage: 'fr',
    });
    await createDonor('Other', { name: 'Other Foundation', type: 'foundation' });

    // CHF 30,000 for participation grants, in three instalments.
    await createPledge(
      'chf',
      {
        donor: 'Testland',
        earmark: 'PARTICIPATION-GRANTS',
        currency: 'CHF',
        amount: '30000.00',
        announcedOn: '2026-01-05',
        instalments: [
          { dueDate: '2026-03-31', amount: '10000.00' },
          { dueDate: '2026-06-30', amount: '10000.00' },
          { dueDate: '2026-09-30', amount: '10000.00' },
        ],
      },
      '2026-01-10',
    );
    // EUR 9,000 booked at 0.8889: CHF 8,000.00.
    await createPledge(
      'eur',
      {
        donor: 'Testland',
        currency: 'EUR',
        amount: '9000.00',
        announcedOn: '2026-01-20',
        instalments: [
          { dueDate: '2026-05-31', amount: '4500.00' },
          { dueDate: '2026-11-30', amount: '4500.00' },
        ],
      },
      '2026-02-01',
    );
    // USD 5,000 announced in Q1, agreed in Q2: CHF 4,000.00.
    await createPledge(
      'usd',
      {
        donor: 'Testland',
        currency: 'USD',
        amount: '5000.00',
        announcedOn: '2026-02-15',
        instalments: [{ dueDate: '2026-08-31', amount: '5000.00' }],
      },
      '2026-04-15',
    );
    // Announced in Q2 and never agreed: a memo, not a receivable.
    await createPledge('memo', {
      donor: 'Testland',
      currency: 'CHF',
      amount: '2000.00',
      announcedOn: '2026-05-01',
      instalments: [{ dueDate: '2027-03-31', amount: '2000.00' }],
    });
    // Another donor of the same fund: never on Testland's statement.
    await createPledge(
      'other',
      {
        donor: 'Other',
        currency: 'CHF',
        amount: '1000.00',
        announcedOn: '2026-01-05',
        instalments: [{ dueDate: '2026-06-30', amount: '1000.00' }],
      },
      '2026-01-10',
    );
    const devPledge = await as('officer')
      .post('/api/v1/pledges')
      .send({
        fund: 'ICT-DEV-TF',
        donorId: donors.Testland,
        currency: 'USD',
        amount: '1000.00',
        announcedOn: '2026-02-01',
        instalments: [{ dueDate: '2026-06-30', amount: '1000.00' }],
      });
    expect(devPledge.status).toBe(201);
    pledges.dev = devPledge.body;
    expect(
      (
        await as('officer')
          .post(`/api/v1/pledges/${devPledge.body.id as string}/agreement`)
          .send({ agreedOn: '2026-03-01', documentRef: 'AGR-dev' })
      ).status,
    ).toBe(200);

    // Q1: CHF 10,000 less CHF 15 bank charges pays the first CHF instalment.
    await receipt('q1-chf', {
      bankAccount: 'UBS-CHF',
      valueDate: '2026-03-20',
      currency: 'CHF',
      grossAmount: '10000.00',
      bankCharges: '15.00',
      allocations: [{ pledgeId: pledges.chf.id, amount: '10000.00' }],
    });
    await receipt('other-q1', {
      donorId: donors.Other,
      bankAccount: 'UBS-CHF',
      valueDate: '2026-03-25',
      currency: 'CHF',
      grossAmount: '1000.00',
      allocation: 'auto',
    });
    // Q2: EUR 4,500 (EUR 20 charges) worth CHF 4,800 against CHF 4,000 booked: a CHF 800 gain.
    await receipt('q2-eur', {
      bankAccount: 'DB-EUR',
      valueDate: '2026-05-20',
      currency: 'EUR',
      grossAmount: '4500.00',
      bankCharges: '20.00',
      allocations: [{ pledgeId: pledges.eur.id, amount: '4500.00' }],
    });
    await receipt('q2-dev', {
      bankAccount: 'DEV-USD',
      fund: 'ICT-DEV-TF',
      valueDate: '2026-06-01',
      currency: 'USD',
      grossAmount: '400.00',
      allocations: [{ pledgeId: pledges.dev.id, amount: '400.00' }],
    });
    // Q3: a partial payment of the USD pledge, and CHF 21,500 for the CHF 20,000 still due:
    // CHF 1,500 stays the donor's unapplied credit.
    await receipt('q3-usd', {
      bankAccount: 'CITI-USD',
      valueDate: '2026-07-10',
      currency: 'USD',
      grossAmount: '2000.00',
      allocations: [{ pledgeId: pledges.usd.id, amount: '2000.00' }],
    });
    await receipt('q3-over', {
      bankAccount: 'UBS-CHF',
      valueDate: '2026-08-05',
      currency: 'CHF',
      grossAmount: '21500.00',
      bankCharges: '10.00',
      allocations: [{ pledgeId: pledges.chf.id, amount: '20000.00' }],
    });
    // Q4: EUR 1,000 the day after Q3 ends; EUR 1,000 more paid from the CHF credit; the rest
    // of the USD pledge written off (through approval).
    await receipt('q4-eur', {
      bankAccount: 'DB-EUR',
      valueDate: '2026-10-01',
      currency: 'EUR',
      grossAmount: '1000.00',
      allocations: [{ pledgeId: pledges.eur.id, amount: '1000.00' }],
    });
    const applied = await as('officer')
      .post(`/api/v1/receipts/${receipts['q3-over'].id as string}/allocations`)
      .send({ date: '2026-10-05', allocations: [{ pledgeId: pledges.eur.id, amount: '1000.00' }] });
    expect(applied.status).toBe(200);
    receipts['q3-over'] = applied.body;
    const writeOff = await as('officer')
      .post(`/api/v1/pledges/${pledges.usd.id as string}/write-off`)
      .send({ date: '2026-10-15', reason: 'The ministry budget was cut; nothing more will come' });
    expect(writeOff.status).toBe(202);
    expect((await approve(app, writeOff.body.id as string, auth.approver)).status).toBe(200);

    // A CHF 2,000 grant for a participant from Ethiopia (an LDC), paid by Testland's
    // participation-grants money (the only money of that earmark).
    const event = await as('officer')
      .post('/api/v1/grant-events')
      .send({
        code: 'WSIS-FORUM-2026',
        name: 'WSIS Forum 2026',
        place: 'Geneva, Switzerland',
        startsOn: '2026-07-06',
        endsOn: '2026-07-10',
        budget: '50000.00',
        eligibilityRule: 'ldc-and-developing',
        offers: { full: true, partialTicket: true, partialAllowance: true, remote: false },
      });
    expect(event.status).toBe(201);
    const participant = await as('officer').post('/api/v1/participants').send({
      name: 'Abebe Bekele',
      gender: 'male',
      country: 'ET',
      organisation: 'Ministry of Innovation and Technology',
      stakeholderGroup: 'government',
    });
    expect(participant.status).toBe(201);
    const grant = await as('officer').post('/api/v1/grants').send({
      eventId: event.body.id,
      participantId: participant.body.id,
      kind: 'full',
      ticket: '1200.00',
      allowance: '800.00',
      decisionDate: '2026-06-01',
    });
    expect(grant.status).toBe(201);
    const asked = await as('officer').post(`/api/v1/grants/${grant.body.id as string}/approval`);
    expect(asked.status).toBe(202);
    expect((await approve(app, asked.body.id as string, auth.approver)).status).toBe(200);
  });

  afterAll(async () => {
    await sql.end();
    await app.close();
    await db.drop();
  });

  it('closes each quarter on the donor’s receivable of the ledger, and rolls forward exactly', async () => {
    for (const period of [...QUARTERS, { from: '2026-01-01', to: TODAY }]) {
      const s = await section(period);
      expect(s.fund).toEqual({ code: 'WSIS-TF', name: expect.any(String), currency: 'CHF' });
      expect(s.closingOutstanding).toEqual({
        currency: 'CHF',
        amount: await receivable(period.to),
      });
      expect(decimal(rolledForward(s))).toBe(s.closingOutstanding.amount);
    }
  });

  it('counts as received the cash its receipts brought in the period, per the ledger', async () => {
    for (const period of QUARTERS) {
      const s = await section(period);
      expect(s.receivedTotal.amount).toBe(await cashApplied(period));
      // The receipts listed account for all of it, and for all the exchange differences.
      expect(decimal(sum(s.receipts.map((r) => r.applied)))).toBe(s.receivedTotal.amount);
      expect(decimal(sum(s.receipts.map((r) => r.exchangeDifference)))).toBe(
        s.exchangeDifferences.amount,
      );
      // What was booked and written off is what the lists show.
      expect(decimal(sum(s.pledges.map((p) => p.functional)))).toBe(s.pledgedTotal.amount);
      expect(decimal(sum(s.writeOffs.map((w) => w.functional)))).toBe(s.writtenOffTotal.amount);
    }
  });

  it('opens each period on the closing of the one before', async () => {
    let previous = await section(Q1);
    expect(previous.openingOutstanding.amount).toBe('0.00');
    for (const period of QUARTERS.slice(1)) {
      const current = await section(period);
      expect(current.openingOutstanding).toEqual(previous.closingOutstanding);
      previous = current;
    }
  });

  it('shows the quarters as worked out by hand from the rates', async () => {
    const q1 = await section(Q1);
    expect(q1).toMatchObject({
      openingOutstanding: { amount: '0.00' },
      pledgedTotal: { amount: '38000.00' }, // 30,000 + EUR 9,000 at 0.8889
      receivedTotal: { amount: '10000.00' },
      exchangeDifferences: { amount: '0.00' },
      closingOutstanding: { amount: '28000.00' },
      unappliedCredit: { amount: '0.00' },
    });
    expect(q1.pledges.map((p) => [p.reference, p.date, p.amount, p.functional])).toEqual([
      [
        pledges.chf.reference,
        '2026-01-10',
        { currency: 'CHF', amount: '30000.00' },
        { currency: 'CHF', amount: '30000.00' },
      ],
      [
        pledges.eur.reference,
        '2026-02-01',
        { currency: 'EUR', amount: '9000.00' },
        { currency: 'CHF', amount: '8000.00' },
      ],
      // Announced in Q1, agreed in Q2: a memo here.
      [
        pledges.usd.reference,
        '2026-02-15',
        { currency: 'USD', amount: '5000.00' },
        { currency: 'CHF', amount: '0.00' },
      ],
    ]);
    // Statuses as of the period end.
    expect(q1.pledges.map((p) => p.status)).toEqual(['partially_paid', 'agreed', 'announced']);
    expect(q1.receipts).toEqual([
      {
        number: receipts['q1-chf'].number,
        valueDate: '2026-03-20',
        original: { currency: 'CHF', amount: '10000.00' },
        rate: '1',
        functional: { currency: 'CHF', amount: '10000.00' },
        charges: { currency: 'CHF', amount: '15.00' },
        pledges: [pledges.chf.reference],
        applied: { currency: 'CHF', amount: '10000.00' },
        exchangeDifference: { currency: 'CHF', amount: '0.00' },
      },
    ]);

    const q2 = await section(Q2);
    expect(q2).toMatchObject({
      openingOutstanding: { amount: '28000.00' },
      pledgedTotal: { amount: '4000.00' }, // USD 5,000 at 0.80
      receivedTotal: { amount: '4800.00' }, // EUR 4,500 at 1.0667
      exchangeDifferences: { amount: '800.00' },
      closingOutstanding: { amount: '28000.00' },
    });
    expect(q2.pledges.map((p) => [p.reference, p.functional.amount])).toEqual([
      [pledges.usd.reference, '4000.00'],
      [pledges.memo.reference, '0.00'],
    ]);
    expect(q2.receipts).toMatchObject([
      {
        number: receipts['q2-eur'].number,
        original: { currency: 'EUR', amount: '4500.00' },
        rate: receipts['q2-eur'].rate,
        functional: { currency: 'CHF', amount: '4800.00' },
        charges: { currency: 'CHF', amount: '21.33' },
        exchangeDifference: { amount: '800.00' },
      },
    ]);
    expect(q2.receipts[0].rate).not.toBe('1');

    const q3 = await section(Q3);
    expect(q3).toMatchObject({
      pledgedTotal: { amount: '0.00' },
      receivedTotal: { amount: '21600.00' }, // USD 2,000 at 0.80 + CHF 20,000 applied
      exchangeDifferences: { amount: '0.00' },
      closingOutstanding: { amount: '6400.00' }, // EUR 4,500 (4,000) + USD 3,000 (2,400)
      unappliedCredit: { amount: '1500.00' },
    });
    expect(q3.receipts.map((r) => [r.number, r.original.amount, r.applied.amount])).toEqual([
      [receipts['q3-usd'].number, '2000.00', '1600.00'],
      [receipts['q3-over'].number, '21500.00', '20000.00'],
    ]);

    const q4 = await section(Q4);
    expect(q4).toMatchObject({
      openingOutstanding: { amount: '6400.00' },
      writtenOffTotal: { amount: '2400.00' },
      cancelledAndAdjusted: { amount: '0.00' },
      closingOutstanding: { amount: '2222.22' }, // EUR 2,500 of the 9,000 booked at 8,000
    });
    expect(q4.writeOffs).toEqual([
      {
        pledgeReference: pledges.usd.reference,
        date: '2026-10-15',
        functional: { currency: 'CHF', amount: '2400.00' },
      },
    ]);
    // Two EUR 1,000 payments worth CHF 941.18 each at 0.9412, booked at 0.8889: gains.
    expect(q4.receivedTotal.amount).toBe('1882.36');
    expect(cents(q4.exchangeDifferences.amount)).toBeGreaterThan(0n);
    expect(q4.unappliedCredit.amount).toBe('558.82'); // 1,500 − 941.18
  });

  it('keeps to the period: a receipt the day after it ends is in the next one', async () => {
    const q3 = await section(Q3);
    const q4 = await section(Q4);
    const number = receipts['q4-eur'].number as string;
    expect(q3.receipts.map((r) => r.number)).not.toContain(number);
    expect(q4.receipts.map((r) => r.number)).toContain(number);
    // A receipt of Q3 whose credit was applied in Q4 appears in Q4 for what was applied then.
    const later = q4.receipts.find((r) => r.number === receipts['q3-over'].number);
    expect(later).toMatchObject({
      valueDate: '2026-08-05',
      applied: { amount: '941.18' },
      pledges: [pledges.chf.reference, pledges.eur.reference].sort(),
    });
    // Another donor's money never shows.
    expect(q4.receipts.concat(q3.receipts).map((r) => r.number)).not.toContain(
      receipts['other-q1'].number,
    );
    const q1 = await section(Q1);
    expect(q1.receipts.map((r) => r.number)).not.toContain(receipts['other-q1'].number);
    // A one-day period.
    const day = await section({ from: '2026-10-01', to: '2026-10-01' });
    expect(day.receipts.map((r) => r.number)).toEqual([number]);
    expect(day.closingOutstanding.amount).toBe(await receivable('2026-10-01'));
  });

  it('lists the instalments still due at the period end, the next first, overdue ones marked', async () => {
    const q3 = await section(Q3);
    expect(
      q3.instalmentsDue.map((i) => [i.pledgeReference, i.seq, i.dueDate, i.outstanding, i.overdue]),
    ).toEqual([
      [pledges.usd.reference, 1, '2026-08-31', { currency: 'USD', amount: '3000.00' }, true],
      [pledges.eur.reference, 2, '2026-11-30', { currency: 'EUR', amount: '4500.00' }, false],
    ]);
    const q4 = await section(Q4);
    // The USD pledge is written off; the EUR one has EUR 2,500 left.
    expect(q4.instalmentsDue.map((i) => [i.pledgeReference, i.outstanding.amount])).toEqual([
      [pledges.eur.reference, '2500.00'],
    ]);
    expect(q4.pledges).toEqual([]);
  });

  it('shows the grants its earmarked money funded', async () => {
    const q4 = await section(Q4);
    expect(q4.grantUse).toEqual({
      grants: 1,
      participants: 1,
      countries: ['ET'],
      ldcGrants: 1,
      amount: { currency: 'CHF', amount: '2000.00' },
    });
    // Before the grant was approved, nothing.
    const q1 = await section(Q1);
    expect(q1.grantUse).toMatchObject({ grants: 0, countries: [], amount: { amount: '0.00' } });
  });

  it('gives one section per fund the donor has anything with when no fund is named', async () => {
    const all = await statement({ fundCode: null, from: '2026-01-01', to: TODAY });
    expect(all).toMatchObject({
      kind: 'statement',
      fund: null,
      period: { from: '2026-01-01', to: TODAY },
      donor: {
        id: donors.Testland,
        name: 'Republic of Testland',
        type: 'member_state',
        country: 'CH',
        language: 'fr',
      },
    });
    expect(all.sections.map((s) => s.fund.code)).toEqual(['ICT-DEV-TF', 'WSIS-TF']);
    const [dev, wsis] = all.sections;
    expect(dev).toMatchObject({
      fund: { currency: 'USD' },
      pledgedTotal: { currency: 'USD', amount: '1000.00' },
      receivedTotal: { currency: 'USD', amount: '400.00' },
      closingOutstanding: { currency: 'USD', amount: '600.00' },
    });
    expect(dev.closingOutstanding.amount).toBe(await receivable(TODAY, 'Testland', 'ICT-DEV-TF'));
    expect(dev.receivedTotal.amount).toBe(
      await cashApplied({ from: '2026-01-01', to: TODAY }, 'Testland', 'ICT-DEV-TF'),
    );
    expect(decimal(rolledForward(dev))).toBe(dev.closingOutstanding.amount);
    // Each section is the statement of that fund alone.
    expect(wsis).toEqual(await section({ from: '2026-01-01', to: TODAY }));
    const named: StatementData = await statement({ from: '2026-01-01', to: TODAY });
    expect(named.fund).toEqual({ code: 'WSIS-TF', name: expect.any(String), currency: 'CHF' });

    // Before the second fund's pledge was announced, only WSIS-TF.
    const early = await statement({ fundCode: null, from: '2026-01-01', to: '2026-01-31' });
    expect(early.sections.map((s) => s.fund.code)).toEqual(['WSIS-TF']);
  });

  it('acknowledges a receipt: what arrived, what it paid per pledge, what is left unapplied', async () => {
    const over = await acknowledgement(receipts['q3-over'].id as string);
    expect(over).toEqual({
      kind: 'acknowledgement',
      donor: expect.objectContaining({ id: donors.Testland, language: 'fr' }),
      fund: { code: 'WSIS-TF', name: expect.any(String), currency: 'CHF' },
      receipt: {
        id: receipts['q3-over'].id,
        number: receipts['q3-over'].number,
        valueDate: '2026-08-05',
        original: { currency: 'CHF', amount: '21500.00' },
        charges: { currency: 'CHF', amount: '10.00' },
        rate: '1',
        functional: { currency: 'CHF', amount: '21500.00' },
      },
      allocations: [
        {
          pledgeReference: pledges.chf.reference,
          earmark: 'PARTICIPATION-GRANTS',
          amount: { currency: 'CHF', amount: '20000.00' },
        },
        {
          pledgeReference: pledges.eur.reference,
          earmark: 'UNEARMARKED',
          amount: { currency: 'EUR', amount: '1000.00' },
        },
      ],
      unapplied: { currency: 'CHF', amount: '558.82' },
    });
    // The receipts API says the same.
    const api = await as('auditor').get(`/api/v1/receipts/${receipts['q3-over'].id as string}`);
    expect(api.body.unapplied).toEqual(over.unapplied);

    const eur = await acknowledgement(receipts['q2-eur'].id as string);
    expect(eur.receipt).toMatchObject({
      original: { currency: 'EUR', amount: '4500.00' },
      charges: { currency: 'EUR', amount: '20.00' },
      functional: { currency: 'CHF', amount: '4800.00' },
    });
    expect(eur.unapplied).toEqual({ currency: 'EUR', amount: '0.00' });
  });

  it('refuses an unknown donor, fund or receipt, a period ending before it starts, a receipt without donor', async () => {
    const unknownDonor = await refusal(
      statement({ donorId: '00000000-0000-4000-8000-000000000000', ...Q1 }),
    );
    expect([unknownDonor.status, unknownDonor.code]).toEqual([404, 'donor-not-found']);
    expect((await refusal(statement({ donorId: 'not-a-uuid', ...Q1 }))).status).toBe(404);

    const unknownFund = await refusal(statement({ fundCode: 'NO-SUCH-FUND', ...Q1 }));
    expect([unknownFund.status, unknownFund.code]).toEqual([404, 'fund-not-found']);

    const backwards = await refusal(statement({ from: '2026-04-01', to: '2026-03-31' }));
    expect([backwards.status, backwards.code]).toEqual([422, 'invalid-statement-period']);
    expect(backwards.errors).toEqual([expect.objectContaining({ field: 'to' })]);
    const malformed = await refusal(statement({ from: '2026-02-30', to: 'soon' }));
    expect(malformed.status).toBe(422);
    expect(malformed.errors?.map((e) => e.field)).toEqual(['from', 'to']);

    const noReceipt = await refusal(acknowledgement('00000000-0000-4000-8000-000000000000'));
    expect([noReceipt.status, noReceipt.code]).toEqual([404, 'receipt-not-found']);
    expect((await refusal(acknowledgement('R-1'))).status).toBe(404);

    const unidentified = await as('officer').post('/api/v1/receipts').send({
      bankAccount: 'UBS-CHF',
      valueDate: '2026-11-02',
      currency: 'CHF',
      grossAmount: '75.00',
      remitterName: 'Unknown remitter',
    });
    expect(unidentified.status).toBe(201);
    const withoutDonor = await refusal(acknowledgement(unidentified.body.id as string));
    expect([withoutDonor.status, withoutDonor.code]).toEqual([422, 'receipt-without-donor']);
  });

  it('rolls forward and closes on the ledger for random receipts, whatever the period', async () => {
    let run = 0;
    const day = fc.integer({ min: 0, max: 300 }).map((n) => {
      const date = new Date(Date.UTC(2026, 0, 15 + n));
      return date.toISOString().slice(0, 10);
    });
    const receiptArb = fc.record({
      currency: fc.constantFrom('CHF', 'EUR'),
      cents: fc.integer({ min: 100, max: 900_000 }),
      charges: fc.integer({ min: 0, max: 99 }),
      valueDate: day,
      auto: fc.boolean(),
      /** For money left unapplied: applied (oldest due first) this many days later, or never. */
      appliedAfter: fc.option(fc.integer({ min: 0, max: 90 })),
    });
    const later = (date: string, days: number): string => {
      const shifted = new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000);
      const text = shifted.toISOString().slice(0, 10);
      return text > TODAY ? TODAY : text;
    };
    await fc.assert(
      fc.asyncProperty(
        fc.array(receiptArb, { minLength: 1, maxLength: 4 }),
        day,
        day,
        async (payments, a, b) => {
          run += 1;
          const key = `Random ${run}`;
          // Names this close are near duplicates: confirmed as distinct donors.
          await createDonor(key, {
            name: `Random donor ${run}`,
            type: 'other',
            confirmDuplicate: true,
          });
          await createPledge(
            key,
            {
              donor: key,
              currency: 'EUR',
              amount: '5000.00',
              announcedOn: '2026-01-05',
              instalments: [
                { dueDate: '2026-04-30', amount: '2500.00' },
                { dueDate: '2026-09-30', amount: '2500.00' },
              ],
            },
            '2026-01-10',
          );
          for (const payment of payments) {
            const res = await as('officer')
              .post('/api/v1/receipts')
              .send({
                donorId: donors[key],
                bankAccount: payment.currency === 'CHF' ? 'UBS-CHF' : 'DB-EUR',
                valueDate: payment.valueDate,
                currency: payment.currency,
                grossAmount: decimal(BigInt(payment.cents)),
                bankCharges: decimal(BigInt(Math.min(payment.charges, payment.cents - 1))),
                allocation: payment.auto ? 'auto' : 'none',
              });
            expect(res.status).toBe(201);
            if (payment.auto || payment.appliedAfter === null) continue;
            const applied = await as('officer')
              .post(`/api/v1/receipts/${res.body.id as string}/allocations`)
              .send({ date: later(payment.valueDate, payment.appliedAfter), allocation: 'auto' });
            // Refused only when nothing is left to pay.
            expect([200, 409, 422]).toContain(applied.status);
          }
          const period = a <= b ? { from: a, to: b } : { from: b, to: a };
          const data = await statement({ donorId: donors[key], ...period });
          const s = data.sections[0];
          expect(decimal(rolledForward(s))).toBe(s.closingOutstanding.amount);
          expect(s.closingOutstanding.amount).toBe(await receivable(period.to, key));
          expect(s.receivedTotal.amount).toBe(await cashApplied(period, key));
          expect(decimal(sum(s.receipts.map((r) => r.applied)))).toBe(s.receivedTotal.amount);
        },
      ),
      { numRuns: 12 },
    );
  }, 180_000);
});
