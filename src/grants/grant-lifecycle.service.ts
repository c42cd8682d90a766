import { Injectable, OnModuleInit } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { ApprovalMaker } from '../approvals/approval-handler.registry';
import { ApprovalsService } from '../approvals/approvals.service';
import { ApprovalResponse } from '../approvals/dto/approval.dto';
import { AuditService } from '../audit/audit.service';
import { Actor } from '../common/actor';
import { CalendarDate, todayUtc } from '../common/calendar-date';
import { FieldError } from '../common/errors/problem';
import { IdempotencyRequest } from '../common/idempotency/idempotency-key.decorator';
import { IdempotencyService } from '../common/idempotency/idempotency.service';
import { IdempotentResult } from '../common/idempotency/idempotent-result';
import { isUuid } from '../common/uuid';
import { TransactionRunner } from '../database/transaction-runner';
import { FundNotFoundError } from '../funds/funds.errors';
import { AccountRow, FundRow } from '../funds/funds.repository';
import { FundsService } from '../funds/funds.service';
import { LedgerService } from '../ledger/ledger.service';
import { PostingLine, PostingRequest } from '../ledger/ledger.types';
import { parsePositiveAmount } from '../money/amount-field';
import { Money } from '../money/money';
import { divideHalfEven, formatScaled, Rate } from '../money/rate';
import {
  CancelGrantRequest,
  DisburseGrantRequest,
  SetSupportCostRateRequest,
  SettleGrantRequest,
  SupportCostRateResponse,
} from './dto/grant-lifecycle.dto';
import { GrantResponse } from './dto/grant.dto';
import { EarmarkFundsService } from './earmark-funds.service';
import {
  GrantChangedError,
  InvalidGrantStepError,
  SettlementNotCoveredError,
} from './grant-lifecycle.errors';
import { GrantBankAccountRow, GrantLifecycleRepository } from './grant-lifecycle.repository';
import { GrantNotFoundError, GrantStateError } from './grants.errors';
import { planFunding } from './attribution-plan';
import { GrantEventRow, GrantRow, GrantStepRow, GrantsRepository } from './grants.repository';
import { GrantsService } from './grants.service';

/** Source types of the journal entries of a grant's lifecycle. */
export const GRANT_DISBURSEMENT = 'grant-disbursement';
export const GRANT_SETTLEMENT = 'grant-settlement';
/** A settlement above the advance waits for a second person. */
export const GRANT_OVERSPEND_APPROVAL = 'grant.overspend';

const CASH = '1000';
const ADVANCES = '1200';
const GRANTS_PAYABLE = '2200';
const SUPPORT_COSTS_PAYABLE = '2400';
const GRANT_EXPENSE = '5000';
const SUPPORT_COSTS = '5400';

/** What a pending overspend settlement will execute: plain JSON. */
export interface OverspendPayload {
  grantId: string;
  date: CalendarDate;
  actualCost: string;
  bankAccount?: string;
  reason?: string;
}

/** A settlement checked against the grant and the earmark as they are, ready to post. */
interface PreparedSettlement {
  fund: FundRow;
  accounts: AccountRow[];
  posting: PostingRequest;
  advance: Money;
  actual: Money;
  support: Money;
  /** What is still committed for the grant (approved but not advanced): released now. */
  rest: Money;
  overspend: boolean;
  bank: GrantBankAccountRow | undefined;
}

/**
 * What happens to an approved grant: the advance is paid (the commitment becomes an advance),
 * the grant is settled at its actual cost (unspent money back to the bank and to the earmark,
 * what is left of the commitment released, programme support costs charged at the fund's rate
 * on the actual cost; a cost above the advance needs a second person), or it is cancelled (the
 * commitment released). Each step posts a journal entry or appends commitment records and one
 * grant step; nothing is edited. Every step locks the earmark, then the grant, as approval does,
 * so that what the earmark has available is read and changed by one writer at a time.
 */
@Injectable()
export class GrantLifecycleService implements OnModuleInit {
  constructor(
    private readonly dataSource: DataSource,
    private readonly transactions: TransactionRunner,
    private readonly idempotency: IdempotencyService,
    private readonly approvals: ApprovalsService,
    private readonly audit: AuditService,
    private readonly funds: FundsService,
    private readonly ledger: LedgerService,
    private readonly grants: GrantsService,
    private readonly earmarkFunds: EarmarkFundsService,
    private readonly grantsRepository: GrantsRepository,
    private readonly repository: GrantLifecycleRepository,
  ) {}

  onModuleInit(): void {
    this.approvals.register<OverspendPayload, GrantResponse>({
      kind: GRANT_OVERSPEND_APPROVAL,
      execute: (manager, payload, context) =>
        this.settleOverspendNow(manager, context.checker, payload, {
          id: context.approvalId,
          maker: context.maker,
        }),
    });
  }

  /** Pays the advance: Dr grant advances [earmark] / Cr cash; the commitment is consumed. */
  disburse(
    actor: Actor,
    id: string,
    request: DisburseGrantRequest,
    idempotency: IdempotencyRequest | undefined,
  ): Promise<IdempotentResult<GrantResponse>> {
    return this.idempotency.run(actor, idempotency, 200, async (manager) => {
      const grant = await this.lockForStep(manager, id);
      if (grant.status !== 'approved') {
        throw new GrantStateError(grant.number, grant.status, 'disbursed');
      }
      const currency = grant.functional_currency;
      const steps = await this.grantsRepository.steps(manager, grant.id);
      const errors: FieldError[] = [];
      const committed = Money.fromMinor(grant.committed_minor, currency);
      const amount =
        request.amount === undefined
          ? committed
          : parsePositiveAmount('amount', request.amount, currency, errors);
      if (amount !== undefined && amount.compare(committed) > 0) {
        errors.push({
          field: 'amount',
          rule: 'notMoreThanCommitted',
          reason: `${amount.toString()} is more than the ${committed.toString()} committed for the grant`,
        });
      }
      dateErrors(request.date, steps, errors);
      const fund = await this.funds.requireFund(manager, grant.fund_code);
      const bank = await this.bankAccount(manager, fund, request.bankAccount, errors);
      if (errors.length > 0) throw new InvalidGrantStepError(errors);
      const advance = amount as Money;
      const posted = await this.ledger.post(
        manager,
        actor,
        fund,
        await this.funds.accounts(manager, fund.id),
        {
          fundId: fund.id,
          date: request.date,
          description:
            `Advance of grant ${grant.number} to ${grant.participant_name}` +
            ` (${grant.event_code})`,
          sourceType: GRANT_DISBURSEMENT,
          sourceRef: grant.id,
          idempotencyKey: `${GRANT_DISBURSEMENT}:${grant.id}`,
          reason: request.reason,
          lines: [
            line(ADVANCES, advance, { earmarkId: grant.earmark_id }),
            line(CASH, advance.negate(), { bankAccountId: (bank as GrantBankAccountRow).id }),
          ],
        },
      );
      await this.grantsRepository.insertCommitment(manager, {
        fundId: grant.fund_id,
        earmarkId: grant.earmark_id,
        grantId: grant.id,
        effectiveOn: request.date,
        amountMinor: -advance.minor,
        cause: 'disbursed',
      });
      await this.grantsRepository.insertStep(manager, {
        grantId: grant.id,
        kind: 'disbursed',
        effectiveOn: request.date,
        amountMinor: advance.minor,
        reason: request.reason,
        entryId: posted.id,
        actor: actor.id,
      });
      return this.grants.audited(manager, actor, 'grant.disburse', grant);
    });
  }

  /**
   * Settles at the actual cost. Up to the advance it is done at once (200); above it, an
   * approval request is answered (202) and the settlement executes once a second person approves.
   * Which of the two is decided on the grant as read before the unit of work (its advance never
   * changes once paid) and confirmed under the lock.
   */
  async settle(
    actor: Actor,
    id: string,
    request: SettleGrantRequest,
    idempotency: IdempotencyRequest | undefined,
  ): Promise<IdempotentResult<GrantResponse | ApprovalResponse>> {
    if (await this.looksLikeOverspend(id, request.actualCost)) {
      return this.idempotency.run(actor, idempotency, 202, (manager) =>
        this.requestOverspend(manager, actor, id, request),
      );
    }
    return this.idempotency.run(actor, idempotency, 200, async (manager) => {
      const grant = await this.lockForStep(manager, id);
      const prepared = await this.prepareSettlement(manager, grant, request);
      if (prepared.overspend) throw new GrantChangedError(grant.number);
      return this.settleNow(manager, actor, grant, prepared, actor, undefined);
    });
  }

  /** Executes an approved overspend, checking everything again on the grant as it now is. */
  async settleOverspendNow(
    manager: EntityManager,
    checker: Actor,
    payload: OverspendPayload,
    approval: { id: string; maker: ApprovalMaker },
  ): Promise<GrantResponse> {
    const grant = await this.lockForStep(manager, payload.grantId);
    const prepared = await this.prepareSettlement(manager, grant, payload);
    if (!prepared.overspend) throw new GrantChangedError(grant.number);
    return this.settleNow(manager, checker, grant, prepared, approval.maker, approval.id);
  }

  /**
   * Cancels a grant not yet paid: what is committed for it is released, and so is its
   * attribution to donors' receipts. A grant only requested just gets its step.
   */
  cancel(
    actor: Actor,
    id: string,
    request: CancelGrantRequest,
    idempotency: IdempotencyRequest | undefined,
  ): Promise<IdempotentResult<GrantResponse>> {
    return this.idempotency.run(actor, idempotency, 200, async (manager) => {
      const grant = await this.lockForStep(manager, id);
      if (grant.status !== 'requested' && grant.status !== 'approved') {
        throw new GrantStateError(grant.number, grant.status, 'cancelled');
      }
      const errors: FieldError[] = [];
      dateErrors(request.date, await this.grantsRepository.steps(manager, grant.id), errors);
      if (request.reason.trim() === '') {
        errors.push({
          field: 'reason',
          rule: 'required',
          reason: 'say why the grant is cancelled',
        });
      }
      if (errors.length > 0) throw new InvalidGrantStepError(errors);
      const committed = BigInt(grant.committed_minor);
      if (committed !== 0n) {
        await this.grantsRepository.insertCommitment(manager, {
          fundId: grant.fund_id,
          earmarkId: grant.earmark_id,
          grantId: grant.id,
          effectiveOn: request.date,
          amountMinor: -committed,
          cause: 'cancelled',
        });
      }
      await this.attributeTo(manager, grant, 0n, request.date);
      await this.grantsRepository.insertStep(manager, {
        grantId: grant.id,
        kind: 'cancelled',
        effectiveOn: request.date,
        reason: request.reason.trim(),
        actor: actor.id,
      });
      return this.grants.audited(manager, actor, 'grant.cancel', grant);
    });
  }

  /** Sets the fund's programme support-cost rate, charged on grants settled from now on. */
  setSupportCostRate(
    actor: Actor,
    fundCode: string,
    request: SetSupportCostRateRequest,
  ): Promise<SupportCostRateResponse> {
    return this.transactions.run(async (manager) => {
      const fund = await this.repository.lockSupportCostRate(manager, fundCode);
      if (fund === undefined) throw new FundNotFoundError(fundCode);
      const reason = request.reason.trim();
      if (reason === '') {
        throw new InvalidGrantStepError([
          { field: 'reason', rule: 'required', reason: 'say why the rate changes' },
        ]);
      }
      const rate = await this.repository.setSupportCostRate(manager, fund.id, request.rate);
      const response: SupportCostRateResponse = {
        fund: fund.code,
        supportCostRate: rate,
        previousRate: fund.support_cost_rate,
        reason,
      };
      await this.audit.record(manager, actor, {
        action: 'fund.support-cost-rate',
        entityType: 'fund',
        entityId: fund.code,
        before: { supportCostRate: fund.support_cost_rate },
        after: { supportCostRate: rate, reason },
      });
      return response;
    });
  }

  /** Stores the overspend for a second person, after checking all it can now (422 if not). */
  private async requestOverspend(
    manager: EntityManager,
    actor: Actor,
    id: string,
    request: SettleGrantRequest,
  ): Promise<ApprovalResponse> {
    const grant = await this.lockForStep(manager, id);
    const prepared = await this.prepareSettlement(manager, grant, request);
    if (!prepared.overspend) throw new GrantChangedError(grant.number);
    await this.ledger.check(manager, prepared.fund, prepared.accounts, prepared.posting);
    const extra = prepared.actual.subtract(prepared.advance);
    const payload: OverspendPayload = {
      grantId: grant.id,
      date: request.date,
      actualCost: prepared.actual.toDecimalString(),
      ...(prepared.bank === undefined ? {} : { bankAccount: prepared.bank.code }),
      ...(request.reason === undefined ? {} : { reason: request.reason }),
    };
    return this.approvals.request<OverspendPayload>(manager, actor, {
      kind: GRANT_OVERSPEND_APPROVAL,
      summary:
        `Settle grant ${grant.number} (${grant.participant_name}, ${grant.event_code}) at ` +
        `${prepared.actual.toString()}: ${extra.toString()} over the advance of ` +
        `${prepared.advance.toString()}, ` +
        (prepared.bank === undefined
          ? 'owed (grants payable)'
          : `paid from bank account ${prepared.bank.code}`) +
        ` on ${request.date}` +
        (request.reason === undefined ? '' : ` — ${request.reason}`),
      payload,
      fundId: grant.fund_id,
      subject: `grant:${grant.id}`,
    });
  }

  /** Posts the settlement, releases what is left committed, adjusts attribution, appends the step. */
  private async settleNow(
    manager: EntityManager,
    auditActor: Actor,
    grant: GrantRow,
    prepared: PreparedSettlement,
    author: ApprovalMaker,
    approvalId: string | undefined,
  ): Promise<GrantResponse> {
    const posted = await this.ledger.post(
      manager,
      author,
      prepared.fund,
      prepared.accounts,
      prepared.posting,
    );
    if (prepared.rest.isPositive()) {
      await this.grantsRepository.insertCommitment(manager, {
        fundId: grant.fund_id,
        earmarkId: grant.earmark_id,
        grantId: grant.id,
        effectiveOn: prepared.posting.date,
        amountMinor: -prepared.rest.minor,
        cause: 'settled',
      });
    }
    await this.attributeTo(manager, grant, prepared.actual.minor, prepared.posting.date);
    await this.grantsRepository.insertStep(manager, {
      grantId: grant.id,
      kind: 'settled',
      effectiveOn: prepared.posting.date,
      amountMinor: prepared.actual.minor,
      reason: prepared.posting.reason,
      entryId: posted.id,
      approvalId,
      actor: author.id,
    });
    return this.grants.audited(manager, auditActor, 'grant.settle', grant);
  }

  /**
   * The settlement entry, checked on the grant and the earmark as they are:
   * Dr 5000 expense [earmark] actual cost; Dr 1000 cash what comes back (or, above the advance,
   * Cr 1000 cash paid, or Cr 2200 grants payable owed, for the difference); Cr 1200 the advance;
   * Dr 5400 / Cr 2400 the support costs (rate × actual cost, half-even to the cent).
   * The earmark must carry what the settlement costs beyond what the grant already holds (its
   * advance and what is left of its commitment): available money is never negative.
   */
  private async prepareSettlement(
    manager: EntityManager,
    grant: GrantRow,
    request: { date: CalendarDate; actualCost: string; bankAccount?: string; reason?: string },
  ): Promise<PreparedSettlement> {
    if (grant.status !== 'disbursed') {
      throw new GrantStateError(grant.number, grant.status, 'settled');
    }
    const currency = grant.functional_currency;
    const steps = await this.grantsRepository.steps(manager, grant.id);
    const advance = Money.fromMinor(
      (steps.find((step) => step.kind === 'disbursed') as GrantStepRow).amount_minor as string,
      currency,
    );
    const errors: FieldError[] = [];
    const actual = parseCost(request.actualCost, currency, errors);
    dateErrors(request.date, steps, errors);
    const fund = await this.funds.requireFund(manager, grant.fund_code);
    const bank =
      request.bankAccount === undefined
        ? undefined
        : await this.bankAccount(manager, fund, request.bankAccount, errors);
    if (actual !== undefined && actual.compare(advance) < 0 && request.bankAccount === undefined) {
      errors.push({
        field: 'bankAccount',
        rule: 'required',
        reason: `the ${advance.subtract(actual).toString()} not spent of the advance comes back to a bank account: name it`,
      });
    }
    if (errors.length > 0) throw new InvalidGrantStepError(errors);
    const cost = actual as Money;
    const rateText = await this.repository.supportCostRate(manager, fund.id);
    const rate = isZeroRate(rateText) ? undefined : Rate.parse(rateText);
    const support = rate === undefined ? Money.zero(currency) : cost.convert(rate, currency);
    const rest = Money.fromMinor(grant.committed_minor, currency);
    const { available } = await this.earmarkFunds.available(manager, grant.earmark_id, currency);
    const needed = cost.add(support).subtract(advance);
    const room = available.add(rest);
    if (needed.compare(room) > 0) {
      const event = (await this.grantsRepository.event(manager, grant.event_id)) as GrantEventRow;
      throw new SettlementNotCoveredError(event.earmark_code, needed.toString(), room.toString());
    }
    const earmark = { earmarkId: grant.earmark_id };
    const lines: PostingLine[] = [];
    if (cost.isPositive()) lines.push(line(GRANT_EXPENSE, cost, earmark));
    const difference = advance.subtract(cost);
    if (difference.isPositive()) {
      lines.push(line(CASH, difference, { bankAccountId: (bank as GrantBankAccountRow).id }));
    }
    lines.push(line(ADVANCES, advance.negate(), earmark));
    if (difference.isNegative()) {
      lines.push(
        bank === undefined
          ? line(GRANTS_PAYABLE, difference, earmark)
          : line(CASH, difference, { bankAccountId: bank.id }),
      );
    }
    if (support.isPositive()) {
      lines.push(line(SUPPORT_COSTS, support, earmark));
      lines.push(line(SUPPORT_COSTS_PAYABLE, support.negate(), {}));
    }
    const accounts = await this.funds.accounts(manager, fund.id);
    return {
      fund,
      accounts,
      advance,
      actual: cost,
      support,
      rest,
      overspend: difference.isNegative(),
      bank,
      posting: {
        fundId: fund.id,
        date: request.date,
        description:
          `Settlement of grant ${grant.number} (${grant.participant_name}, ${grant.event_code}):` +
          ` actual cost ${cost.toString()}, advance ${advance.toString()}` +
          (difference.isPositive() ? `, ${difference.toString()} returned` : '') +
          (difference.isNegative()
            ? `, ${difference.negate().toString()} ${bank === undefined ? 'owed' : 'paid'}`
            : '') +
          (rate === undefined ? '' : `; support costs ${percent(rate)} ${support.toString()}`),
        sourceType: GRANT_SETTLEMENT,
        sourceRef: grant.id,
        idempotencyKey: `${GRANT_SETTLEMENT}:${grant.id}`,
        reason: request.reason,
        lines,
      },
    };
  }

  /**
   * Brings what the grant is attributed to donors' receipts to `target` (its direct cost; support
   * costs are not attributed): beyond it, attributions are given back newest first (negative
   * rows); below it, the earmark's receipts not yet attributed are taken oldest first, as on
   * approval. Runs under the earmark's lock. Dated `on`, the step's effective date.
   */
  private async attributeTo(
    manager: EntityManager,
    grant: GrantRow,
    target: bigint,
    on: CalendarDate,
  ): Promise<void> {
    const held = await this.repository.heldAttributions(manager, grant.id);
    const total = held.reduce((sum, row) => sum + BigInt(row.amount_minor), 0n);
    if (total > target) {
      let excess = total - target;
      for (const row of held) {
        if (excess <= 0n) break;
        const amount = BigInt(row.amount_minor);
        const release = amount < excess ? amount : excess;
        await this.grantsRepository.insertAttribution(manager, {
          grantId: grant.id,
          donorId: row.donor_id,
          allocationId: row.allocation_id,
          amountMinor: -release,
          attributedOn: on,
        });
        excess -= release;
      }
      return;
    }
    const funding = await this.grantsRepository.funding(manager, grant.earmark_id);
    for (const take of planFunding(funding, target - total).takes) {
      await this.grantsRepository.insertAttribution(manager, {
        grantId: grant.id,
        ...take,
        attributedOn: on,
      });
    }
  }

  /** The earmark locked first, then the grant: the order every writer of an earmark keeps. */
  private async lockForStep(manager: EntityManager, id: string): Promise<GrantRow> {
    const found = isUuid(id) ? await this.grantsRepository.find(manager, id) : undefined;
    if (found === undefined) throw new GrantNotFoundError(id);
    await this.grantsRepository.lockEarmark(manager, found.earmark_id);
    return this.grants.lockGrant(manager, id);
  }

  /** Whether the settlement asked for is above the grant's advance, read without locking. */
  private async looksLikeOverspend(id: string, actualCost: string): Promise<boolean> {
    if (!isUuid(id)) return false;
    const manager = this.dataSource.manager;
    const grant = await this.grantsRepository.find(manager, id);
    if (grant === undefined) return false;
    const disbursed = (await this.grantsRepository.steps(manager, id)).find(
      (step) => step.kind === 'disbursed',
    );
    if (disbursed === undefined || disbursed.amount_minor === null) return false;
    const actual = parseCost(actualCost, grant.functional_currency, []);
    return actual !== undefined && actual.minor > BigInt(disbursed.amount_minor);
  }

  /** The fund's bank account with this code, in the fund's currency (field error otherwise). */
  private async bankAccount(
    manager: EntityManager,
    fund: FundRow,
    code: string,
    errors: FieldError[],
  ): Promise<GrantBankAccountRow | undefined> {
    const bank = await this.repository.bankAccount(manager, fund.id, code);
    if (bank === undefined) {
      errors.push({
        field: 'bankAccount',
        rule: 'exists',
        reason: `fund ${fund.code} has no bank account ${code}`,
      });
      return undefined;
    }
    if (bank.currency !== fund.functional_currency) {
      errors.push({
        field: 'bankAccount',
        rule: 'bankAccountCurrency',
        reason: `grants are paid in ${fund.functional_currency}; bank account ${bank.code} is in ${bank.currency}`,
      });
      return undefined;
    }
    return bank;
  }
}

/** A line in the fund's currency: the amount is its own functional amount. */
function line(
  accountCode: string,
  amount: Money,
  dimensions: { earmarkId?: string; bankAccountId?: string },
): PostingLine {
  return { accountCode, ...dimensions, amount, functional: amount };
}

/** An actual cost: an amount of zero or more (nothing spent: all of the advance comes back). */
function parseCost(input: string, currency: string, errors: FieldError[]): Money | undefined {
  let cost: Money;
  try {
    cost = Money.parse(input, currency);
  } catch (error) {
    errors.push({
      field: 'actualCost',
      rule: 'amount',
      reason: error instanceof Error ? error.message : String(error),
    });
    return undefined;
  }
  if (cost.isNegative()) {
    errors.push({ field: 'actualCost', rule: 'notNegative', reason: 'must not be negative' });
    return undefined;
  }
  return cost;
}

/** A step happens after the grant's latest step and not after today. */
function dateErrors(
  date: CalendarDate,
  steps: readonly GrantStepRow[],
  errors: FieldError[],
): void {
  const latest = steps.reduce<CalendarDate | undefined>(
    (last, step) => (last === undefined || step.effective_on > last ? step.effective_on : last),
    undefined,
  );
  if (latest !== undefined && date < latest) {
    errors.push({
      field: 'date',
      rule: 'notBeforeLastStep',
      reason: `must be on or after ${latest}, the date of the grant's latest step`,
    });
  }
  if (date > todayUtc()) {
    errors.push({
      field: 'date',
      rule: 'notInFuture',
      reason: 'a step is recorded once it happened: the date is not after today',
    });
  }
}

function isZeroRate(rate: string): boolean {
  return /^0(\.0*)?$/.test(rate);
}

/** 0.0725 → "7.25%". */
function percent(rate: Rate): string {
  return `${formatScaled(divideHalfEven(rate.num * 10000n, rate.den), 2)}%`;
}
