import { randomUUID } from 'node:crypto';
import { NestExpressApplication } from '@nestjs/platform-express';
import fc from 'fast-check';
import { Client } from 'pg';
import request, { Response } from 'supertest';
import { Role } from '../../src/auth/roles';
import { todayUtc } from '../../src/common/calendar-date';
import { addBankAccount } from '../support/ledger-fixtures';
import { createTestApp, TestUsers } from '../support/test-app';
import { connect, createTestDatabase, TestDatabase } from '../support/test-database';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- API answers, read field by field
type Body = Record<string, any>;
type Auth = { Authorization: string };

const FUND = 'WSIS-TF';
const TODAY = todayUtc();
const CURRENCIES = ['CHF', 'EUR', 'USD'] as const;
type Currency = (typeof CURRENCIES)[number];
const BANK: Record<Currency, string> = { CHF: 'CHF-MAIN', EUR: 'EUR-MAIN', USD: 'USD-MAIN' };
const EARMARKS = ['PARTICIPATION-GRANTS', 'UNEARMARKED'] as const;
/** Months the workload closes and reopens (operations dated in a closed month are refused). */
const MONTHS = ['2026-01', '2026-02', '2026-03'] as const;
/** Source types whose receivable lines book or end a pledge (see src/pledges/pledge-status.ts). */
const LIFECYCLE = [
  'pledge-agreement',
  'pledge-amendment',
  'pledge-cancellation',
  'pledge-write-off',
];
/** Tables an operation writes: a refused operation must leave every count as it was. */
const TABLES = [
  'donor',
  'pledge',
  'pledge_instalment',
  'pledge_event',
  'pledge_amendment',
  'receipt',
  'receipt_allocation',
  'receipt_event',
  'journal_entry',
  'journal_line',
  'participation_grant',
  'grant_step',
  'grant_commitment',
  'grant_attribution',
  'bank_statement',
  'bank_statement_line',
  'bank_line_match',
  'donor_document',
  'accounting_period',
  'ledger_month_balance',
  'approval_request',
  'audit_log',
];

/** Amounts as the API writes them: minor units (2 digits) to "1234.50". */
function decimal(minor: bigint): string {
  const sign = minor < 0n ? '-' : '';
  const abs = minor < 0n ? -minor : minor;
  return `${sign}${abs / 100n}.${String(abs % 100n).padStart(2, '0')}`;
}
const minorOf = (amount: string): bigint => {
  const negative = amount.startsWith('-');
  const [whole, cents = ''] = amount.replace('-', '').split('.');
  const value = BigInt(whole) * 100n + BigInt((cents + '00').slice(0, 2));
  return negative ? -value : value;
};
/** A day of 2026 counted from 1 April, never after today (approvals are dated today). */
function dayOf(offset: number): string {
  const date = new Date(Date.UTC(2026, 3, 1 + offset)).toISOString().slice(0, 10);
  return date > TODAY ? TODAY : date;
}

// ---- the commands a workload is made of -------------------------------------------------------

const pick = fc.nat({ max: 10_000 });
/** Days from 1 April: some fall in the months the workload closes (refused while closed). */
const day = fc.integer({ min: -45, max: 230 });
const amount = fc.integer({ min: 20, max: 5_000 }).map((n) => BigInt(n) * 100n);
/** Grant participants come from LDCs (eligible): one full grant per country and event. */
const COUNTRIES = ['ET', 'NP', 'BD', 'SN', 'KH', 'HT', 'MZ', 'UG', 'TZ', 'MW', 'ML', 'NE', 'RW'];
const cents = fc.integer({ min: 1, max: 500_000 }).map(BigInt);

type Command =
  | { kind: 'donor' }
  | {
      kind: 'pledge';
      donor: number;
      currency: Currency;
      earmark: (typeof EARMARKS)[number];
      instalments: bigint[];
      day: number;
    }
  | { kind: 'agree'; pledge: number; day: number }
  | {
      kind: 'receipt';
      donor: number | null;
      currency: Currency;
      gross: bigint;
      charges: bigint;
      mode: 'auto' | 'none' | 'explicit';
      pledge: number;
      part: bigint;
      day: number;
    }
  | { kind: 'allocate'; receipt: number; explicit: boolean; pledge: number; part: bigint }
  | { kind: 'assign-donor'; receipt: number; donor: number }
  | { kind: 'reverse-receipt'; receipt: number; day: number }
  | { kind: 'refund'; receipt: number; part: bigint }
  | { kind: 'amend'; pledge: number; add: bigint; day: number }
  | { kind: 'end-pledge'; pledge: number; how: 'write-off' | 'cancellation'; day: number }
  | { kind: 'grant'; country: string; ticket: bigint; allowance: bigint }
  | { kind: 'disburse'; grant: number; partial: boolean }
  | { kind: 'settle'; grant: number; spentPercent: number }
  | { kind: 'cancel-grant'; grant: number }
  | { kind: 'bank-statement'; receipts: number; interest: bigint; unknown: bigint; day: number }
  | { kind: 'donor-statement'; donor: number; day: number }
  | { kind: 'period'; month: (typeof MONTHS)[number] };

const command: fc.Arbitrary<Command> = fc.oneof(
  { weight: 2, arbitrary: fc.constant({ kind: 'donor' as const }) },
  {
    weight: 5,
    arbitrary: fc.record({
      kind: fc.constant('pledge' as const),
      donor: pick,
      currency: fc.constantFrom(...CURRENCIES),
      earmark: fc.constantFrom(...EARMARKS),
      instalments: fc.array(amount, { minLength: 1, maxLength: 3 }),
      day,
    }),
  },
  { weight: 5, arbitrary: fc.record({ kind: fc.constant('agree' as const), pledge: pick, day }) },
  {
    weight: 8,
    arbitrary: fc.record({
      kind: fc.constant('receipt' as const),
      donor: fc.option(pick, { freq: 5 }),
      currency: fc.constantFrom(...CURRENCIES),
      gross: amount,
      charges: fc.constantFrom(0n, 0n, 1250n, 2500n),
      mode: fc.constantFrom('auto' as const, 'none' as const, 'explicit' as const),
      pledge: pick,
      part: cents,
      day,
    }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('allocate' as const),
      receipt: pick,
      explicit: fc.boolean(),
      pledge: pick,
      part: cents,
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('assign-donor' as const),
      receipt: pick,
      donor: pick,
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({ kind: fc.constant('reverse-receipt' as const), receipt: pick, day }),
  },
  {
    weight: 1,
    arbitrary: fc.record({ kind: fc.constant('refund' as const), receipt: pick, part: cents }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('amend' as const),
      pledge: pick,
      add: fc.bigInt({ min: -20_000n, max: 50_000n }),
      day,
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('end-pledge' as const),
      pledge: pick,
      how: fc.constantFrom('write-off' as const, 'cancellation' as const),
      day,
    }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('grant' as const),
      country: fc.constantFrom(...COUNTRIES),
      ticket: fc.integer({ min: 100, max: 1_500 }).map((n) => BigInt(n) * 100n),
      allowance: fc.integer({ min: 0, max: 800 }).map((n) => BigInt(n) * 100n),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('disburse' as const),
      grant: pick,
      partial: fc.boolean(),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('settle' as const),
      grant: pick,
      spentPercent: fc.integer({ min: 50, max: 100 }),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('cancel-grant' as const), grant: pick }) },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('bank-statement' as const),
      receipts: fc.integer({ min: 1, max: 3 }),
      interest: fc.integer({ min: 1, max: 5_000 }).map(BigInt),
      unknown: fc.constantFrom(0n, 0n, 75_000n),
      day,
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({ kind: fc.constant('donor-statement' as const), donor: pick, day }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('period' as const),
      month: fc.constantFrom(...MONTHS),
    }),
  },
);

/** What the workload created, for later commands to refer to (by index, modulo the count). */
interface Model {
  donors: string[];
  /** `day`: the pledge's latest date (announcement, agreement, amendment), as a dayOf offset. */
  pledges: Array<{
    id: string;
    donorId: string;
    currency: Currency;
    day: number;
    agreed: boolean;
  }>;
  receipts: Array<{ id: string; currency: Currency; donorId: string | null }>;
  grants: string[];
  statements: string[];
  eventId: string;
  outcomes: Record<string, number>;
}

/**
 * A pledge's next date: some days after its latest one, so that most operations are valid; a
 * large `day` (1 in 8) gives any day instead, often before the pledge's dates (refused).
 */
const after = (pledge: { day: number }, day: number): number =>
  day >= 200 ? day - 200 : pledge.day + (day % 25);

const at = <T>(list: readonly T[], index: number): T | undefined =>
  list.length === 0 ? undefined : list[index % list.length];

/**
 * A pledge to allocate the donor's money to: mostly one of its agreed pledges, else one of its
 * own, else any (refused: not this donor's).
 */
function pledgeFor(model: Model, donorId: string | undefined, index: number) {
  const own = model.pledges.filter((p) => p.donorId === donorId);
  const agreed = own.filter((p) => p.agreed);
  return at(
    agreed.length > 0 && index % 5 !== 0 ? agreed : own.length > 0 ? own : model.pledges,
    index,
  );
}

/** Part of an amount: 1 to 120 % of it (over 100 %: more than there is, refused). */
const share = (whole: bigint, part: bigint): bigint => {
  const minor = (whole * (1n + (part % 120n))) / 100n;
  return minor > 0n ? minor : 1n;
};

/**
 * A seeded random workload through the HTTP API (maker and checker for every approval): donors,
 * pledges in CHF, EUR and USD, agreements, receipts allocated explicitly, oldest due first or not
 * at all, later allocations, donor assignment, reversals, refunds, amendments, write-offs and
 * cancellations, grants requested, approved, paid, settled and cancelled, bank statements
 * imported and matched, donor statements issued, months closed and reopened. Operations the
 * generator gets wrong must be refused with a 4xx problem+json and change nothing. After the
 * workload, every figure is recomputed by SQL from the raw rows and compared.
 * Seed: FC_SEED (default below), printed; replay one run with FC_SEED=… FC_PATH=….
 */
describe('invariants after a random workload', () => {
  let db: TestDatabase;
  let app: NestExpressApplication;
  let sql: Client;
  const auth: Record<string, Auth> = {};
  const seed = process.env.FC_SEED === undefined ? 20261128 : Number(process.env.FC_SEED);

  const http = (user: string, method: 'get' | 'post' | 'put', url: string, body?: object) => {
    const req = request(app.getHttpServer())[method](url).set(auth[user]);
    return method === 'get' ? req : req.send(body ?? {});
  };

  async function fingerprint(): Promise<string> {
    const { rows } = await sql.query<Record<string, string>>(
      `SELECT ${TABLES.map((t) => `(SELECT count(*) FROM ${t})::text AS ${t}`).join(', ')},
              (SELECT coalesce(sum(abs(functional_minor)), 0) FROM journal_line)::text AS volume,
              (SELECT string_agg(period || status, ',' ORDER BY period) FROM accounting_period) AS periods`,
    );
    return JSON.stringify(rows[0]);
  }

  /**
   * Sends one request; a refusal must be a 4xx problem+json that changed nothing. Returns the
   * response when it succeeded, else undefined.
   */
  async function attempt(
    model: Model,
    label: string,
    send: () => PromiseLike<Response>,
  ): Promise<Response | undefined> {
    const before = await fingerprint();
    const res = await send();
    if (res.status >= 500) throw new Error(`${label}: ${res.status} ${JSON.stringify(res.body)}`);
    const code = res.status >= 400 ? ` ${String((res.body as Body).code ?? '')}` : '';
    const outcome = `${label} ${res.status}${code}`;
    model.outcomes[outcome] = (model.outcomes[outcome] ?? 0) + 1;
    if (res.status < 400) return res;
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect({ label, state: await fingerprint() }).toEqual({ label, state: before });
    return undefined;
  }

  /** A request that needs a second person: asked by the officer, approved by the approver. */
  async function approved(model: Model, label: string, url: string, body: object): Promise<void> {
    const asked = await attempt(model, label, () => http('officer', 'post', url, body));
    if (asked === undefined) return;
    expect(asked.status).toBe(202);
    // The maker may never be the checker.
    const self = await attempt(model, `${label} self-approval`, () =>
      http('officer', 'post', `/api/v1/approvals/${asked.body.id}/approve`),
    );
    expect(self).toBeUndefined();
    await attempt(model, `${label} approval`, () =>
      http('approver', 'post', `/api/v1/approvals/${asked.body.id}/approve`),
    );
  }

  async function newDonor(model: Model): Promise<void> {
    const res = await attempt(model, 'donor', () =>
      http('officer', 'post', '/api/v1/donors', {
        name: `Donor ${randomUUID().slice(0, 8)}`,
        type: 'member_state',
      }),
    );
    if (res !== undefined) model.donors.push(res.body.id as string);
  }

  async function unappliedOf(receiptId: string): Promise<bigint> {
    const res = await http('officer', 'get', `/api/v1/receipts/${receiptId}`);
    expect(res.status).toBe(200);
    return minorOf(res.body.unapplied.amount as string);
  }

  async function newParticipant(country: string): Promise<string> {
    const { rows } = await sql.query<{ id: string }>(
      `INSERT INTO participant (name, normalized_name, gender, country, organisation,
         stakeholder_group, created_by)
       VALUES ($1, lower($1), 'female', $2, 'Ministry of ICT', 'government', 'test') RETURNING id`,
      [`Participant ${randomUUID().slice(0, 8)}`, country],
    );
    return rows[0].id;
  }

  async function apply(model: Model, cmd: Command): Promise<void> {
    switch (cmd.kind) {
      case 'donor':
        return newDonor(model);
      case 'pledge': {
        const donorId = at(model.donors, cmd.donor);
        if (donorId === undefined) return newDonor(model);
        const total = cmd.instalments.reduce((a, b) => a + b, 0n);
        const res = await attempt(model, 'pledge', () =>
          http('officer', 'post', '/api/v1/pledges', {
            fund: FUND,
            donorId,
            earmark: cmd.earmark,
            currency: cmd.currency,
            amount: decimal(total),
            announcedOn: dayOf(cmd.day),
            instalments: cmd.instalments.map((a, i) => ({
              dueDate: dayOf(cmd.day + 30 * (i + 1)),
              amount: decimal(a),
            })),
          }),
        );
        if (res !== undefined)
          model.pledges.push({
            id: res.body.id,
            donorId,
            currency: cmd.currency,
            day: cmd.day,
            agreed: false,
          });
        return;
      }
      case 'agree': {
        const pledge = at(model.pledges, cmd.pledge);
        if (pledge === undefined) return;
        const on = after(pledge, cmd.day);
        const res = await attempt(model, 'agree', () =>
          http('officer', 'post', `/api/v1/pledges/${pledge.id}/agreement`, {
            agreedOn: dayOf(on),
            documentRef: `AGR-${randomUUID().slice(0, 8)}`,
          }),
        );
        if (res !== undefined) {
          pledge.day = Math.max(pledge.day, on);
          pledge.agreed = true;
        }
        return;
      }
      case 'receipt': {
        const donorId = cmd.donor === null ? undefined : at(model.donors, cmd.donor);
        const pledge = pledgeFor(model, donorId, cmd.pledge);
        // Unknown donors' money waits in suspense; asking to allocate it (1 in 4) is refused.
        const mode = donorId === undefined && cmd.pledge % 4 !== 0 ? 'none' : cmd.mode;
        const body: Body = {
          bankAccount: BANK[cmd.currency],
          valueDate: dayOf(cmd.day),
          currency: cmd.currency,
          grossAmount: decimal(cmd.gross),
          bankCharges: decimal(cmd.charges),
          remitterName: donorId === undefined ? 'UNKNOWN REMITTER' : `Donor ${donorId.slice(0, 8)}`,
          remittanceText: pledge === undefined ? 'Contribution' : `Pledge ${pledge.id.slice(0, 8)}`,
        };
        if (donorId !== undefined) body.donorId = donorId;
        if (mode === 'explicit' && pledge !== undefined)
          body.allocations = [{ pledgeId: pledge.id, amount: decimal(share(cmd.gross, cmd.part)) }];
        else if (mode !== 'explicit') body.allocation = mode;
        const res = await attempt(model, `receipt ${mode}`, () =>
          http('officer', 'post', '/api/v1/receipts', body).set(
            'Idempotency-Key',
            `rw-${randomUUID()}`,
          ),
        );
        if (res !== undefined)
          model.receipts.push({
            id: res.body.id,
            currency: cmd.currency,
            donorId: donorId ?? null,
          });
        return;
      }
      case 'allocate': {
        const receipt = at(model.receipts, cmd.receipt);
        if (receipt === undefined) return;
        const pledge = pledgeFor(model, receipt.donorId ?? undefined, cmd.pledge);
        const unapplied = await unappliedOf(receipt.id);
        const body: Body =
          cmd.explicit && pledge !== undefined
            ? {
                allocations: [{ pledgeId: pledge.id, amount: decimal(share(unapplied, cmd.part)) }],
              }
            : { allocation: 'auto' };
        await attempt(model, cmd.explicit ? 'allocate explicit' : 'allocate auto', () =>
          http('officer', 'post', `/api/v1/receipts/${receipt.id}/allocations`, {
            date: TODAY,
            ...body,
          }),
        );
        return;
      }
      case 'assign-donor': {
        const receipt = at(model.receipts, cmd.receipt);
        const donorId = at(model.donors, cmd.donor);
        if (receipt === undefined || donorId === undefined) return;
        const res = await attempt(model, 'assign donor', () =>
          http('officer', 'post', `/api/v1/receipts/${receipt.id}/donor`, {
            donorId,
            date: TODAY,
          }),
        );
        if (res !== undefined) receipt.donorId = donorId;
        return;
      }
      case 'reverse-receipt': {
        const receipt = at(model.receipts, cmd.receipt);
        if (receipt === undefined) return;
        return approved(model, 'reverse receipt', `/api/v1/receipts/${receipt.id}/reversal`, {
          date: cmd.day >= 200 ? dayOf(cmd.day - 200) : TODAY,
          reason: 'Entered by mistake (random workload)',
        });
      }
      case 'refund': {
        const receipt = at(model.receipts, cmd.receipt);
        if (receipt === undefined) return;
        return approved(model, 'refund', `/api/v1/receipts/${receipt.id}/refund`, {
          amount: decimal(share(await unappliedOf(receipt.id), cmd.part)),
          date: TODAY,
          reason: 'Overpayment returned (random workload)',
        });
      }
      case 'amend': {
        const pledge = at(model.pledges, cmd.pledge);
        if (pledge === undefined) return;
        const current = (await http('officer', 'get', `/api/v1/pledges/${pledge.id}`)).body;
        const last = (current.instalments as Body[]).at(-1);
        if (last === undefined) return;
        const newAmount = minorOf(current.amount.amount) + cmd.add;
        const lastAmount = minorOf(last.amount.amount) + cmd.add;
        const on = after(pledge, cmd.day);
        const res = await attempt(model, 'amend', () =>
          http('officer', 'post', `/api/v1/pledges/${pledge.id}/amendments`, {
            date: dayOf(on),
            reason: 'Donor letter (random workload)',
            amount: decimal(newAmount),
            instalments:
              cmd.add > 0n && cmd.add % 2n === 0n
                ? { add: [{ dueDate: dayOf(cmd.day + 60), amount: decimal(cmd.add) }] }
                : { change: [{ seq: last.seq, amount: decimal(lastAmount) }] },
          }),
        );
        if (res !== undefined) pledge.day = Math.max(pledge.day, on);
        return;
      }
      case 'end-pledge': {
        const pledge = at(model.pledges, cmd.pledge);
        if (pledge === undefined) return;
        return approved(model, cmd.how, `/api/v1/pledges/${pledge.id}/${cmd.how}`, {
          date: dayOf(after(pledge, cmd.day)),
          reason: 'Donor cannot pay (random workload)',
        });
      }
      case 'grant': {
        const participantId = await newParticipant(cmd.country);
        const res = await attempt(model, 'grant', () =>
          http('officer', 'post', '/api/v1/grants', {
            eventId: model.eventId,
            participantId,
            kind: 'full',
            ticket: decimal(cmd.ticket),
            allowance: decimal(cmd.allowance),
            decisionDate: '2026-06-01',
          }),
        );
        if (res === undefined) return;
        model.grants.push(res.body.id as string);
        return approved(model, 'grant approval', `/api/v1/grants/${res.body.id}/approval`, {});
      }
      case 'disburse': {
        const grant = at(model.grants, cmd.grant);
        if (grant === undefined) return;
        const current = (await http('officer', 'get', `/api/v1/grants/${grant}`)).body;
        const part = cmd.partial ? minorOf(current.amount.amount) / 2n : undefined;
        await attempt(model, 'disburse', () =>
          http('officer', 'post', `/api/v1/grants/${grant}/disbursement`, {
            date: TODAY,
            bankAccount: BANK.CHF,
            ...(part === undefined ? {} : { amount: decimal(part), reason: 'First half' }),
          }),
        );
        return;
      }
      case 'settle': {
        const grant = at(model.grants, cmd.grant);
        if (grant === undefined) return;
        const current = (await http('officer', 'get', `/api/v1/grants/${grant}`)).body;
        const cost = (minorOf(current.amount.amount) * BigInt(cmd.spentPercent)) / 100n;
        const settled = await attempt(model, 'settle', () =>
          http('officer', 'post', `/api/v1/grants/${grant}/settlement`, {
            date: TODAY,
            actualCost: decimal(cost),
            bankAccount: BANK.CHF,
            reason: 'Travel cost as invoiced',
          }),
        );
        // Beyond what was approved, a settlement waits for a second person.
        if (settled?.status === 202)
          await attempt(model, 'settle approval', () =>
            http('approver', 'post', `/api/v1/approvals/${settled.body.id}/approve`),
          );
        return;
      }
      case 'cancel-grant': {
        const grant = at(model.grants, cmd.grant);
        if (grant === undefined) return;
        await attempt(model, 'cancel grant', () =>
          http('officer', 'post', `/api/v1/grants/${grant}/cancellation`, {
            date: TODAY,
            reason: 'Participant withdrew',
          }),
        );
        return;
      }
      case 'bank-statement':
        return bankStatement(model, cmd);
      case 'donor-statement': {
        const donorId = at(model.donors, cmd.donor);
        if (donorId === undefined) return;
        const res = await attempt(model, 'donor statement', () =>
          http('officer', 'post', '/api/v1/donor-statements', {
            donorId,
            fund: FUND,
            from: '2026-04-01',
            to: dayOf(cmd.day),
          }),
        );
        if (res === undefined) return;
        model.statements.push(res.body.id as string);
        // Immutable once issued: it must tie to the ledger as it stands when issued.
        await statementTies(res.body.id as string);
        return;
      }
      case 'period': {
        const { rows } = await sql.query<{ status: string }>(
          `SELECT p.status FROM accounting_period p JOIN fund f ON f.id = p.fund_id
            WHERE f.code = $1 AND p.period = $2`,
          [FUND, cmd.month],
        );
        if (rows[0]?.status === 'closed')
          return approved(model, 'reopen', `/api/v1/funds/${FUND}/periods/${cmd.month}/reopen`, {
            reason: 'Random workload',
          });
        await attempt(model, 'close', () =>
          http('officer', 'post', `/api/v1/funds/${FUND}/periods/${cmd.month}/close`, {}),
        );
        return;
      }
    }
  }

  /**
   * A CSV statement of CHF-MAIN with the net credits of some recorded receipts, bank interest and
   * perhaps a credit nobody recorded; then matching is run and what it suggests is confirmed, the
   * interest posted as not a contribution, the unknown credit recorded as an unidentified receipt.
   */
  async function bankStatement(
    model: Model,
    cmd: Extract<Command, { kind: 'bank-statement' }>,
  ): Promise<void> {
    const chf = model.receipts.filter((r) => r.currency === 'CHF').slice(-cmd.receipts);
    const rows: string[] = [];
    for (const receipt of chf) {
      const r = (await http('officer', 'get', `/api/v1/receipts/${receipt.id}`)).body;
      const [y, m, d] = (r.valueDate as string).split('-');
      rows.push(`${d}.${m}.${y};${r.net.amount};${r.remitterName ?? 'Donor'};${r.number}`);
    }
    const [y, m, d] = dayOf(cmd.day).split('-');
    rows.push(`${d}.${m}.${y};${decimal(cmd.interest)};Bank;INTEREST ${randomUUID().slice(0, 6)}`);
    if (cmd.unknown > 0n) rows.push(`${d}.${m}.${y};${decimal(cmd.unknown)};Somebody;Gift`);
    const content = Buffer.from(`Date;Amount;Name;Text\n${rows.join('\n')}\n`).toString('base64');
    const imported = await attempt(model, 'import statement', () =>
      http('officer', 'post', '/api/v1/bank-statements', {
        bankAccount: BANK.CHF,
        fileName: `statement-${randomUUID().slice(0, 8)}.csv`,
        content,
      }),
    );
    if (imported === undefined) return;
    await attempt(model, 'match run', () =>
      http('officer', 'post', '/api/v1/bank-reconciliation/run', { bankAccount: BANK.CHF }),
    );
    const listed = await http(
      'officer',
      'get',
      `/api/v1/bank-reconciliation/lines?bankAccount=${BANK.CHF}&status=unmatched`,
    );
    expect(listed.status).toBe(200);
    for (const line of listed.body.lines as Body[]) {
      const suggestion = (line.suggestions as Body[] | undefined)?.[0];
      if (suggestion !== undefined) {
        const confirmed = await attempt(model, 'match confirm', () =>
          http('officer', 'post', `/api/v1/bank-reconciliation/lines/${line.id}/confirm`, {
            receiptIds: (suggestion.receipts as Body[]).map((r) => r.id),
            reason: 'Random workload',
          }),
        );
        if (confirmed?.status === 202)
          await attempt(model, 'match approval', () =>
            http('approver', 'post', `/api/v1/approvals/${confirmed.body.id}/approve`),
          );
      } else if (String(line.remittanceText ?? '').startsWith('INTEREST')) {
        await attempt(model, 'not contribution', () =>
          http('officer', 'post', `/api/v1/bank-reconciliation/lines/${line.id}/not-contribution`, {
            classification: 'interest',
            account: '4200',
            description: 'Interest',
          }),
        );
      } else if (line.counterpartyName === 'Somebody') {
        const created = await attempt(model, 'receipt from line', () =>
          http('officer', 'post', `/api/v1/bank-reconciliation/lines/${line.id}/create-receipt`, {
            allocation: 'none',
          }),
        );
        const receiptId = created?.body.receiptId as string | undefined;
        if (receiptId !== undefined)
          model.receipts.push({ id: receiptId, currency: 'CHF', donorId: null });
      }
    }
  }

  // ---- the invariants, by SQL on the raw rows --------------------------------------------------

  /** The donor's functional balance of an account from its raw lines, dated from/to (inclusive). */
  async function donorLines(
    donorId: string,
    account: string,
    from: string | null,
    to: string,
  ): Promise<bigint> {
    const { rows } = await sql.query<{ total: string }>(
      `SELECT coalesce(sum(l.functional_minor), 0)::text AS total
         FROM journal_line l JOIN account a ON a.id = l.account_id JOIN fund f ON f.id = l.fund_id
        WHERE f.code = $1 AND a.code = $2 AND l.donor_id = $3
          AND ($4::date IS NULL OR l.entry_date >= $4::date) AND l.entry_date <= $5::date`,
      [FUND, account, donorId, from, to],
    );
    return BigInt(rows[0].total);
  }

  async function statementTies(documentId: string): Promise<void> {
    const { rows } = await sql.query<{ data: Body; donor_id: string; from: string; to: string }>(
      `SELECT data, donor_id, to_char(period_from, 'YYYY-MM-DD') AS from,
              to_char(period_to, 'YYYY-MM-DD') AS to FROM donor_document WHERE id = $1`,
      [documentId],
    );
    const { data, donor_id: donorId, from, to } = rows[0];
    const dayBefore = new Date(Date.parse(`${from}T00:00:00Z`) - 86_400_000)
      .toISOString()
      .slice(0, 10);
    const sections = data.sections as Body[];
    const section = sections.find((s) => s.fund.code === FUND);
    const opening = await donorLines(donorId, '1100', null, dayBefore);
    const closing = await donorLines(donorId, '1100', null, to);
    const unapplied = -(await donorLines(donorId, '2000', null, to));
    if (section === undefined) {
      expect({ opening, closing, unapplied }).toEqual({ opening: 0n, closing: 0n, unapplied: 0n });
      return;
    }
    const m = (value: Body): bigint => minorOf(value.amount as string);
    expect({
      document: documentId,
      opening: m(section.openingOutstanding),
      closing: m(section.closingOutstanding),
      unapplied: m(section.unappliedCredit),
    }).toEqual({ document: documentId, opening, closing, unapplied });
    // The statement rolls forward from its opening to its closing balance.
    expect(
      m(section.openingOutstanding) +
        m(section.pledgedTotal) -
        m(section.receivedTotal) +
        m(section.exchangeDifferences) -
        m(section.writtenOffTotal) -
        m(section.cancelledAndAdjusted),
    ).toBe(m(section.closingOutstanding));
    const { rows: writeOffs } = await sql.query<{ total: string }>(
      `SELECT coalesce(-sum(l.functional_minor), 0)::text AS total
         FROM journal_line l JOIN account a ON a.id = l.account_id
         JOIN journal_entry e ON e.id = l.entry_id
         LEFT JOIN journal_entry o ON o.id = e.reverses_entry_id
        WHERE a.code = '1100' AND l.donor_id = $1 AND l.entry_date BETWEEN $2 AND $3
          AND coalesce(o.source_type, e.source_type) = 'pledge-write-off'`,
      [donorId, from, to],
    );
    expect(m(section.writtenOffTotal)).toBe(BigInt(writeOffs[0].total));
  }

  async function checkTrialBalance(): Promise<void> {
    const perCurrency = await sql.query<{ fund: string; currency: string; total: string }>(
      `SELECT f.code AS fund, l.currency, sum(l.amount_minor)::text AS total
         FROM journal_line l JOIN fund f ON f.id = l.fund_id GROUP BY f.code, l.currency`,
    );
    for (const row of perCurrency.rows) expect(row).toEqual({ ...row, total: '0' });
    const functional = await sql.query<{ fund: string; total: string }>(
      `SELECT f.code AS fund, sum(l.functional_minor)::text AS total
         FROM journal_line l JOIN fund f ON f.id = l.fund_id GROUP BY f.code`,
    );
    for (const row of functional.rows) expect(row).toEqual({ ...row, total: '0' });
    // Every entry on its own, too.
    const unbalanced = await sql.query(
      `SELECT entry_id, currency FROM journal_line GROUP BY entry_id, currency
       HAVING sum(amount_minor) <> 0
       UNION ALL
       SELECT entry_id, NULL FROM journal_line GROUP BY entry_id HAVING sum(functional_minor) <> 0`,
    );
    expect(unbalanced.rows).toEqual([]);
    const trial = await http('auditor', 'get', `/api/v1/funds/${FUND}/trial-balance`);
    expect(trial.status).toBe(200);
    expect(trial.body.balanced).toBe(true);
    expect(trial.body.totalDebit).toEqual(trial.body.totalCredit);
  }

  async function checkAuditChain(): Promise<void> {
    const verified = await http('auditor', 'get', '/api/v1/audit/verify');
    expect(verified.status).toBe(200);
    const { rows } = await sql.query<{ n: string; broken: string; last: string | null }>(
      `SELECT count(*)::text AS n,
              count(*) FILTER (WHERE prev IS DISTINCT FROM prev_hash)::text AS broken,
              (array_agg(hash ORDER BY id DESC))[1] AS last
         FROM (SELECT id, hash, prev_hash, lag(hash) OVER (ORDER BY id) AS prev FROM audit_log) c`,
    );
    expect(verified.body).toMatchObject({ ok: true, checked: Number(rows[0].n) });
    expect(verified.body.lastHash).toBe(rows[0].last);
    expect(rows[0].broken).toBe('0');
  }

  /** Checks every pledge; gives each donor's receivable as its pledges show it (functional). */
  async function checkPledges(model: Model): Promise<Map<string, bigint>> {
    const receivables = new Map<string, bigint>();
    for (const { id, donorId } of model.pledges) {
      const res = await http('auditor', 'get', `/api/v1/pledges/${id}`);
      expect(res.status).toBe(200);
      const p = res.body;
      receivables.set(
        donorId,
        (receivables.get(donorId) ?? 0n) + minorOf(p.outstandingFunctional.amount),
      );
      const { rows: lines } = await sql.query<{ kind: string; amount: string; functional: string }>(
        `SELECT coalesce(o.source_type, e.source_type) AS kind, sum(l.amount_minor)::text AS amount,
                sum(l.functional_minor)::text AS functional
           FROM journal_line l JOIN account a ON a.id = l.account_id
           JOIN journal_entry e ON e.id = l.entry_id
           LEFT JOIN journal_entry o ON o.id = e.reverses_entry_id
          WHERE a.code = '1100' AND l.pledge_id = $1 AND l.entry_date <= $2
          GROUP BY 1`,
        [id, TODAY],
      );
      const sum = (filter: (kind: string) => boolean) =>
        lines.filter((l) => filter(l.kind)).reduce((t, l) => t + BigInt(l.amount), 0n);
      const outstanding = sum(() => true);
      const paid = -sum((kind) => !LIFECYCLE.includes(kind));
      const { rows: allocations } = await sql.query<{ seq: number; total: string }>(
        `SELECT instalment_seq AS seq, sum(pledge_amount_minor)::text AS total
           FROM receipt_allocation WHERE pledge_id = $1 AND allocated_on <= $2 GROUP BY 1`,
        [id, TODAY],
      );
      const allocated = new Map(allocations.map((a) => [Number(a.seq), BigInt(a.total)]));
      const allocatedTotal = [...allocated.values()].reduce((a, b) => a + b, 0n);
      expect({
        pledge: p.reference,
        outstanding: minorOf(p.outstanding.amount),
        outstandingFunctional: minorOf(p.outstandingFunctional.amount),
        paid: minorOf(p.paid.amount),
        writtenOff: minorOf(p.writtenOff.amount),
        // Only receipts pay pledges here: their allocations are what the receivable lost.
        allocated: allocatedTotal,
      }).toEqual({
        pledge: p.reference,
        outstanding,
        outstandingFunctional: lines.reduce((t, l) => t + BigInt(l.functional), 0n),
        paid,
        writtenOff: -sum((kind) => kind === 'pledge-write-off'),
        allocated: paid,
      });
      // Per instalment: explicit allocations first, then the rest oldest due first.
      const { rows: schedule } = await sql.query<{ seq: number; amount: string }>(
        `SELECT seq, amount_minor::text AS amount FROM pledge_instalment
          WHERE pledge_id = $1 ORDER BY due_date, seq`,
        [id],
      );
      const explicit = schedule.map((i) => {
        const a = allocated.get(Number(i.seq)) ?? 0n;
        const cap = BigInt(i.amount);
        return a < 0n ? 0n : a > cap ? cap : a;
      });
      let rest = paid - explicit.reduce((a, b) => a + b, 0n);
      const expected = schedule.map((i, index) => {
        const room = BigInt(i.amount) - explicit[index];
        const take = rest <= 0n ? 0n : rest < room ? rest : room;
        rest -= take;
        return { seq: Number(i.seq), paid: decimal(explicit[index] + take) };
      });
      const shown = (p.instalments as Body[])
        .map((i) => ({ seq: i.seq as number, paid: i.paid.amount as string }))
        .sort((a, b) => a.seq - b.seq);
      expect({ pledge: p.reference, instalments: shown }).toEqual({
        pledge: p.reference,
        instalments: expected.sort((a, b) => a.seq - b.seq),
      });
      if (p.status !== 'announced' && p.status !== 'cancelled' && p.status !== 'written-off') {
        const total = minorOf(p.amount.amount);
        const cleared =
          total - outstanding < 0n ? 0n : total - outstanding > total ? total : total - outstanding;
        const due = (p.instalments as Body[]).reduce((t, i) => t + minorOf(i.amountDue.amount), 0n);
        expect({ pledge: p.reference, due }).toEqual({ pledge: p.reference, due: total - cleared });
      }
    }
    return receivables;
  }

  async function checkReceiptsAndDonors(
    model: Model,
    receivables: Map<string, bigint>,
  ): Promise<void> {
    const unappliedByDonor = new Map<string, bigint>();
    for (const { id } of model.receipts) {
      const res = await http('auditor', 'get', `/api/v1/receipts/${id}`);
      expect(res.status).toBe(200);
      const r = res.body;
      const { rows } = await sql.query<Record<string, string>>(
        `SELECT (SELECT coalesce(-sum(l.amount_minor), 0) FROM journal_line l
                   JOIN account a ON a.id = l.account_id
                  WHERE l.receipt_id = r.id AND a.code IN ('2000', '2300'))::text AS unapplied,
                (SELECT coalesce(-sum(l.functional_minor), 0) FROM journal_line l
                   JOIN account a ON a.id = l.account_id
                  WHERE l.receipt_id = r.id AND a.code IN ('2000', '2300'))::text AS unapplied_functional,
                (SELECT coalesce(sum(amount_minor), 0) FROM receipt_allocation
                  WHERE receipt_id = r.id)::text AS allocated,
                (SELECT coalesce(sum(amount_minor), 0) FROM receipt_event
                  WHERE receipt_id = r.id AND kind = 'refunded')::text AS refunded,
                (SELECT count(*) FROM receipt_event
                  WHERE receipt_id = r.id AND kind = 'reversed')::text AS reversed,
                r.gross_minor::text AS gross
           FROM receipt r WHERE r.id = $1`,
        [id],
      );
      const raw = rows[0];
      expect({
        receipt: r.number,
        unapplied: minorOf(r.unapplied.amount),
        allocated: minorOf(r.allocated.amount),
      }).toEqual({
        receipt: r.number,
        unapplied: BigInt(raw.unapplied),
        allocated: BigInt(raw.allocated),
      });
      // Money is conserved: what arrived was applied, is still unapplied or went back.
      if (raw.reversed === '0')
        expect({ receipt: r.number, gross: BigInt(raw.gross) }).toEqual({
          receipt: r.number,
          gross: BigInt(raw.allocated) + BigInt(raw.unapplied) + BigInt(raw.refunded),
        });
      else
        expect({ receipt: r.number, left: BigInt(raw.unapplied) + BigInt(raw.allocated) }).toEqual({
          receipt: r.number,
          left: 0n,
        });
      expect(BigInt(raw.unapplied)).toBeGreaterThanOrEqual(0n);
      const donorId = (r.donor?.id ?? null) as string | null;
      if (donorId !== null)
        unappliedByDonor.set(
          donorId,
          (unappliedByDonor.get(donorId) ?? 0n) + BigInt(raw.unapplied_functional),
        );
    }
    // Donor balances: the ledger's per-donor receivable and unapplied credit equal the figures of
    // its pledges and receipts.
    for (const donorId of model.donors) {
      const receivable = receivables.get(donorId) ?? 0n;
      expect({ donorId, receivable }).toEqual({
        donorId,
        receivable: await donorLines(donorId, '1100', null, TODAY),
      });
      expect({ donorId, unapplied: unappliedByDonor.get(donorId) ?? 0n }).toEqual({
        donorId,
        unapplied: -(await donorLines(donorId, '2000', null, TODAY)),
      });
    }
  }

  async function checkFundPosition(): Promise<void> {
    const res = await http(
      'auditor',
      'get',
      `/api/v1/reports/fund-position?fund=${FUND}&ties=true`,
    );
    expect(res.status).toBe(200);
    const fund = (res.body.funds as Body[]).find((f) => f.fund === FUND) as Body;
    expect(fund.tiesAll).toBe(true);
    const { rows } = await sql.query<{ earmark: string | null; code: string; total: string }>(
      `SELECT e.code AS earmark, a.code, sum(l.functional_minor)::text AS total
         FROM journal_line l JOIN account a ON a.id = l.account_id JOIN fund f ON f.id = l.fund_id
         LEFT JOIN earmark e ON e.id = l.earmark_id
        WHERE f.code = $1 AND l.entry_date <= $2 GROUP BY e.code, a.code`,
      [FUND, TODAY],
    );
    const { rows: commitments } = await sql.query<{ earmark: string; total: string }>(
      `SELECT e.code AS earmark, sum(c.amount_minor)::text AS total
         FROM grant_commitment c JOIN earmark e ON e.id = c.earmark_id
        WHERE c.effective_on <= $1 GROUP BY e.code`,
      [TODAY],
    );
    for (const line of fund.earmarks as Body[]) {
      const of = (codes: string[]) =>
        rows
          .filter((r) => r.earmark === line.earmark && codes.includes(r.code))
          .reduce((t, r) => t + BigInt(r.total), 0n);
      expect({
        earmark: line.earmark,
        agreed: minorOf(line.agreed.amount),
        conditional: minorOf(line.conditional.amount),
        outstanding: minorOf(line.outstanding.booked.amount),
        writtenOff: minorOf(line.writtenOff.amount),
        disbursed: minorOf(line.disbursed.amount),
        received: minorOf(line.received.amount),
        committed: minorOf(line.committed.amount),
      }).toEqual({
        earmark: line.earmark,
        agreed: -of(['4000']),
        conditional: -of(['2100']),
        outstanding: of(['1100']),
        writtenOff: of(['5300']),
        disbursed: of(['1200', '5000', '5400']),
        received: -of(['4000', '2100', '5300', '1100']),
        committed: BigInt(commitments.find((c) => c.earmark === line.earmark)?.total ?? '0'),
      });
    }
  }

  async function checkGrants(model: Model): Promise<void> {
    for (const id of model.grants) {
      const res = await http('auditor', 'get', `/api/v1/grants/${id}`);
      expect(res.status).toBe(200);
      const { rows } = await sql.query<{ committed: string; attributed: string; advance: string }>(
        `SELECT (SELECT coalesce(sum(amount_minor), 0) FROM grant_commitment
                  WHERE grant_id = $1)::text AS committed,
                (SELECT coalesce(sum(amount_minor), 0) FROM grant_attribution
                  WHERE grant_id = $1)::text AS attributed,
                (SELECT coalesce(sum(l.functional_minor), 0) FROM journal_line l
                   JOIN account a ON a.id = l.account_id JOIN journal_entry e ON e.id = l.entry_id
                  WHERE a.code = '1200' AND e.id IN (SELECT entry_id FROM grant_step
                                                      WHERE grant_id = $1))::text AS advance`,
        [id],
      );
      const g = res.body;
      expect({ grant: g.number, committed: minorOf(g.committed.amount) }).toEqual({
        grant: g.number,
        committed: BigInt(rows[0].committed),
      });
      expect(BigInt(rows[0].committed)).toBeGreaterThanOrEqual(0n);
      expect(BigInt(rows[0].advance)).toBeGreaterThanOrEqual(0n);
      expect(BigInt(rows[0].attributed)).toBeLessThanOrEqual(minorOf(g.amount.amount));
    }
    const funds = await http(
      'auditor',
      'get',
      `/api/v1/funds/${FUND}/earmarks/PARTICIPATION-GRANTS/available`,
    );
    expect(funds.status).toBe(200);
    const { rows } = await sql.query<{ committed: string; spent: string }>(
      `SELECT (SELECT coalesce(sum(c.amount_minor), 0) FROM grant_commitment c
                 JOIN earmark e ON e.id = c.earmark_id WHERE e.code = 'PARTICIPATION-GRANTS')::text
                AS committed,
              (SELECT coalesce(sum(l.functional_minor), 0) FROM journal_line l
                 JOIN account a ON a.id = l.account_id JOIN earmark e ON e.id = l.earmark_id
                WHERE e.code = 'PARTICIPATION-GRANTS' AND a.code IN ('1200', '5000', '5400'))::text
                AS spent`,
    );
    expect({
      committed: minorOf(funds.body.committed.amount),
      spent: minorOf(funds.body.spent.amount),
    }).toEqual({ committed: BigInt(rows[0].committed), spent: BigInt(rows[0].spent) });
    // What may still be approved is what was received less what is committed or spent, and it
    // is never negative (DESIGN.md): a reversal that would take money grants use is refused.
    expect(minorOf(funds.body.available.amount)).toBe(
      minorOf(funds.body.received.amount) - BigInt(rows[0].committed) - BigInt(rows[0].spent),
    );
    expect(minorOf(funds.body.available.amount)).toBeGreaterThanOrEqual(0n);
    // No grant stays attributed to money that was reversed.
    const stale = await sql.query<{ allocation: string; held: string }>(
      `SELECT ga.receipt_allocation_id AS allocation, sum(ga.amount_minor)::text AS held
         FROM grant_attribution ga
        WHERE EXISTS (SELECT 1 FROM receipt_allocation rv
                       WHERE rv.reverses_allocation_id = ga.receipt_allocation_id)
        GROUP BY ga.receipt_allocation_id HAVING sum(ga.amount_minor) <> 0`,
    );
    expect(stale.rows).toEqual([]);
  }

  async function checkMonthBalances(): Promise<void> {
    const { rows } = await sql.query<{ period: string; status: string }>(
      `SELECT p.period, p.status FROM accounting_period p JOIN fund f ON f.id = p.fund_id
        WHERE f.code = $1`,
      [FUND],
    );
    for (const { period, status } of rows) {
      const kept = await sql.query<Record<string, string>>(
        `SELECT account_id, earmark_id, currency, amount_minor::text AS amount,
                functional_minor::text AS functional, line_count::text AS lines
           FROM ledger_month_balance b JOIN fund f ON f.id = b.fund_id
          WHERE f.code = $1 AND b.period = $2 ORDER BY 1, 2, 3`,
        [FUND, period],
      );
      const raw = await sql.query<Record<string, string>>(
        `SELECT account_id, earmark_id, currency, sum(amount_minor)::text AS amount,
                sum(functional_minor)::text AS functional, count(*)::text AS lines
           FROM journal_line l JOIN fund f ON f.id = l.fund_id
          WHERE f.code = $1 AND to_char(l.entry_date, 'YYYY-MM') = $2
          GROUP BY 1, 2, 3 ORDER BY 1, 2, 3`,
        [FUND, period],
      );
      expect({ period, status, kept: kept.rows }).toEqual({
        period,
        status,
        kept: status === 'closed' ? raw.rows : [],
      });
    }
  }

  beforeAll(async () => {
    db = await createTestDatabase();
    for (const currency of CURRENCIES)
      await addBankAccount(db.url, { code: BANK[currency], currency, id: randomUUID() });
    app = await createTestApp(db, { env: { API_RATE_LIMIT_PER_MINUTE: '100000' } });
    sql = await connect(db.url);
    const users = new TestUsers(app);
    const roles: Record<string, Role[]> = {
      officer: ['finance_officer'],
      approver: ['approver'],
      auditor: ['auditor'],
    };
    for (const [name, held] of Object.entries(roles)) auth[name] = await users.auth(name, held);
    // UN operational rates (units per USD), changing during the year: realised FX differences.
    for (const [currency, effectiveFrom, unitsPerUsd] of [
      ['CHF', '2025-01-01', '0.9012'],
      ['CHF', '2026-06-01', '0.8817'],
      ['CHF', '2026-09-01', '0.8123'],
      ['EUR', '2025-01-01', '0.9217'],
      ['EUR', '2026-07-01', '0.8839'],
    ]) {
      const res = await http('officer', 'post', '/api/v1/exchange-rates', {
        currency,
        effectiveFrom,
        unitsPerUsd,
      });
      expect(res.status).toBe(201);
    }
    const mapping = await http('officer', 'put', `/api/v1/bank-accounts/${BANK.CHF}/csv-mapping`, {
      delimiter: ';',
      dateFormat: 'DD.MM.YYYY',
      decimalSeparator: '.',
      columns: {
        bookingDate: 'Date',
        amount: 'Amount',
        counterpartyName: 'Name',
        remittanceText: 'Text',
      },
      currency: 'CHF',
    });
    expect(mapping.status).toBe(200);
  });

  /** An event of the fund's participation grants (reference data, as other tests make it). */
  async function newEvent(): Promise<string> {
    const { rows } = await sql.query<{ id: string }>(
      `INSERT INTO grant_event (fund_id, earmark_id, code, name, place, starts_on, ends_on,
         budget_minor, eligibility_rule, offers_full, offers_partial_ticket,
         offers_partial_allowance, offers_remote, remote_amount_minor, created_by)
       SELECT f.id, e.id, $2, 'WSIS Forum', 'Geneva', '2026-07-07', '2026-07-11',
              1000000000, 'ldc-and-developing', true, true, true, false, NULL, 'test'
         FROM fund f JOIN earmark e ON e.fund_id = f.id AND e.code = 'PARTICIPATION-GRANTS'
        WHERE f.code = $1 RETURNING grant_event.id`,
      [FUND, `RW-${randomUUID().slice(0, 8).toUpperCase()}`],
    );
    return rows[0].id;
  }

  afterAll(async () => {
    await sql?.end();
    await app?.close();
    await db?.drop();
  });

  it('keeps the books whole: trial balance, statements, audit chain and every derived figure', async () => {
    console.log(
      `random workload: FC_SEED=${seed}${process.env.FC_PATH ? ` FC_PATH=${process.env.FC_PATH}` : ''}`,
    );
    const outcomes: Record<string, number> = {};
    await fc.assert(
      fc.asyncProperty(fc.array(command, { minLength: 40, maxLength: 55 }), async (commands) => {
        // Each run is a workload of its own (new donors, pledges, receipts), on the books the
        // earlier runs left: every invariant holds for the whole database.
        const model: Model = {
          donors: [],
          pledges: [],
          receipts: [],
          grants: [],
          statements: [],
          eventId: await newEvent(),
          outcomes,
        };
        // First a donor whose earmarked money is received, so that grants can be approved.
        const funding: Command[] = [
          { kind: 'donor' },
          {
            kind: 'pledge',
            donor: 0,
            currency: 'CHF',
            earmark: 'PARTICIPATION-GRANTS',
            instalments: [1_500_000n],
            day: 0,
          },
          { kind: 'agree', pledge: 0, day: 5 },
          {
            kind: 'receipt',
            donor: 0,
            currency: 'CHF',
            gross: 1_000_000n,
            charges: 0n,
            mode: 'auto',
            pledge: 0,
            part: 0n,
            day: 20,
          },
          // And a donor with pledges in CHF (the fund's currency) and in EUR paid by one EUR
          // receipt with charges, oldest due first, in June (1 EUR = 0.8817 / 0.9217 CHF): the
          // rounding of its CHF value is left over on a part that pays a CHF pledge in full.
          { kind: 'donor' },
          ...(['CHF', 'CHF', 'EUR'] as const).map((currency, index): Command => ({
            kind: 'pledge',
            donor: 1,
            currency,
            earmark: 'UNEARMARKED',
            instalments: [currency === 'EUR' ? 30_000n : 80_000n],
            day: 1 + index,
          })),
          ...[1, 2, 3].map((pledge): Command => ({ kind: 'agree', pledge, day: 5 })),
          {
            kind: 'receipt',
            donor: 1,
            currency: 'EUR',
            gross: 123_456n,
            charges: 789n,
            mode: 'auto',
            pledge: 1,
            part: 0n,
            day: 75,
          },
        ];
        for (const cmd of [...funding, ...commands]) {
          await apply(model, cmd);
        }
        // An entry the ledger refuses is the application's mistake, never the generator's.
        expect(Object.keys(outcomes).filter((o) => o.endsWith(' invalid-entry'))).toEqual([]);
        // And a statement up to today for the run's first donor, whatever the workload did.
        if (model.donors.length > 0)
          await apply(model, { kind: 'donor-statement', donor: 0, day: 1_000 });
        await checkTrialBalance();
        await checkAuditChain();
        await checkReceiptsAndDonors(model, await checkPledges(model));
        await checkFundPosition();
        await checkGrants(model);
        await checkMonthBalances();
      }),
      { numRuns: 3, seed, path: process.env.FC_PATH, endOnFailure: true },
    );
    console.log(
      Object.entries(outcomes)
        .sort()
        .map(([k, v]) => `${k}: ${v}`)
        .join('\n'),
    );
    // The workload must have moved money, not only been refused.
    for (const done of ['receipt auto 201', 'agree 200', 'pledge 201'])
      expect(outcomes[done] ?? 0).toBeGreaterThan(0);
  }, 600_000);
});
