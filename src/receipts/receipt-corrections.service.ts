import { randomUUID } from 'node:crypto';
import { Injectable, OnModuleInit } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { ApprovalMaker } from '../approvals/approval-handler.registry';
import { ApprovalsService } from '../approvals/approvals.service';
import { ApprovalResponse } from '../approvals/dto/approval.dto';
import { Actor } from '../common/actor';
import { CalendarDate } from '../common/calendar-date';
import { FieldError } from '../common/errors/problem';
import { IdempotencyRequest } from '../common/idempotency/idempotency-key.decorator';
import { IdempotencyService } from '../common/idempotency/idempotency.service';
import { IdempotentResult } from '../common/idempotency/idempotent-result';
import { AccountRow, FundRow } from '../funds/funds.repository';
import { FundsService } from '../funds/funds.service';
import { EarmarkCoverService } from '../grants/earmark-cover.service';
import { EntryRow, JournalRepository } from '../ledger/journal.repository';
import { REVERSAL } from '../ledger/journal.service';
import { LedgerService } from '../ledger/ledger.service';
import { PostingLine, PostingRequest } from '../ledger/ledger.types';
import { parsePositiveAmount } from '../money/amount-field';
import { Money } from '../money/money';
import { Rate } from '../money/rate';
import { RatesService } from '../rates/rates.service';
import { RefundReceiptRequest, ReceiptResponse, ReverseReceiptRequest } from './dto/receipt.dto';
import { CASH, Carried, fxLine, RECEIPT_REFUND, shareOf, unappliedLine } from './receipt-posting';
import {
  InvalidReceiptError,
  NothingToAllocateError,
  ReceiptRefundedError,
  ReversalLeavesEarmarkShortError,
} from './receipts.errors';
import { ReceiptRow, ReceiptsRepository } from './receipts.repository';
import { assertNotReversed, ReceiptsService } from './receipts.service';

export const RECEIPT_REFUND_APPROVAL = 'receipt.refund';
export const RECEIPT_REVERSAL_APPROVAL = 'receipt.reversal';

export interface RefundPayload {
  receiptId: string;
  amount: string;
  date: CalendarDate;
  reason: string;
}

export interface ReversalPayload {
  receiptId: string;
  date: CalendarDate;
  reason: string;
}

interface Posting {
  fund: FundRow;
  accounts: AccountRow[];
  request: PostingRequest;
}

/**
 * Corrections of receipts, each asked by one person and executed when another approves:
 * a refund returns unapplied money to the donor (cash out at the rate of its date, the credit
 * relieved at the value it was carried at, the difference a realised FX gain or loss); a
 * reversal undoes a receipt recorded by mistake with new entries that negate every entry of the
 * receipt, and negative allocations that give the pledges their receivable back. The original
 * stays visible, linked to its reversal.
 */
@Injectable()
export class ReceiptCorrectionsService implements OnModuleInit {
  constructor(
    private readonly idempotency: IdempotencyService,
    private readonly approvals: ApprovalsService,
    private readonly funds: FundsService,
    private readonly ledger: LedgerService,
    private readonly journal: JournalRepository,
    private readonly rates: RatesService,
    private readonly repository: ReceiptsRepository,
    private readonly receipts: ReceiptsService,
    private readonly earmarks: EarmarkCoverService,
  ) {}

  onModuleInit(): void {
    this.approvals.register<RefundPayload, ReceiptResponse>({
      kind: RECEIPT_REFUND_APPROVAL,
      execute: (manager, payload, context) =>
        this.refundNow(manager, context.checker, payload, {
          id: context.approvalId,
          maker: context.maker,
        }),
    });
    this.approvals.register<ReversalPayload, ReceiptResponse>({
      kind: RECEIPT_REVERSAL_APPROVAL,
      execute: (manager, payload, context) =>
        this.reverseNow(manager, context.checker, payload, {
          id: context.approvalId,
          maker: context.maker,
        }),
    });
  }

  requestRefund(
    actor: Actor,
    id: string,
    request: RefundReceiptRequest,
    idempotency: IdempotencyRequest | undefined,
  ): Promise<IdempotentResult<ApprovalResponse>> {
    return this.idempotency.run(actor, idempotency, 202, async (manager) => {
      const receipt = await this.receipts.lockReceipt(manager, id);
      const payload = { receiptId: receipt.id, ...request };
      const { posting, amount } = await this.prepareRefund(manager, receipt, payload);
      await this.ledger.check(manager, posting.fund, posting.accounts, posting.request);
      return this.approvals.request<RefundPayload>(manager, actor, {
        kind: RECEIPT_REFUND_APPROVAL,
        summary:
          `Refund ${amount.toString()} of receipt ${receipt.number}` +
          ` to ${receipt.donor_name ?? receipt.remitter_name ?? 'the remitter'} on ${request.date} — ${request.reason}`,
        payload,
        fundId: receipt.fund_id,
        subject: `receipt:${receipt.id}`,
      });
    });
  }

  requestReversal(
    actor: Actor,
    id: string,
    request: ReverseReceiptRequest,
    idempotency: IdempotencyRequest | undefined,
  ): Promise<IdempotentResult<ApprovalResponse>> {
    return this.idempotency.run(actor, idempotency, 202, async (manager) => {
      const receipt = await this.receipts.lockReceipt(manager, id);
      const payload = { receiptId: receipt.id, ...request };
      const postings = await this.prepareReversal(manager, receipt, payload);
      for (const posting of postings) {
        await this.ledger.check(manager, posting.fund, posting.accounts, posting.request);
      }
      await this.assertEarmarksCovered(manager, receipt);
      return this.approvals.request<ReversalPayload>(manager, actor, {
        kind: RECEIPT_REVERSAL_APPROVAL,
        summary:
          `Reverse receipt ${receipt.number} (${Money.fromMinor(receipt.gross_minor, receipt.currency).toString()}` +
          ` of ${receipt.value_date}) on ${request.date} — ${request.reason}`,
        payload,
        fundId: receipt.fund_id,
        subject: `receipt:${receipt.id}`,
      });
    });
  }

  /** Executes an approved refund, checking everything again on the receipt as it now is. */
  async refundNow(
    manager: EntityManager,
    actor: Actor,
    payload: RefundPayload,
    approval: { id: string; maker: ApprovalMaker },
  ): Promise<ReceiptResponse> {
    const receipt = await this.receipts.lockReceipt(manager, payload.receiptId);
    const { posting, amount } = await this.prepareRefund(manager, receipt, payload);
    const posted = await this.ledger.post(
      manager,
      approval.maker,
      posting.fund,
      posting.accounts,
      posting.request,
    );
    await this.repository.insertEvent(manager, {
      receiptId: receipt.id,
      kind: 'refunded',
      effectiveOn: payload.date,
      amountMinor: amount.minor,
      reason: payload.reason,
      entryId: posted.id,
      approvalId: approval.id,
      actor: approval.maker.id,
    });
    return this.receipts.audited(manager, actor, 'receipt.refund', receipt);
  }

  /** Executes an approved reversal: every entry of the receipt negated, latest first. */
  async reverseNow(
    manager: EntityManager,
    actor: Actor,
    payload: ReversalPayload,
    approval: { id: string; maker: ApprovalMaker },
  ): Promise<ReceiptResponse> {
    const receipt = await this.receipts.lockReceipt(manager, payload.receiptId);
    const allocations = (await this.repository.allocations(manager, receipt.id)).filter(
      (allocation) => allocation.reverses_allocation_id === null && !allocation.reversed,
    );
    await this.repository.lockPledges(manager, [
      ...new Set(allocations.map((allocation) => allocation.pledge_id)),
    ]);
    const postings = await this.prepareReversal(manager, receipt, payload);
    await this.assertEarmarksCovered(manager, receipt);
    const reversalOf = new Map<string, string>();
    for (const posting of postings) {
      const posted = await this.ledger.post(
        manager,
        approval.maker,
        posting.fund,
        posting.accounts,
        posting.request,
      );
      reversalOf.set(posting.request.reversesEntryId as string, posted.id);
    }
    await this.repository.insertAllocations(
      manager,
      allocations.map((allocation) => ({
        id: randomUUID(),
        fundId: receipt.fund_id,
        receiptId: receipt.id,
        pledgeId: allocation.pledge_id,
        donorId: receipt.donor_id as string,
        seq: allocation.instalment_seq,
        allocatedOn: payload.date,
        amountMinor: -BigInt(allocation.amount_minor),
        pledgeAmountMinor: -BigInt(allocation.pledge_amount_minor),
        valueMinor: -BigInt(allocation.value_functional_minor),
        relievedMinor: -BigInt(allocation.relieved_functional_minor),
        entryId: reversalOf.get(allocation.entry_id) as string,
        reversesAllocationId: allocation.id,
        createdBy: approval.maker.id,
      })),
    );
    // Dated as the reversal's entries and negative allocations: the day the money left.
    const unmoved = await this.earmarks.repoint(manager, receipt.id, payload.date);
    if (unmoved.length > 0) throw new ReversalLeavesEarmarkShortError(receipt.number, unmoved);
    await this.repository.insertEvent(manager, {
      receiptId: receipt.id,
      kind: 'reversed',
      effectiveOn: payload.date,
      reason: payload.reason,
      entryId: reversalOf.get(receipt.entry_id),
      approvalId: approval.id,
      actor: approval.maker.id,
    });
    return this.receipts.audited(manager, actor, 'receipt.reverse', receipt);
  }

  /**
   * A reversal takes the receipt's money out of the earmarks it funded: refused when an earmark
   * would be left with less than its grants committed and spent. The earmarks stay locked (the
   * lock grant approval takes) until the transaction ends, so no approval slips in between.
   */
  private async assertEarmarksCovered(manager: EntityManager, receipt: ReceiptRow): Promise<void> {
    const shortfalls = await this.earmarks.lockAndCheck(manager, receipt.id);
    if (shortfalls.length > 0)
      throw new ReversalLeavesEarmarkShortError(receipt.number, shortfalls);
  }

  private async prepareRefund(
    manager: EntityManager,
    receipt: ReceiptRow,
    payload: RefundPayload,
  ): Promise<{ posting: Posting; amount: Money }> {
    assertNotReversed(receipt);
    const errors: FieldError[] = [];
    const amount = parsePositiveAmount('amount', payload.amount, receipt.currency, errors);
    const held: Carried = {
      minor: BigInt(receipt.unapplied_minor),
      functionalMinor: BigInt(receipt.unapplied_functional_minor),
    };
    if (held.minor <= 0n) {
      throw new NothingToAllocateError(
        receipt.number,
        'nothing of it is unapplied: nothing to refund',
      );
    }
    if (amount !== undefined && amount.minor > held.minor) {
      errors.push({
        field: 'amount',
        rule: 'notMoreThanUnapplied',
        reason: `${amount.toString()} is more than the ${Money.of(held.minor, receipt.currency).toString()} unapplied`,
      });
    }
    if (payload.date < receipt.value_date) {
      errors.push({
        field: 'date',
        rule: 'notBeforeValueDate',
        reason: `must be on or after the value date of the receipt, ${receipt.value_date}`,
      });
    }
    if (errors.length > 0) throw new InvalidReceiptError(errors);
    const refund = amount as Money;
    const fund = await this.funds.requireFund(manager, receipt.fund_code);
    const carried = Money.of(shareOf(held, refund.minor), fund.functional_currency);
    const rate =
      receipt.currency === fund.functional_currency
        ? Rate.ONE
        : (await this.rates.rate(receipt.currency, fund.functional_currency, payload.date, manager))
            .rate;
    const paidOut = refund.convert(rate, fund.functional_currency);
    const source = {
      receiptId: receipt.id,
      bankAccountId: receipt.bank_account_id,
      donorId: receipt.donor_id,
    };
    const lines: PostingLine[] = [
      unappliedLine(source, refund, carried),
      {
        accountCode: CASH,
        bankAccountId: receipt.bank_account_id,
        receiptId: receipt.id,
        amount: refund.negate(),
        functional: paidOut.negate(),
      },
    ];
    const fx = carried.subtract(paidOut);
    if (!fx.isZero()) {
      lines.push(
        fxLine(fx, receipt.currency, {
          donorId: receipt.donor_id ?? undefined,
          receiptId: receipt.id,
        }),
      );
    }
    const count = await this.repository.allocationEntryCount(manager, receipt.id);
    return {
      amount: refund,
      posting: {
        fund,
        accounts: await this.funds.accounts(manager, fund.id),
        request: {
          fundId: fund.id,
          date: payload.date,
          description: `Refund of ${refund.toString()} from receipt ${receipt.number}`,
          sourceType: RECEIPT_REFUND,
          sourceRef: receipt.id,
          idempotencyKey: `${RECEIPT_REFUND}:${receipt.id}:${count + 1}`,
          reason: payload.reason,
          lines,
        },
      },
    };
  }

  /** One reversing entry per entry of the receipt not yet reversed, latest first. */
  private async prepareReversal(
    manager: EntityManager,
    receipt: ReceiptRow,
    payload: ReversalPayload,
  ): Promise<Posting[]> {
    assertNotReversed(receipt);
    if (BigInt(receipt.refunded_minor) > 0n) throw new ReceiptRefundedError(receipt.number);
    const fund = await this.funds.requireFund(manager, receipt.fund_code);
    const accounts = await this.funds.accounts(manager, fund.id);
    const entryIds = await this.repository.unreversedEntryIds(manager, receipt.id);
    const entries: EntryRow[] = [];
    for (const entryId of entryIds) {
      entries.push((await this.journal.findEntry(manager, entryId)) as EntryRow);
    }
    const latest = entries.reduce(
      (date, entry) => (entry.entry_date > date ? entry.entry_date : date),
      receipt.value_date,
    );
    if (payload.date < latest) {
      throw new InvalidReceiptError([
        {
          field: 'date',
          rule: 'notBeforeLastEntry',
          reason: `must be on or after ${latest}, the date of the receipt's latest entry`,
        },
      ]);
    }
    const lines = await this.journal.linesOf(manager, entryIds);
    return entryIds.map((entryId): Posting => {
      const entry = entries.find((candidate) => candidate.id === entryId) as EntryRow;
      return {
        fund,
        accounts,
        request: {
          fundId: fund.id,
          date: payload.date,
          description: `Reversal of ${entry.number}: ${entry.description}`,
          sourceType: REVERSAL,
          sourceRef: entryId,
          idempotencyKey: `reversal:${entryId}`,
          reversesEntryId: entryId,
          reason: payload.reason,
          lines: lines
            .filter((line) => line.entry_id === entryId)
            .map((line): PostingLine => ({
              accountCode: line.account_code,
              donorId: line.donor_id ?? undefined,
              earmarkId: line.earmark_id ?? undefined,
              bankAccountId: line.bank_account_id ?? undefined,
              pledgeId: line.pledge_id ?? undefined,
              receiptId: line.receipt_id ?? undefined,
              amount: Money.fromMinor(line.amount_minor, line.currency).negate(),
              functional: Money.fromMinor(line.functional_minor, fund.functional_currency).negate(),
              rate: line.rate === null ? undefined : Rate.parse(line.rate),
            })),
        },
      };
    });
  }
}
