import { NestExpressApplication } from '@nestjs/platform-express';
import { Client } from 'pg';
import { Role } from '../../src/auth/roles';
import { approve } from '../support/approvals';
import { authedHttp, TestUsers } from '../support/test-app';

// JSON answers, read field by field by the assertions.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Body = Record<string, any>;
export type Auth = { Authorization: string };

/** UN rates (units per USD): CHF 0.80; EUR 0.90, then 0.85 from June 2026 (USD is 1). */
const RATES: Array<[string, string, string]> = [
  ['CHF', '2025-01-01', '0.80'],
  ['EUR', '2025-01-01', '0.90'],
  ['EUR', '2026-06-01', '0.85'],
];

/** A donor whose name needs escaping in XML and would start a comment in hledger. */
export const AWKWARD_DONOR = 'Smith & Sons <Ltd> "Q"; =cmd';

export interface ExportsLedger {
  auth: Record<string, Auth>;
  donors: Record<string, string>;
  pledges: Record<string, Body>;
  receipts: Record<string, Body>;
  grant: Body;
  /** The day the grant was approved and disbursed (grant steps are dated today). */
  today: string;
}

/**
 * A small ledger built through the API:
 * - Switzerland pledges CHF 300.00 to PARTICIPATION-GRANTS (announced 2026-01-15, agreed
 *   2026-02-01) and pays CHF 100.00 less 5.00 bank charges on 2026-04-10;
 * - Germany pledges EUR 1,000.00 (announced 2026-01-20, agreed 2026-02-10 at 0.8889: CHF
 *   888.89) and pays EUR 400.00 into the EUR account on 2026-07-15 (worth CHF 376.47: an FX gain);
 * - Germany's CHF 20.00 on 2026-10-05 lands on no pledge (unapplied) and is reversed on 2026-10-20;
 * - the awkwardly named donor announces USD 2,000.00 on 2026-03-01, never agreed (memo);
 * - a CHF 60.00 participation grant to a Senegalese participant of "Ministry of ICT & Posts" is
 *   approved and disbursed today from the CHF account.
 */
export async function buildExportsLedger(
  app: NestExpressApplication,
  sql: Client,
): Promise<ExportsLedger> {
  const auth: Record<string, Auth> = {};
  const donors: Record<string, string> = {};
  const pledges: Record<string, Body> = {};
  const receipts: Record<string, Body> = {};
  const as = (name: string) => authedHttp(app, auth[name]);
  const expectStatus = (res: { status: number; text: string }, status: number, what: string) => {
    if (res.status !== status) throw new Error(`${what}: ${res.status} ${res.text}`);
  };

  const users = new TestUsers(app);
  const roles: Record<string, Role[]> = {
    officer: ['finance_officer'],
    approver: ['approver'],
    auditor: ['auditor'],
    management: ['management'],
  };
  for (const [name, held] of Object.entries(roles)) auth[name] = await users.auth(name, held);
  for (const name of ['Switzerland', 'Germany', AWKWARD_DONOR]) {
    const { rows } = await sql.query<{ id: string }>(
      `INSERT INTO donor (name, normalized_name, type, created_by)
       VALUES ($1, lower($1), 'member_state', 'test') RETURNING id`,
      [name],
    );
    donors[name] = rows[0].id;
  }
  auth.donor = (await users.get('donor.swiss', ['donor'], [donors.Switzerland])).auth;
  for (const [currency, effectiveFrom, unitsPerUsd] of RATES) {
    const res = await as('officer')
      .post('/api/v1/exchange-rates')
      .send({ currency, effectiveFrom, unitsPerUsd });
    expectStatus(res, 201, `rate ${currency}`);
  }
  for (const [code, currency, accountNumber] of [
    ['UBS-CHF', 'CHF', 'CH93 0076 2011 6238 5295 7'],
    ['DB-EUR', 'EUR', 'DE89 3704 0044 0532 0130 00'],
  ]) {
    const res = await as('officer')
      .post('/api/v1/bank-accounts')
      .send({ code, name: `${code} account`, bankName: 'Test bank', accountNumber, currency });
    expectStatus(res, 201, `bank account ${code}`);
  }

  async function pledge(
    key: string,
    donor: string,
    currency: string,
    amount: string,
    announcedOn: string,
    agreedOn?: string,
  ): Promise<void> {
    const created = await as('officer')
      .post('/api/v1/pledges')
      .send({
        fund: 'WSIS-TF',
        donorId: donors[donor],
        earmark: 'PARTICIPATION-GRANTS',
        currency,
        amount,
        announcedOn,
        instalments: [{ dueDate: '2026-12-31', amount }],
      });
    expectStatus(created, 201, `pledge ${key}`);
    pledges[key] = created.body;
    if (agreedOn === undefined) return;
    const agreed = await as('officer')
      .post(`/api/v1/pledges/${created.body.id as string}/agreement`)
      .send({ agreedOn, documentRef: `AGR-${key}` });
    expectStatus(agreed, 200, `agreement ${key}`);
    pledges[key] = agreed.body;
  }
  async function receipt(key: string, body: Body): Promise<void> {
    const res = await as('officer').post('/api/v1/receipts').send(body);
    expectStatus(res, 201, `receipt ${key}`);
    receipts[key] = res.body;
  }

  await pledge('swiss', 'Switzerland', 'CHF', '300.00', '2026-01-15', '2026-02-01');
  await pledge('german', 'Germany', 'EUR', '1000.00', '2026-01-20', '2026-02-10');
  await pledge('awkward', AWKWARD_DONOR, 'USD', '2000.00', '2026-03-01');
  await receipt('swiss', {
    bankAccount: 'UBS-CHF',
    valueDate: '2026-04-10',
    currency: 'CHF',
    grossAmount: '100.00',
    bankCharges: '5.00',
    donorId: donors.Switzerland,
    allocations: [{ pledgeId: pledges.swiss.id, amount: '100.00' }],
  });
  await receipt('german', {
    bankAccount: 'DB-EUR',
    valueDate: '2026-07-15',
    currency: 'EUR',
    grossAmount: '400.00',
    donorId: donors.Germany,
    allocations: [{ pledgeId: pledges.german.id, amount: '400.00' }],
  });
  await receipt('twice', {
    bankAccount: 'UBS-CHF',
    valueDate: '2026-10-05',
    currency: 'CHF',
    grossAmount: '20.00',
    donorId: donors.Germany,
    allocation: 'none',
  });
  const reversal = await as('officer')
    .post(`/api/v1/receipts/${receipts.twice.id as string}/reversal`)
    .send({ date: '2026-10-20', reason: 'Entered twice' });
  expectStatus(reversal, 202, 'reversal');
  expectStatus(
    await approve(app, reversal.body.id as string, auth.approver),
    200,
    'approve reversal',
  );

  const { rows: events } = await sql.query<{ id: string }>(
    `INSERT INTO grant_event (fund_id, earmark_id, code, name, place, starts_on, ends_on,
       budget_minor, eligibility_rule, offers_full, offers_partial_ticket,
       offers_partial_allowance, offers_remote, remote_amount_minor, created_by)
     SELECT f.id, e.id, 'FORUM', 'WSIS Forum', 'Geneva', '2026-12-07', '2026-12-11', 1000000,
            'ldc-and-developing', true, true, true, true, 50000, 'test'
       FROM fund f JOIN earmark e ON e.fund_id = f.id AND e.code = 'PARTICIPATION-GRANTS'
      WHERE f.code = 'WSIS-TF' RETURNING grant_event.id`,
  );
  const { rows: participants } = await sql.query<{ id: string }>(
    `INSERT INTO participant (name, normalized_name, gender, country, organisation,
       stakeholder_group, created_by)
     VALUES ('Awa Ndiaye', 'awa ndiaye', 'female', 'SN', 'Ministry of ICT & Posts', 'government',
       'test') RETURNING id`,
  );
  const requested = await as('officer').post('/api/v1/grants').send({
    eventId: events[0].id,
    participantId: participants[0].id,
    kind: 'partial-allowance',
    allowance: '60.00',
    decisionDate: '2026-11-20',
  });
  expectStatus(requested, 201, 'grant');
  const grantId = requested.body.id as string;
  const asked = await as('officer').post(`/api/v1/grants/${grantId}/approval`).send({});
  expectStatus(asked, 202, 'grant approval');
  expectStatus(await approve(app, asked.body.id as string, auth.approver), 200, 'approve grant');
  const approved = (await as('auditor').get(`/api/v1/grants/${grantId}`)).body as Body;
  const today = (approved.steps as Body[]).find((s) => s.kind === 'approved')!.on as string;
  const paid = await as('officer')
    .post(`/api/v1/grants/${grantId}/disbursement`)
    .send({ date: today, bankAccount: 'UBS-CHF' });
  expectStatus(paid, 200, 'disbursement');
  const grant = (await as('auditor').get(`/api/v1/grants/${grantId}`)).body as Body;
  return { auth, donors, pledges, receipts, grant, today };
}
