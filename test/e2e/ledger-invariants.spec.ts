import { NestExpressApplication } from '@nestjs/platform-express';
import fc from 'fast-check';
import { Client } from 'pg';
import { Actor } from '../../src/common/actor';
import { TransactionRunner } from '../../src/database/transaction-runner';
import { BalancesService } from '../../src/ledger/balances.service';
import { JournalService } from '../../src/ledger/journal.service';
import { RatesService } from '../../src/rates/rates.service';
import { addBankAccount, BANK_ACCOUNT } from '../support/ledger-fixtures';
import { createTestApp } from '../support/test-app';
import { connect, createTestDatabase, TestDatabase } from '../support/test-database';

const FUND = 'WSIS-TF';
const DONORS = [
  '11111111-1111-4111-8111-111111111111',
  '22222222-2222-4222-8222-222222222222',
  '33333333-3333-4333-8333-333333333333',
];
const EARMARKS = ['UNEARMARKED', 'PARTICIPATION-GRANTS', 'WSIS20-REVIEW'];

type Dims = { donorId?: string; earmark?: string; bankAccountId?: string };

/** Accounts the workload posts to, each with the dimensions its chart entry asks for. */
const ACCOUNTS: Array<{ code: string; dims: fc.Arbitrary<Dims> }> = [
  { code: '1000', dims: fc.constant({ bankAccountId: BANK_ACCOUNT }) },
  {
    code: '1100',
    dims: fc.record(
      { donorId: fc.constantFrom(...DONORS), earmark: fc.constantFrom(...EARMARKS) },
      { requiredKeys: ['donorId'] },
    ),
  },
  { code: '2000', dims: fc.record({ donorId: fc.constantFrom(...DONORS) }) },
  { code: '2300', dims: fc.constant({}) },
  { code: '4000', dims: fc.record({ earmark: fc.constantFrom(...EARMARKS) }) },
  { code: '5100', dims: fc.constant({}) },
  { code: '5200', dims: fc.constant({}) },
];

interface LineSpec {
  account: string;
  dims: Dims;
  minor: bigint;
}
interface PostCommand {
  kind: 'post';
  currency: 'CHF' | 'EUR' | 'USD';
  date: string;
  lines: LineSpec[];
}
interface ReverseCommand {
  kind: 'reverse';
  pick: number;
}
type Command = PostCommand | ReverseCommand;

const line = fc.integer({ min: 0, max: ACCOUNTS.length - 1 }).chain((i) =>
  fc.record({
    account: fc.constant(ACCOUNTS[i].code),
    dims: ACCOUNTS[i].dims,
    minor: fc.bigInt({ min: -50_000_000n, max: 50_000_000n }).filter((n) => n !== 0n),
  }),
);

// n-1 random lines and one more that brings the entry back to zero in its currency.
const postCommand: fc.Arbitrary<PostCommand> = fc
  .record({
    currency: fc.constantFrom('CHF' as const, 'EUR' as const, 'USD' as const),
    date: fc.date({
      min: new Date('2026-01-01'),
      max: new Date('2026-12-31'),
      noInvalidDate: true,
    }),
    lines: fc.array(line, { minLength: 1, maxLength: 4 }),
    closing: line,
  })
  .filter(({ lines }) => lines.reduce((sum, l) => sum + l.minor, 0n) !== 0n)
  .map(({ currency, date, lines, closing }) => ({
    kind: 'post' as const,
    currency,
    date: date.toISOString().slice(0, 10),
    lines: [...lines, { ...closing, minor: -lines.reduce((sum, l) => sum + l.minor, 0n) }],
  }));

const command: fc.Arbitrary<Command> = fc.oneof(
  { weight: 4, arbitrary: postCommand },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('reverse' as const), pick: fc.nat() }) },
);

function decimal(minor: bigint, digits = 2): string {
  const abs = minor < 0n ? -minor : minor;
  const text = abs.toString().padStart(digits + 1, '0');
  return `${text.slice(0, -digits)}.${text.slice(-digits)}`;
}

/**
 * A seeded random workload of postings (CHF, EUR and USD, converted at UN rates with rounding)
 * and reversals, after which the books must still be whole: the trial balance is zero per fund
 * and per currency, and every balance the service reports equals the sum of the raw lines.
 * On failure fast-check prints the seed and path; replay with FC_SEED=… FC_PATH=… npm test.
 */
describe('ledger invariants under a random workload', () => {
  let db: TestDatabase;
  let app: NestExpressApplication;
  let sql: Client;
  let journal: JournalService;
  let transactions: TransactionRunner;
  let balances: BalancesService;
  const actor: Actor = { id: 'property-test', roles: ['finance_officer'], donorIds: [] };

  beforeAll(async () => {
    db = await createTestDatabase();
    await addBankAccount(db.url);
    app = await createTestApp(db);
    sql = await connect(db.url);
    journal = app.get(JournalService);
    transactions = app.get(TransactionRunner);
    balances = app.get(BalancesService);
    const rates = app.get(RatesService);
    await rates.enter(actor, {
      currency: 'CHF',
      effectiveFrom: '2026-01-01',
      unitsPerUsd: '0.8123',
    });
    await rates.enter(actor, {
      currency: 'EUR',
      effectiveFrom: '2026-01-01',
      unitsPerUsd: '0.9217',
    });
    await rates.enter(actor, {
      currency: 'EUR',
      effectiveFrom: '2026-07-01',
      unitsPerUsd: '0.8839',
    });
  });

  afterAll(async () => {
    await sql.end();
    await app.close();
    await db.drop();
  });

  async function run(commands: Command[]): Promise<void> {
    const posted: string[] = [];
    for (const cmd of commands) {
      if (cmd.kind === 'post') {
        // Posted directly, as an approved request is: the approval itself is tested elsewhere.
        const entry = await transactions.run((manager) =>
          journal.postAdjustmentNow(manager, actor, FUND, {
            date: cmd.date,
            description: 'property test',
            lines: cmd.lines.map((l) => ({
              account: l.account,
              ...l.dims,
              currency: cmd.currency,
              ...(l.minor > 0n ? { debit: decimal(l.minor) } : { credit: decimal(-l.minor) }),
            })),
          }),
        );
        posted.push(entry.id);
      } else if (posted.length > 0) {
        const id = posted.splice(cmd.pick % posted.length, 1)[0];
        await transactions.run((manager) =>
          journal.reverseNow(manager, actor, id, { reason: 'property test' }),
        );
      }
    }
  }

  async function checkBooks(): Promise<void> {
    const trial = await balances.trialBalance(FUND, '2099-12-31');
    expect(trial.balanced).toBe(true);
    expect(trial.totalDebit).toEqual(trial.totalCredit);
    for (const total of trial.currencyTotals) expect(total.amount).toBe('0.00');

    const raw = await sql.query<{
      code: string;
      currency: string;
      amount: string;
      functional: string;
    }>(
      `SELECT a.code, l.currency, sum(l.amount_minor)::text AS amount, sum(l.functional_minor)::text AS functional
         FROM journal_line l JOIN account a ON a.id = l.account_id JOIN fund f ON f.id = l.fund_id
        WHERE f.code = $1 GROUP BY a.code, l.currency`,
      [FUND],
    );
    for (const account of ACCOUNTS) {
      const reported = await balances.accountBalance(FUND, account.code, { asOf: '2099-12-31' });
      const rows = raw.rows.filter((row) => row.code === account.code);
      const functional = rows.reduce((sum, row) => sum + BigInt(row.functional), 0n);
      expect(reported.functional.amount).toBe((functional < 0n ? '-' : '') + decimal(functional));
      const expected = rows
        .filter((row) => BigInt(row.amount) !== 0n)
        .map((row) => ({
          currency: row.currency,
          amount: (BigInt(row.amount) < 0n ? '-' : '') + decimal(BigInt(row.amount)),
        }))
        .sort((a, b) => a.currency.localeCompare(b.currency));
      expect([...reported.balances].sort((a, b) => a.currency.localeCompare(b.currency))).toEqual(
        expected,
      );
      const line = trial.accounts.find((a) => a.code === account.code)!;
      const net =
        BigInt(line.debit.amount.replace('.', '')) - BigInt(line.credit.amount.replace('.', ''));
      expect(net).toBe(functional);
    }
  }

  it('keeps the trial balance at zero and every balance equal to its lines', async () => {
    const seed = process.env.FC_SEED === undefined ? undefined : Number(process.env.FC_SEED);
    await fc.assert(
      fc.asyncProperty(fc.array(command, { minLength: 1, maxLength: 12 }), async (commands) => {
        await run(commands);
        await checkBooks();
      }),
      { numRuns: 25, seed, path: process.env.FC_PATH, endOnFailure: true },
    );
  });
});
