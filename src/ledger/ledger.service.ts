import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { Actor } from '../common/actor';
import { calendarDateProblem } from '../common/calendar-date';
import { FieldError } from '../common/errors/problem';
import { driverError } from '../database/sql-state';
import { AccountRow, Dimension, FundRow } from '../funds/funds.repository';
import { Money } from '../money/money';
import { EntryUnbalancedError, InvalidEntryError, PeriodClosedError } from './ledger.errors';
import { PostingLine, PostingRequest } from './ledger.types';
import { EntryRow, JournalRepository, LineRow, NewLine } from './journal.repository';
import { PeriodsRepository } from './periods.repository';

export interface PostedEntry {
  id: string;
  number: string;
  /** The entry and its lines as they were stored (as `JournalRepository` reads them). */
  entry: EntryRow;
  lines: LineRow[];
}

/**
 * The only way money enters the ledger. Every business event posts one balanced entry through
 * `post`, inside the caller's transaction, so that the event and its entry commit together.
 * The database re-checks the balance at commit (deferred constraint triggers): this service
 * refuses early with a readable error, the database makes sure nothing else slips through.
 */
@Injectable()
export class LedgerService {
  constructor(
    private readonly journal: JournalRepository,
    private readonly periods: PeriodsRepository,
  ) {}

  /**
   * Everything `post` would refuse, said without writing anything: for an entry that will be
   * posted later (once approved). The period is read, not locked: `post` checks it again.
   */
  async check(
    manager: EntityManager,
    fund: FundRow,
    accounts: readonly AccountRow[],
    request: PostingRequest,
  ): Promise<void> {
    this.validate(fund, accounts, request);
    const period = request.date.slice(0, 7);
    if ((await this.periods.status(manager, fund.id, period)) === 'closed') {
      throw new PeriodClosedError(fund.code, period);
    }
  }

  /**
   * Locks the period of `date` against closing until the transaction ends (as `post` does), and
   * refuses a closed one. A caller that then holds a gapless counter (its own number, taken
   * before `post`) locks the period first, so that the counter is held for less time.
   */
  async lockPeriod(
    manager: EntityManager,
    author: Pick<Actor, 'id'>,
    fund: FundRow,
    date: string,
  ): Promise<void> {
    const period = date.slice(0, 7);
    const status = await this.journal.lockPeriodForPosting(manager, fund.id, period, author.id);
    if (status === 'closed') throw new PeriodClosedError(fund.code, period);
  }

  /**
   * `author` is recorded as the entry's creator (for an approved entry: its maker). With
   * `periodLocked`, the caller has already called `lockPeriod` for the entry's date in this
   * transaction; with `sequence`, it has already taken the entry's number from the fund's journal
   * counter of the entry's year in this transaction (nextGaplessNumbers), so that it could take
   * it together with its own.
   */
  async post(
    manager: EntityManager,
    author: Pick<Actor, 'id'>,
    fund: FundRow,
    accounts: readonly AccountRow[],
    request: PostingRequest,
    options: { periodLocked?: boolean; sequence?: number } = {},
  ): Promise<PostedEntry> {
    const lines = this.validate(fund, accounts, request);
    const period = request.date.slice(0, 7);
    if (options.periodLocked !== true) await this.lockPeriod(manager, author, fund, request.date);
    const year = Number(request.date.slice(0, 4));
    const sequence = options.sequence ?? (await this.journal.nextSequence(manager, fund.id, year));
    const number = `JE-${year}-${String(sequence).padStart(6, '0')}`;
    try {
      const inserted = await this.journal.insertEntry(
        manager,
        {
          id: randomUUID(),
          fundId: fund.id,
          number,
          fiscalYear: year,
          sequence,
          date: request.date,
          description: request.description,
          sourceType: request.sourceType,
          sourceRef: request.sourceRef,
          idempotencyKey: request.idempotencyKey,
          lineCount: lines.length,
          reversesEntryId: request.reversesEntryId,
          reason: request.reason,
          createdBy: author.id,
        },
        lines,
      );
      return { id: inserted.entry.id, number, ...inserted };
    } catch (error) {
      const constraint = driverError(error)?.constraint;
      if (constraint === 'journal_entry_period_open') {
        throw new PeriodClosedError(fund.code, period);
      }
      if (constraint === 'journal_line_bank_account_fk') {
        throw new InvalidEntryError([
          {
            field: 'lines.bankAccount',
            rule: 'exists',
            reason: `fund ${fund.code} has no such bank account`,
          },
        ]);
      }
      throw error;
    }
  }

  /** Everything the database would refuse, said first and per field. */
  private validate(
    fund: FundRow,
    accounts: readonly AccountRow[],
    request: PostingRequest,
  ): NewLine[] {
    const errors: FieldError[] = [];
    const dateProblem = calendarDateProblem(request.date);
    if (dateProblem !== undefined) {
      errors.push({ field: 'date', rule: 'isCalendarDate', reason: dateProblem });
    }
    if (request.lines.length < 2) {
      errors.push({ field: 'lines', rule: 'minLines', reason: 'an entry has at least two lines' });
    }
    errors.push(...referenceErrors(fund, accounts, request.lines));
    request.lines.forEach((line, index) =>
      errors.push(...amountErrors(`lines[${index}]`, fund, line)),
    );
    if (errors.length > 0) throw new InvalidEntryError(errors);
    const differences = imbalances(fund.functional_currency, request.lines);
    if (differences.length > 0) throw new EntryUnbalancedError(differences);
    const byCode = new Map(accounts.map((account) => [account.code, account]));
    return request.lines.map((line) => ({
      accountId: (byCode.get(line.accountCode) as AccountRow).id,
      donorId: line.donorId,
      earmarkId: line.earmarkId,
      bankAccountId: line.bankAccountId,
      pledgeId: line.pledgeId,
      receiptId: line.receiptId,
      currency: line.amount.currency,
      amountMinor: line.amount.minor,
      functionalMinor: line.functional.minor,
      rate: line.rate?.toDecimalString(12),
    }));
  }
}

/** Where a line is posted: account and dimensions, without amounts. */
export type LineReference = Pick<
  PostingLine,
  'accountCode' | 'donorId' | 'earmarkId' | 'bankAccountId'
>;

/**
 * Lines on accounts the fund does not have, or missing a dimension their account requires, or
 * carrying one it does not take. `undefined` stands for a line that could not be read at all.
 */
export function referenceErrors(
  fund: FundRow,
  accounts: readonly AccountRow[],
  lines: ReadonlyArray<LineReference | undefined>,
): FieldError[] {
  const byCode = new Map(accounts.map((account) => [account.code, account]));
  return lines.flatMap((line, index) => {
    if (line === undefined) return [];
    const field = `lines[${index}]`;
    const account = byCode.get(line.accountCode);
    if (account === undefined) {
      return [
        {
          field: `${field}.account`,
          rule: 'exists',
          reason: `fund ${fund.code} has no account ${line.accountCode}`,
        },
      ];
    }
    return dimensionErrors(field, account, line);
  });
}

function dimensionErrors(field: string, account: AccountRow, line: LineReference): FieldError[] {
  const errors: FieldError[] = [];
  const dimensions: Array<[string, Dimension, string | undefined]> = [
    ['donor', account.donor_dimension, line.donorId],
    ['earmark', account.earmark_dimension, line.earmarkId],
    ['bankAccount', account.bank_account_dimension, line.bankAccountId],
  ];
  for (const [name, rule, value] of dimensions) {
    if (rule === 'required' && value === undefined) {
      errors.push({
        field: `${field}.${name}`,
        rule: 'dimensionRequired',
        reason: `account ${account.code} (${account.name}) needs a ${name}`,
      });
    }
    if (rule === 'none' && value !== undefined) {
      errors.push({
        field: `${field}.${name}`,
        rule: 'dimensionNotAllowed',
        reason: `account ${account.code} (${account.name}) takes no ${name}`,
      });
    }
  }
  return errors;
}

export function amountErrors(
  field: string,
  fund: Pick<FundRow, 'functional_currency'>,
  line: PostingLine,
): FieldError[] {
  const errors: FieldError[] = [];
  if (line.functional.currency !== fund.functional_currency) {
    errors.push({
      field: `${field}.functional`,
      rule: 'functionalCurrency',
      reason: `must be in the fund's functional currency ${fund.functional_currency}`,
    });
  }
  if (line.amount.isZero() && line.functional.isZero()) {
    errors.push({ field: `${field}.amount`, rule: 'notZero', reason: 'must not be zero' });
  }
  if (
    (line.amount.isPositive() && line.functional.isNegative()) ||
    (line.amount.isNegative() && line.functional.isPositive())
  ) {
    errors.push({
      field: `${field}.functional`,
      rule: 'sameSide',
      reason: 'must be on the same side (debit or credit) as the amount',
    });
  }
  if (line.amount.currency === fund.functional_currency && !line.amount.equals(line.functional)) {
    errors.push({
      field: `${field}.functional`,
      rule: 'sameCurrency',
      reason: 'must equal the amount when the line is in the functional currency',
    });
  }
  return errors;
}

/** How far the lines are from balancing, per transaction currency and in the functional one. */
export function imbalances(functionalCurrency: string, lines: readonly PostingLine[]): string[] {
  const totals = new Map<string, Money>();
  for (const line of lines) {
    const current = totals.get(line.amount.currency) ?? Money.zero(line.amount.currency);
    totals.set(line.amount.currency, current.add(line.amount));
  }
  const functional = Money.sum(
    functionalCurrency,
    lines.map((line) => line.functional),
  );
  const differences = [...totals.values()]
    .filter((total) => !total.isZero())
    .map((total) => `${total.currency}: debits minus credits is ${total.toDecimalString()}`);
  if (!functional.isZero()) {
    differences.push(
      `functional currency ${functionalCurrency}: debits minus credits is ${functional.toDecimalString()}`,
    );
  }
  return differences;
}
