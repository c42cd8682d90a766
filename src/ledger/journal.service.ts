import { randomUUID } from 'node:crypto';
import { Injectable, OnModuleInit } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { ApprovalMaker } from '../approvals/approval-handler.registry';
import { ApprovalsService } from '../approvals/approvals.service';
import { ApprovalResponse } from '../approvals/dto/approval.dto';
import { AuditService } from '../audit/audit.service';
import { Actor } from '../common/actor';
import { ValidationFailedError } from '../common/errors/app-error';
import { FieldError } from '../common/errors/problem';
import { IdempotencyRequest } from '../common/idempotency/idempotency-key.decorator';
import { IdempotencyService } from '../common/idempotency/idempotency.service';
import { IdempotentResult } from '../common/idempotency/idempotent-result';
import { driverError } from '../database/sql-state';
import { AccountRow, FundRow } from '../funds/funds.repository';
import { FundsService } from '../funds/funds.service';
import { Money } from '../money/money';
import { Rate } from '../money/rate';
import { RatesService } from '../rates/rates.service';
import {
  AdjustmentLineRequest,
  CreateAdjustmentRequest,
  JournalEntryResponse,
  ListEntriesQuery,
  ReverseEntryRequest,
} from './dto/journal.dto';
import { EARMARK_SPENT_ACCOUNTS, EarmarkMoney } from './earmark-money';
import {
  AdjustmentLeavesEarmarkShortError,
  AlreadyReversedError,
  EarmarkShortfall,
  EntryNotReversibleError,
  EntryNotFoundError,
  EntryUnbalancedError,
  InvalidEntryError,
} from './ledger.errors';
import { imbalances, LedgerService, referenceErrors } from './ledger.service';
import { PostingLine, PostingRequest } from './ledger.types';
import { toEntryResponse } from './journal-entry-response';
import { EntryRow, JournalRepository, LineRow } from './journal.repository';

export const MANUAL_ADJUSTMENT = 'manual-adjustment';
export const REVERSAL = 'reversal';
/** The approval kind of manual adjustments. */
export const JOURNAL_ADJUSTMENT = 'journal.adjustment';
export const JOURNAL_REVERSAL = 'journal.reversal';

export interface ReversalPayload {
  entryId: string;
  reversal: ReverseEntryRequest;
}

/** What an adjustment's approval request stores: the fund and the entry as the maker sent it. */
export interface AdjustmentPayload {
  fund: string;
  entry: CreateAdjustmentRequest;
}

/** An adjustment checked against the data as it is now, ready to post. */
export interface PreparedAdjustment {
  fund: FundRow;
  accounts: AccountRow[];
  posting: PostingRequest;
}

@Injectable()
export class JournalService implements OnModuleInit {
  constructor(
    private readonly dataSource: DataSource,
    private readonly idempotency: IdempotencyService,
    private readonly funds: FundsService,
    private readonly ledger: LedgerService,
    private readonly rates: RatesService,
    private readonly journal: JournalRepository,
    private readonly audit: AuditService,
    private readonly approvals: ApprovalsService,
    private readonly earmarkMoney: EarmarkMoney,
  ) {}

  onModuleInit(): void {
    this.approvals.register<ReversalPayload, JournalEntryResponse>({
      kind: JOURNAL_REVERSAL,
      execute: (manager, payload, context) =>
        this.reverseNow(manager, context.checker, payload.entryId, payload.reversal, {
          id: context.approvalId,
          maker: context.maker,
        }),
    });
    this.approvals.register<AdjustmentPayload, JournalEntryResponse>({
      kind: JOURNAL_ADJUSTMENT,
      execute: (manager, payload, context) =>
        this.postAdjustmentNow(manager, context.checker, payload.fund, payload.entry, {
          id: context.approvalId,
          maker: context.maker,
        }),
    });
  }

  /**
   * A correction by the finance office: any balanced entry on the fund's accounts. It is checked
   * in full at once, so that a mistake is answered now, but posted only when another person
   * approves it: the answer is the pending approval request (202).
   */
  requestAdjustment(
    actor: Actor,
    fundCode: string,
    request: CreateAdjustmentRequest,
    idempotency: IdempotencyRequest | undefined,
  ): Promise<IdempotentResult<ApprovalResponse>> {
    return this.idempotency.run(actor, idempotency, 202, async (manager) => {
      const prepared = await this.prepareAdjustment(manager, fundCode, request);
      return this.approvals.request<AdjustmentPayload>(manager, actor, {
        kind: JOURNAL_ADJUSTMENT,
        summary: adjustmentSummary(prepared),
        payload: { fund: prepared.fund.code, entry: request },
        fundId: prepared.fund.id,
      });
    });
  }

  /**
   * Everything posting the adjustment would refuse (amounts, accounts, dimensions, balance, UN
   * rates, open period), checked on the data as it is now, without writing anything.
   */
  async prepareAdjustment(
    manager: EntityManager,
    fundCode: string,
    request: CreateAdjustmentRequest,
  ): Promise<PreparedAdjustment> {
    const fund = await this.funds.requireFund(manager, fundCode);
    const earmarks = new Map(
      (await this.funds.earmarks(manager, fund.id)).map((earmark) => [earmark.code, earmark.id]),
    );
    const accounts = await this.funds.accounts(manager, fund.id);
    const lines = await this.adjustmentLines(fund, accounts, request, earmarks, (money) =>
      this.rates.convert(money, fund.functional_currency, request.date, manager),
    );
    const posting: PostingRequest = {
      fundId: fund.id,
      date: request.date,
      description: request.description,
      sourceType: MANUAL_ADJUSTMENT,
      // Retries are caught by the Idempotency-Key layer; each adjustment is its own event.
      idempotencyKey: randomUUID(),
      lines,
    };
    await this.ledger.check(manager, fund, accounts, posting);
    await this.keepEarmarksCovered(manager, fund, posting.lines, earmarks, 'adjustment');
    return { fund, accounts, posting };
  }

  /**
   * An earmark's available money is never negative (DESIGN.md): the earmarks the entry takes
   * money from (a net debit on a spent account) are locked as grant approval locks them, so that
   * an approval committing that money and this entry cannot both pass, then checked. Runs when
   * the adjustment is asked for and again, in the approval's transaction, when it is posted;
   * the lock is held until that transaction ends. Entries that give money back are not held up.
   */
  private async keepEarmarksCovered(
    manager: EntityManager,
    fund: FundRow,
    lines: readonly PostingLine[],
    earmarks: Map<string, string>,
    what: 'adjustment' | 'reversal',
  ): Promise<void> {
    const currency = fund.functional_currency;
    const taking = new Map<string, { field: string; taken: Money }>();
    lines.forEach((line, index) => {
      if (line.earmarkId === undefined || !EARMARK_SPENT_ACCOUNTS.includes(line.accountCode)) {
        return;
      }
      const before = taking.get(line.earmarkId);
      taking.set(line.earmarkId, {
        field: before?.field ?? `lines[${index}].earmark`,
        taken: (before?.taken ?? Money.zero(currency)).add(line.functional),
      });
    });
    // Ordered by earmark id, the order a receipt's reversal locks its earmarks in.
    const taken = [...taking.entries()]
      .filter(([, share]) => share.taken.isPositive())
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    if (taken.length === 0) return;
    const source = this.earmarkMoney.source();
    for (const [earmarkId] of taken) await source.lock(manager, earmarkId);
    const codes = new Map([...earmarks.entries()].map(([code, id]) => [id, code]));
    const shortfalls: EarmarkShortfall[] = [];
    for (const [earmarkId, share] of taken) {
      const available = await source.available(manager, earmarkId, currency);
      const after = available.subtract(share.taken);
      if (after.isNegative()) {
        shortfalls.push({
          field: share.field,
          earmark: codes.get(earmarkId) ?? earmarkId,
          available,
          taken: share.taken,
          short: after.negate(),
        });
      }
    }
    if (shortfalls.length > 0) throw new AdjustmentLeavesEarmarkShortError(shortfalls, what);
  }

  /**
   * Checks the adjustment again on current data (rates and periods may have changed since it was
   * requested) and posts it, in the caller's transaction. The API reaches this only through an
   * approval: `actor` is then the approver, audited as the one who made it happen, while the
   * entry is created by the maker and its source names the approval request (where the approver
   * is recorded); the approval's id keys the entry, so one approval posts at most one entry.
   * Without an approval (tests of the ledger itself), `actor` is the author.
   */
  async postAdjustmentNow(
    manager: EntityManager,
    actor: Actor,
    fundCode: string,
    request: CreateAdjustmentRequest,
    approval?: { id: string; maker: ApprovalMaker },
  ): Promise<JournalEntryResponse> {
    const prepared = await this.prepareAdjustment(manager, fundCode, request);
    return this.postPrepared(manager, actor, prepared, approval);
  }

  private async postPrepared(
    manager: EntityManager,
    actor: Actor,
    { fund, accounts, posting }: PreparedAdjustment,
    approval: { id: string; maker: ApprovalMaker } | undefined,
  ): Promise<JournalEntryResponse> {
    const posted = await this.ledger.post(
      manager,
      approval?.maker ?? actor,
      fund,
      accounts,
      approval === undefined
        ? posting
        : { ...posting, sourceRef: approval.id, idempotencyKey: `approval:${approval.id}` },
    );
    const entry = await this.read(manager, posted.id);
    await this.audit.record(manager, actor, {
      action: 'journal.adjustment.post',
      entityType: 'journal_entry',
      entityId: entry.id,
      after: entry,
    });
    return entry;
  }

  /**
   * Asks for an entry to be cancelled by its mirror image. Like an adjustment, a reversal needs a
   * second person: it is checked now and posted when an approver approves (202 with the request).
   */
  requestReversal(
    actor: Actor,
    entryId: string,
    request: ReverseEntryRequest,
    idempotency: IdempotencyRequest | undefined,
  ): Promise<IdempotentResult<ApprovalResponse>> {
    return this.idempotency.run(actor, idempotency, 202, async (manager) => {
      const original = await this.prepareReversal(manager, entryId, request);
      const fund = await this.funds.requireFund(manager, original.fund_code);
      await this.reversalLines(manager, fund, original);
      return this.approvals.request<ReversalPayload>(manager, actor, {
        kind: JOURNAL_REVERSAL,
        summary: `Reverse ${original.number} (${original.description}): ${request.reason}`,
        payload: { entryId: original.id, reversal: request },
        fundId: original.fund_id,
        subject: original.id,
      });
    });
  }

  /**
   * Posts the mirror image of an entry, linked to it, with a reason, in the caller's transaction:
   * through an approval (`actor` the approver, the maker the author), or directly in tests of the
   * ledger itself. An entry is reversed at most once.
   */
  async reverseNow(
    manager: EntityManager,
    actor: Actor,
    entryId: string,
    request: ReverseEntryRequest,
    approval?: { id: string; maker: ApprovalMaker },
  ): Promise<JournalEntryResponse> {
    const original = await this.prepareReversal(manager, entryId, request);
    const fund = await this.funds.requireFund(manager, original.fund_code);
    const lines = await this.reversalLines(manager, fund, original);
    try {
      const posted = await this.ledger.post(
        manager,
        approval?.maker ?? actor,
        fund,
        await this.funds.accounts(manager, fund.id),
        {
          fundId: fund.id,
          date: request.date ?? original.entry_date,
          description: `Reversal of ${original.number}: ${original.description}`,
          sourceType: REVERSAL,
          sourceRef: original.id,
          idempotencyKey: `reversal:${original.id}`,
          lines,
          reversesEntryId: original.id,
          reason: request.reason,
        },
      );
      const entry = await this.read(manager, posted.id);
      await this.audit.record(manager, actor, {
        action: 'journal.reversal.post',
        entityType: 'journal_entry',
        entityId: entry.id,
        after: { ...entry, approvalId: approval?.id ?? null },
      });
      return entry;
    } catch (error) {
      const constraint = driverError(error)?.constraint;
      if (
        constraint === 'journal_entry_reversed_once' ||
        constraint === 'journal_entry_source_key'
      ) {
        throw new AlreadyReversedError(original.number);
      }
      throw error;
    }
  }

  /**
   * The mirror image of the entry's lines, once it is known not to take from an earmark more than
   * it has available: reversing an entry that gave an earmark money back (a credit on a spent
   * account) spends it again, checked and locked as an adjustment is.
   */
  private async reversalLines(
    manager: EntityManager,
    fund: FundRow,
    original: EntryRow,
  ): Promise<PostingLine[]> {
    const rows = await this.journal.linesOf(manager, [original.id]);
    const lines = rows.map((line): PostingLine => ({
      accountCode: line.account_code,
      donorId: line.donor_id ?? undefined,
      earmarkId: line.earmark_id ?? undefined,
      bankAccountId: line.bank_account_id ?? undefined,
      pledgeId: line.pledge_id ?? undefined,
      receiptId: line.receipt_id ?? undefined,
      amount: Money.fromMinor(line.amount_minor, line.currency).negate(),
      functional: Money.fromMinor(line.functional_minor, fund.functional_currency).negate(),
      rate: line.rate === null ? undefined : Rate.parse(line.rate),
    }));
    const earmarks = new Map(
      rows.flatMap((line) =>
        line.earmark_id === null || line.earmark_code === null
          ? []
          : [[line.earmark_code, line.earmark_id] as [string, string]],
      ),
    );
    await this.keepEarmarksCovered(manager, fund, lines, earmarks, 'reversal');
    return lines;
  }

  /** Whether the entry may be reversed as asked: it exists, is not reversed, is the ledger's own. */
  private async prepareReversal(
    manager: EntityManager,
    entryId: string,
    request: ReverseEntryRequest,
  ): Promise<EntryRow> {
    const original = await this.requireEntry(manager, entryId);
    if (original.reversed_by_entry_id !== null) throw new AlreadyReversedError(original.number);
    // Entries of business events (pledges, receipts…) are undone through their own workflow,
    // which keeps the business record and the ledger in step; a reversal is not undone by
    // another reversal but corrected by an adjustment.
    if (original.source_type !== MANUAL_ADJUSTMENT) {
      throw new EntryNotReversibleError(original.number, original.source_type);
    }
    if (request.date !== undefined && request.date < original.entry_date) {
      throw new ValidationFailedError([
        {
          field: 'date',
          rule: 'notBeforeOriginal',
          reason: `must not be before the original entry's date ${original.entry_date}`,
        },
      ]);
    }
    return original;
  }

  get(id: string): Promise<JournalEntryResponse> {
    return this.read(this.dataSource.manager, id);
  }

  async list(fundCode: string, query: ListEntriesQuery): Promise<JournalEntryResponse[]> {
    const manager = this.dataSource.manager;
    const fund = await this.funds.requireFund(manager, fundCode);
    const entries = await this.journal.listEntries(manager, fund.id, {
      from: query.from,
      to: query.to,
      limit: query.limit ?? 100,
      offset: query.offset ?? 0,
    });
    const linesByEntry = new Map<string, LineRow[]>();
    for (const line of await this.journal.linesOf(
      manager,
      entries.map((entry) => entry.id),
    )) {
      linesByEntry.set(line.entry_id, [...(linesByEntry.get(line.entry_id) ?? []), line]);
    }
    return entries.map((entry) => toEntryResponse(entry, linesByEntry.get(entry.id) ?? []));
  }

  /** An entry as the API shows it, read in the caller's transaction. */
  async read(manager: EntityManager, id: string): Promise<JournalEntryResponse> {
    const entry = await this.requireEntry(manager, id);
    return toEntryResponse(entry, await this.journal.linesOf(manager, [id]));
  }

  private async requireEntry(manager: EntityManager, id: string): Promise<EntryRow> {
    const entry = /^[0-9a-f-]{36}$/i.test(id)
      ? await this.journal.findEntry(manager, id)
      : undefined;
    if (entry === undefined) throw new EntryNotFoundError(id);
    return entry;
  }

  /**
   * Parses the typed amounts and converts foreign-currency lines at the UN rate of the entry's
   * date, each rounded half-even once. What rounding leaves over in the functional currency goes
   * to the largest line (DESIGN.md), never to a hidden account.
   */
  private async adjustmentLines(
    fund: FundRow,
    accounts: readonly AccountRow[],
    request: CreateAdjustmentRequest,
    earmarks: Map<string, string>,
    convert: (money: Money) => Promise<{ money: Money; rate: Rate }>,
  ): Promise<PostingLine[]> {
    const functionalCurrency = fund.functional_currency;
    const errors: FieldError[] = [];
    const parsed = request.lines.map((line, index) => parseLine(line, index, earmarks, errors));
    errors.push(
      ...referenceErrors(
        fund,
        accounts,
        request.lines.map((line) => ({
          accountCode: line.account,
          donorId: line.donorId,
          // An unknown earmark is reported by parseLine; here it still counts as given.
          earmarkId: line.earmark === undefined ? undefined : (earmarks.get(line.earmark) ?? ''),
          bankAccountId: line.bankAccountId,
        })),
      ),
    );
    if (errors.length > 0) throw new InvalidEntryError(errors);
    const amounts = parsed as Array<Omit<PostingLine, 'functional'>>;
    const transactionImbalances = imbalances(
      functionalCurrency,
      amounts.map((line) => ({ ...line, functional: Money.zero(functionalCurrency) })),
    );
    if (transactionImbalances.length > 0) throw new EntryUnbalancedError(transactionImbalances);
    const lines: PostingLine[] = [];
    for (const line of amounts) {
      if (line.amount.currency === functionalCurrency) {
        lines.push({ ...line, functional: line.amount });
      } else {
        const converted = await convert(line.amount);
        lines.push({ ...line, functional: converted.money, rate: converted.rate });
      }
    }
    return assignRoundingDifference(functionalCurrency, lines);
  }
}

function parseLine(
  line: AdjustmentLineRequest,
  index: number,
  earmarks: Map<string, string>,
  errors: FieldError[],
): Omit<PostingLine, 'functional'> | undefined {
  const field = `lines[${index}]`;
  if ((line.debit === undefined) === (line.credit === undefined)) {
    errors.push({ field, rule: 'debitOrCredit', reason: 'give either a debit or a credit' });
    return undefined;
  }
  let earmarkId: string | undefined;
  if (line.earmark !== undefined) {
    earmarkId = earmarks.get(line.earmark);
    if (earmarkId === undefined) {
      errors.push({
        field: `${field}.earmark`,
        rule: 'exists',
        reason: `no earmark ${line.earmark} in this fund`,
      });
    }
  }
  try {
    const typed = Money.parse((line.debit ?? line.credit) as string, line.currency);
    if (!typed.isPositive()) {
      errors.push({
        field: `${field}.${line.debit !== undefined ? 'debit' : 'credit'}`,
        rule: 'positive',
        reason: 'must be more than zero',
      });
    }
    return {
      accountCode: line.account,
      donorId: line.donorId,
      earmarkId,
      bankAccountId: line.bankAccountId,
      pledgeId: line.pledgeId,
      amount: line.debit !== undefined ? typed : typed.negate(),
    };
  } catch (error) {
    errors.push({
      field: `${field}.${line.debit !== undefined ? 'debit' : 'credit'}`,
      rule: 'amount',
      reason: error instanceof Error ? error.message : String(error),
    });
    return undefined;
  }
}

/** One line for the approver's inbox: fund, date, description, and the debits per currency. */
function adjustmentSummary({ fund, posting }: PreparedAdjustment): string {
  const debits = new Map<string, Money>();
  for (const line of posting.lines) {
    if (!line.amount.isPositive()) continue;
    const currency = line.amount.currency;
    debits.set(currency, (debits.get(currency) ?? Money.zero(currency)).add(line.amount));
  }
  const totals = [...debits.values()].map((total) => total.toString()).join(', ');
  return (
    `Adjustment of ${fund.code} dated ${posting.date}: ${posting.description} ` +
    `(${posting.lines.length} lines, debits ${totals})`
  );
}

export function assignRoundingDifference(
  functionalCurrency: string,
  lines: PostingLine[],
): PostingLine[] {
  const residual = Money.sum(
    functionalCurrency,
    lines.map((line) => line.functional),
  );
  if (residual.isZero()) return lines;
  // Only converted lines round; a line already in the functional currency must keep its amount.
  let largest = -1;
  lines.forEach((line, index) => {
    if (line.amount.currency === functionalCurrency) return;
    if (largest < 0 || line.functional.abs().compare(lines[largest].functional.abs()) > 0) {
      largest = index;
    }
  });
  return lines.map((line, index) =>
    index === largest ? { ...line, functional: line.functional.subtract(residual) } : line,
  );
}
