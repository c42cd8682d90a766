import { Injectable, OnModuleInit } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { ApprovalMaker } from '../approvals/approval-handler.registry';
import { ApprovalsService } from '../approvals/approvals.service';
import { ApprovalResponse } from '../approvals/dto/approval.dto';
import { AuditService } from '../audit/audit.service';
import { STAFF } from '../auth/roles';
import { Actor } from '../common/actor';
import { CalendarDate, todayUtc } from '../common/calendar-date';
import { FieldError } from '../common/errors/problem';
import { IdempotencyRequest } from '../common/idempotency/idempotency-key.decorator';
import { IdempotencyService } from '../common/idempotency/idempotency.service';
import { IdempotentResult } from '../common/idempotency/idempotent-result';
import { FundNotFoundError } from '../funds/funds.errors';
import { AccountRow, FundRow } from '../funds/funds.repository';
import { FundsService } from '../funds/funds.service';
import { LedgerService } from '../ledger/ledger.service';
import { PostingLine, PostingRequest } from '../ledger/ledger.types';
import { isSupportedCurrency } from '../money/currency';
import { parsePositiveAmount } from '../money/amount-field';
import { Money } from '../money/money';
import { Rate } from '../money/rate';
import { RatesService } from '../rates/rates.service';
import {
  AgreePledgeRequest,
  ConditionsMetRequest,
  CreatePledgeRequest,
  EndPledgeRequest,
  ListPledgesQuery,
  PledgePageResponse,
  PledgeQuery,
  PledgeResponse,
} from './dto/pledge.dto';
import { generateSchedule, ScheduledInstalment } from './pledge-schedule';
import {
  PLEDGE_AGREEMENT,
  PLEDGE_CANCELLATION,
  PLEDGE_CONDITIONS_MET,
  PLEDGE_STATUSES,
  PLEDGE_WRITE_OFF,
  PledgeEnding,
} from './pledge-status';
import { PledgeViewsService, RECEIVABLE, toPledgeSummary } from './pledge-views.service';
import {
  ConditionsAlreadyMetError,
  ConditionsNotMetError,
  InvalidPledgeError,
  NothingOutstandingError,
  PledgeAlreadyAgreedError,
  PledgeEndedError,
  PledgeNotAgreedError,
  PledgeNotConditionalError,
  PledgeNotFoundError,
} from './pledges.errors';
import { PledgeRow, PledgesRepository } from './pledges.repository';

const REVENUE = '4000';
const CONDITIONAL_CONTRIBUTIONS = '2100';
const WRITE_OFFS = '5300';
const DEFAULT_EARMARK = 'UNEARMARKED';
const DEFAULT_LIMIT = 50;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The approval kinds of the two endings. */
export const PLEDGE_CANCEL = 'pledge.cancel';
export const PLEDGE_WRITE_OFF_APPROVAL = 'pledge.write-off';

/** What an ending's approval request stores. */
export interface EndingPayload {
  pledgeId: string;
  date: CalendarDate;
  reason: string;
}

interface PreparedEnding {
  pledge: PledgeRow;
  /** Absent when nothing is on the ledger (an announced pledge is cancelled off-ledger). */
  posting?: { fund: FundRow; accounts: AccountRow[]; request: PostingRequest };
}

/**
 * Pledges from announcement to their end. An announcement is recorded off-ledger (memo); the
 * agreement, the conditions being met, a cancellation and a write-off each post one entry
 * through the ledger, in the same transaction as the change of the pledge and its audit record.
 * Cancellation and write-off are asked for by one person and executed when another approves.
 */
@Injectable()
export class PledgesService implements OnModuleInit {
  constructor(
    private readonly dataSource: DataSource,
    private readonly idempotency: IdempotencyService,
    private readonly funds: FundsService,
    private readonly ledger: LedgerService,
    private readonly rates: RatesService,
    private readonly audit: AuditService,
    private readonly approvals: ApprovalsService,
    private readonly repository: PledgesRepository,
    private readonly views: PledgeViewsService,
  ) {}

  onModuleInit(): void {
    for (const [kind, ending] of [
      [PLEDGE_CANCEL, 'cancelled'],
      [PLEDGE_WRITE_OFF_APPROVAL, 'written-off'],
    ] as const) {
      this.approvals.register<EndingPayload, PledgeResponse>({
        kind,
        execute: (manager, payload, context) =>
          this.endNow(manager, context.checker, ending, payload, {
            id: context.approvalId,
            maker: context.maker,
          }),
      });
    }
  }

  /** Records an announced pledge and its schedule: nothing is posted (off-ledger, memo). */
  create(
    actor: Actor,
    request: CreatePledgeRequest,
    idempotency: IdempotencyRequest | undefined,
  ): Promise<IdempotentResult<PledgeResponse>> {
    return this.idempotency.run(actor, idempotency, 201, async (manager) => {
      const { fund, earmarkId, amount, schedule } = await this.prepareCreate(manager, request);
      const year = Number(request.announcedOn.slice(0, 4));
      const number = await this.repository.nextNumber(manager, fund.id, year);
      const id = await this.repository.insert(manager, {
        fundId: fund.id,
        donorId: request.donorId,
        earmarkId,
        reference: `${fund.code}-${year}-${String(number).padStart(4, '0')}`,
        currency: amount.currency,
        amountMinor: amount.minor,
        announcedOn: request.announcedOn,
        createdBy: actor.id,
      });
      await this.repository.insertInstalments(
        manager,
        id,
        schedule.map((instalment) => ({
          dueDate: instalment.dueDate,
          amountMinor: instalment.amount.minor,
        })),
      );
      await this.repository.insertEvent(manager, {
        pledgeId: id,
        kind: 'announced',
        effectiveOn: request.announcedOn,
        actor: actor.id,
      });
      const created = await this.detail(manager, id, todayUtc());
      await this.audit.record(manager, actor, {
        action: 'pledge.create',
        entityType: 'pledge',
        entityId: id,
        after: auditView(created),
      });
      return created;
    });
  }

  /**
   * Records the signed agreement and books it: Dr receivable / Cr contribution revenue, or Cr
   * conditional contributions when conditions must be met first, in the pledge currency and in
   * the fund's currency at the UN rate of the agreement date.
   */
  agree(
    actor: Actor,
    id: string,
    request: AgreePledgeRequest,
    idempotency: IdempotencyRequest | undefined,
  ): Promise<IdempotentResult<PledgeResponse>> {
    return this.idempotency.run(actor, idempotency, 200, async (manager) => {
      const pledge = await this.lockPledge(manager, id);
      assertNotEnded(pledge);
      if (pledge.agreed_on !== null) {
        throw new PledgeAlreadyAgreedError(pledge.reference, pledge.agreed_on);
      }
      assertNotBefore(
        'agreedOn',
        request.agreedOn,
        pledge.announced_on,
        'notBeforeAnnouncement',
        'announcement',
      );
      await this.assertNotBeforeAmendment(manager, pledge, 'agreedOn', request.agreedOn);
      const conditional = request.conditional ?? false;
      const fund = await this.funds.requireFund(manager, pledge.fund_code);
      const amount = Money.fromMinor(pledge.amount_minor, pledge.currency);
      const { functional, rate } = await this.toFunctional(manager, fund, amount, request.agreedOn);
      const dimensions = pledgeDimensions(pledge);
      const posted = await this.ledger.post(
        manager,
        actor,
        fund,
        await this.funds.accounts(manager, fund.id),
        {
          fundId: fund.id,
          date: request.agreedOn,
          description:
            `Agreement ${request.documentRef} on pledge ${pledge.reference} ` +
            `(${pledge.donor_name})${conditional ? ', conditional' : ''}`,
          sourceType: PLEDGE_AGREEMENT,
          sourceRef: pledge.id,
          idempotencyKey: `${PLEDGE_AGREEMENT}:${pledge.id}`,
          lines: [
            { accountCode: RECEIVABLE, ...dimensions, amount, functional, rate },
            {
              accountCode: conditional ? CONDITIONAL_CONTRIBUTIONS : REVENUE,
              ...dimensions,
              amount: amount.negate(),
              functional: functional.negate(),
              rate,
            },
          ],
        },
      );
      const recorded = await this.repository.recordAgreement(manager, pledge.id, {
        agreedOn: request.agreedOn,
        documentRef: request.documentRef,
        conditional,
      });
      // The row is locked: only a change made outside this service could get here.
      if (!recorded) throw new PledgeAlreadyAgreedError(pledge.reference, 'another date');
      await this.repository.insertEvent(manager, {
        pledgeId: pledge.id,
        kind: 'agreed',
        effectiveOn: request.agreedOn,
        documentRef: request.documentRef,
        entryId: posted.id,
        actor: actor.id,
      });
      return this.audited(manager, actor, 'pledge.agree', pledge, request.agreedOn);
    });
  }

  /** Moves the contribution from the conditional liability to revenue, for what was booked. */
  conditionsMet(
    actor: Actor,
    id: string,
    request: ConditionsMetRequest,
    idempotency: IdempotencyRequest | undefined,
  ): Promise<IdempotentResult<PledgeResponse>> {
    return this.idempotency.run(actor, idempotency, 200, async (manager) => {
      const pledge = await this.lockPledge(manager, id);
      assertNotEnded(pledge);
      if (pledge.agreed_on === null) {
        throw new PledgeNotAgreedError(pledge.reference, 'conditions belong to an agreement');
      }
      if (!pledge.conditional) throw new PledgeNotConditionalError(pledge.reference);
      if (pledge.conditions_met_on !== null) {
        throw new ConditionsAlreadyMetError(pledge.reference, pledge.conditions_met_on);
      }
      assertNotBefore('date', request.date, pledge.agreed_on, 'notBeforeAgreement', 'agreement');
      await this.assertNotBeforeAmendment(manager, pledge, 'date', request.date);
      const fund = await this.funds.requireFund(manager, pledge.fund_code);
      const held = await this.balanceByCurrency(manager, pledge, CONDITIONAL_CONTRIBUTIONS);
      const dimensions = pledgeDimensions(pledge);
      // The liability holds credits (negative): debit it back to zero, credit revenue as much.
      const lines = held.flatMap(({ amount, functional }): PostingLine[] => [
        {
          accountCode: CONDITIONAL_CONTRIBUTIONS,
          ...dimensions,
          amount: amount.negate(),
          functional: functional.negate(),
        },
        { accountCode: REVENUE, ...dimensions, amount, functional },
      ]);
      const posted = await this.ledger.post(
        manager,
        actor,
        fund,
        await this.funds.accounts(manager, fund.id),
        {
          fundId: fund.id,
          date: request.date,
          description: `Conditions met on pledge ${pledge.reference} (${pledge.donor_name})`,
          sourceType: PLEDGE_CONDITIONS_MET,
          sourceRef: pledge.id,
          idempotencyKey: `${PLEDGE_CONDITIONS_MET}:${pledge.id}`,
          lines,
        },
      );
      if (!(await this.repository.recordConditionsMet(manager, pledge.id, request.date))) {
        throw new ConditionsAlreadyMetError(pledge.reference, 'another date');
      }
      await this.repository.insertEvent(manager, {
        pledgeId: pledge.id,
        kind: 'conditions-met',
        effectiveOn: request.date,
        entryId: posted.id,
        actor: actor.id,
      });
      return this.audited(manager, actor, 'pledge.conditions-met', pledge, request.date);
    });
  }

  /**
   * Asks for a cancellation or a write-off: checked in full now (422/409 if it could not be
   * done), executed when an approver approves it (answer: the pending request, 202).
   */
  requestEnding(
    actor: Actor,
    ending: PledgeEnding,
    id: string,
    request: EndPledgeRequest,
    idempotency: IdempotencyRequest | undefined,
  ): Promise<IdempotentResult<ApprovalResponse>> {
    return this.idempotency.run(actor, idempotency, 202, async (manager) => {
      const prepared = await this.prepareEnding(
        manager,
        ending,
        await this.findPledge(manager, id),
        {
          pledgeId: id,
          date: request.date,
          reason: request.reason,
        },
      );
      const { pledge } = prepared;
      const outstanding = prepared.posting?.request.lines
        .filter((line) => line.accountCode === RECEIVABLE)
        .map((line) => line.amount.negate().toString())
        .join(', ');
      return this.approvals.request<EndingPayload>(manager, actor, {
        kind: ending === 'cancelled' ? PLEDGE_CANCEL : PLEDGE_WRITE_OFF_APPROVAL,
        summary:
          `${ending === 'cancelled' ? 'Cancel' : 'Write off'} pledge ${pledge.reference} ` +
          `(${pledge.donor_name}) on ${request.date}` +
          `${outstanding === undefined ? ' (announced, nothing booked)' : `: ${outstanding} outstanding`}` +
          ` — ${request.reason}`,
        payload: { pledgeId: pledge.id, date: request.date, reason: request.reason },
        fundId: pledge.fund_id,
        subject: `pledge:${pledge.id}`,
      });
    });
  }

  /**
   * Executes an approved ending in the approval's transaction, checking everything again on the
   * data as it is now (a payment may have arrived since it was asked for). The entry is written
   * by the maker; the approver is audited as the one who made it happen.
   */
  async endNow(
    manager: EntityManager,
    actor: Actor,
    ending: PledgeEnding,
    payload: EndingPayload,
    approval?: { id: string; maker: ApprovalMaker },
  ): Promise<PledgeResponse> {
    const locked = await this.lockPledge(manager, payload.pledgeId);
    const { pledge, posting } = await this.prepareEnding(manager, ending, locked, payload);
    const author = approval?.maker ?? actor;
    const posted =
      posting === undefined
        ? undefined
        : await this.ledger.post(manager, author, posting.fund, posting.accounts, posting.request);
    await this.repository.insertEvent(manager, {
      pledgeId: pledge.id,
      kind: ending,
      effectiveOn: payload.date,
      reason: payload.reason,
      entryId: posted?.id,
      approvalId: approval?.id,
      actor: author.id,
    });
    return this.audited(
      manager,
      actor,
      ending === 'cancelled' ? 'pledge.cancel' : 'pledge.write-off',
      pledge,
      payload.date,
    );
  }

  async get(actor: Actor, id: string, query: PledgeQuery): Promise<PledgeResponse> {
    const manager = this.dataSource.manager;
    const row = await this.findPledge(manager, id);
    if (!mayRead(actor, row)) throw new PledgeNotFoundError(id);
    return this.views.detail(manager, row, query.asOf ?? todayUtc(), {
      withEntries: !isDonorOnly(actor),
    });
  }

  /**
   * Pledges matching the filters, as of a date. The stored filters and sorts run in SQL with the
   * page; a filter or sort on what is derived (status, outstanding) derives every pledge the
   * stored filters leave, then filters, sorts and pages them (fine for a fund's thousands).
   */
  async list(actor: Actor, query: ListPledgesQuery): Promise<PledgePageResponse> {
    const manager = this.dataSource.manager;
    const asOf = query.asOf ?? todayUtc();
    const limit = query.limit ?? DEFAULT_LIMIT;
    const offset = query.offset ?? 0;
    let fundId: string | undefined;
    if (query.fund !== undefined) {
      fundId = (await this.fundOrFieldError(manager, query.fund, [])).fund?.id;
      if (fundId === undefined) {
        throw new InvalidPledgeError([
          { field: 'fund', rule: 'exists', reason: `there is no fund ${query.fund}` },
        ]);
      }
    }
    let donorIds = query.donorId === undefined ? undefined : [query.donorId];
    if (isDonorOnly(actor)) {
      donorIds = actor.donorIds.filter((donor) => donorIds?.includes(donor) ?? true);
      if (donorIds.length === 0) return { items: [], total: 0, limit, offset };
    }
    const filter = {
      fundId,
      donorIds,
      earmark: query.earmark,
      currency: query.currency,
      announcedBy: asOf,
    };
    const sort = query.sort ?? '-announcedOn';
    const descending = sort.startsWith('-');
    const key = sort.replace(/^-/, '') as
      'reference' | 'announcedOn' | 'donor' | 'outstanding' | 'status';
    if (query.status === undefined && key !== 'outstanding' && key !== 'status') {
      const { rows, total } = await this.repository.list(
        manager,
        filter,
        { by: key, descending },
        { limit, offset },
      );
      const items = (await this.views.views(manager, rows, asOf)).map(({ row, view }) =>
        toPledgeSummary(row, view, asOf),
      );
      return { items, total, limit, offset };
    }
    const { rows } = await this.repository.list(manager, filter, {
      by: 'reference',
      descending: false,
    });
    const all = (await this.views.views(manager, rows, asOf)).filter(
      ({ view }) => query.status === undefined || view.status === query.status,
    );
    const sign = descending ? -1 : 1;
    const compare = (a: (typeof all)[number], b: (typeof all)[number]): number => {
      if (key === 'status') {
        return PLEDGE_STATUSES.indexOf(a.view.status) - PLEDGE_STATUSES.indexOf(b.view.status);
      }
      if (key === 'outstanding') {
        return a.view.totals.outstandingFunctional.compare(b.view.totals.outstandingFunctional);
      }
      if (key === 'donor') return a.row.donor_name.localeCompare(b.row.donor_name);
      if (key === 'announcedOn') return a.row.announced_on.localeCompare(b.row.announced_on);
      return 0;
    };
    all.sort((a, b) => sign * compare(a, b) || sign * (a.row.reference < b.row.reference ? -1 : 1));
    return {
      items: all
        .slice(offset, offset + limit)
        .map(({ row, view }) => toPledgeSummary(row, view, asOf)),
      total: all.length,
      limit,
      offset,
    };
  }

  /** Everything a new pledge must satisfy, reported together, field by field. */
  private async prepareCreate(
    manager: EntityManager,
    request: CreatePledgeRequest,
  ): Promise<{ fund: FundRow; earmarkId: string; amount: Money; schedule: ScheduledInstalment[] }> {
    const errors: FieldError[] = [];
    const { fund } = await this.fundOrFieldError(manager, request.fund, errors);
    let earmarkId: string | undefined;
    if (fund !== undefined) {
      const code = request.earmark ?? DEFAULT_EARMARK;
      earmarkId = (await this.funds.earmarks(manager, fund.id)).find((e) => e.code === code)?.id;
      if (earmarkId === undefined) {
        errors.push({
          field: 'earmark',
          rule: 'exists',
          reason: `fund ${fund.code} has no earmark ${code}`,
        });
      }
    }
    if ((await this.repository.donorName(manager, request.donorId)) === undefined) {
      errors.push({ field: 'donorId', rule: 'exists', reason: 'there is no donor with this id' });
    }
    if (request.announcedOn > todayUtc()) {
      errors.push({
        field: 'announcedOn',
        rule: 'notInFuture',
        reason: 'a pledge is recorded once announced: the date must not be in the future',
      });
    }
    let amount: Money | undefined;
    let schedule: ScheduledInstalment[] | undefined;
    const currency = request.currency;
    if (!isSupportedCurrency(currency)) {
      errors.push({
        field: 'currency',
        rule: 'knownCurrency',
        reason: `${request.currency} is not an active ISO 4217 currency`,
      });
    } else {
      amount = parsePositiveAmount('amount', request.amount, request.currency, errors);
      schedule = scheduleOf(request, amount, errors);
    }
    if (errors.length > 0) throw new InvalidPledgeError(errors);
    return {
      fund: fund as FundRow,
      earmarkId: earmarkId as string,
      amount: amount as Money,
      schedule: schedule as ScheduledInstalment[],
    };
  }

  /**
   * What an ending would post, checked without writing: the whole outstanding receivable of the
   * pledge (per currency, at the value it was booked at) comes off the receivable, against
   * write-offs, revenue, or the conditional liability when revenue was never recognised.
   */
  private async prepareEnding(
    manager: EntityManager,
    ending: PledgeEnding,
    pledge: PledgeRow,
    payload: EndingPayload,
  ): Promise<PreparedEnding> {
    assertNotEnded(pledge);
    const agreed = pledge.agreed_on !== null;
    const unmet = pledge.conditional && pledge.conditions_met_on === null;
    if (ending === 'written-off' && !agreed) {
      throw new PledgeNotAgreedError(
        pledge.reference,
        'only an agreed pledge is written off; cancel an announced one',
      );
    }
    if (agreed)
      assertNotBefore('date', payload.date, pledge.agreed_on, 'notBeforeAgreement', 'agreement');
    else
      assertNotBefore(
        'date',
        payload.date,
        pledge.announced_on,
        'notBeforeAnnouncement',
        'announcement',
      );
    await this.assertNotBeforeAmendment(manager, pledge, 'date', payload.date);
    if (ending === 'written-off' && unmet) throw new ConditionsNotMetError(pledge.reference);
    if (!agreed) return { pledge };
    const action = ending === 'cancelled' ? 'cancel' : 'write off';
    const outstanding = await this.balanceByCurrency(manager, pledge, RECEIVABLE);
    const inPledgeCurrency = outstanding.find((o) => o.amount.currency === pledge.currency);
    if (inPledgeCurrency === undefined || !inPledgeCurrency.amount.isPositive()) {
      throw new NothingOutstandingError(pledge.reference, action);
    }
    const against =
      ending === 'written-off' ? WRITE_OFFS : unmet ? CONDITIONAL_CONTRIBUTIONS : REVENUE;
    const dimensions = pledgeDimensions(pledge);
    const sourceType = ending === 'cancelled' ? PLEDGE_CANCELLATION : PLEDGE_WRITE_OFF;
    const fund = await this.funds.requireFund(manager, pledge.fund_code);
    const accounts = await this.funds.accounts(manager, fund.id);
    const request: PostingRequest = {
      fundId: fund.id,
      date: payload.date,
      description: `${ending === 'cancelled' ? 'Cancellation' : 'Write-off'} of pledge ${pledge.reference} (${pledge.donor_name})`,
      sourceType,
      sourceRef: pledge.id,
      idempotencyKey: `${sourceType}:${pledge.id}`,
      reason: payload.reason,
      lines: outstanding.flatMap(({ amount, functional }): PostingLine[] => [
        { accountCode: against, ...dimensions, amount, functional },
        {
          accountCode: RECEIVABLE,
          ...dimensions,
          amount: amount.negate(),
          functional: functional.negate(),
        },
      ]),
    };
    await this.ledger.check(manager, fund, accounts, request);
    return { pledge, posting: { fund, accounts, request } };
  }

  /** The pledge's balance on an account (all dates), per currency, without the empty ones. */
  private async balanceByCurrency(
    manager: EntityManager,
    pledge: PledgeRow,
    accountCode: string,
  ): Promise<Array<{ amount: Money; functional: Money }>> {
    const sums = new Map<string, { amount: bigint; functional: bigint }>();
    for (const row of await this.repository.accountSums(manager, [pledge.id], accountCode)) {
      const sum = sums.get(row.currency) ?? { amount: 0n, functional: 0n };
      sum.amount += BigInt(row.amount_minor);
      sum.functional += BigInt(row.functional_minor);
      sums.set(row.currency, sum);
    }
    return [...sums.entries()]
      .filter(([, sum]) => sum.amount !== 0n || sum.functional !== 0n)
      .map(([currency, sum]) => ({
        amount: Money.of(sum.amount, currency),
        functional: Money.of(sum.functional, pledge.functional_currency),
      }));
  }

  /**
   * What happens to a pledge is dated in order: a change dated before an amendment would be
   * read against a schedule and amount that were not yet in force on its date.
   */
  private async assertNotBeforeAmendment(
    manager: EntityManager,
    pledge: PledgeRow,
    field: string,
    date: CalendarDate,
  ): Promise<void> {
    const { lastOn } = await this.repository.amendmentState(manager, pledge.id);
    assertNotBefore(field, date, lastOn, 'notBeforeAmendment', 'last amendment');
  }

  private async toFunctional(
    manager: EntityManager,
    fund: FundRow,
    amount: Money,
    date: CalendarDate,
  ): Promise<{ functional: Money; rate?: Rate }> {
    if (amount.currency === fund.functional_currency) return { functional: amount };
    const converted = await this.rates.convert(amount, fund.functional_currency, date, manager);
    return { functional: converted.money, rate: converted.rate };
  }

  /**
   * The pledge as it now is (as of the later of today and the change's date, so that a change
   * dated ahead shows), audited last in the unit of work, and the answer to the caller.
   */
  private async audited(
    manager: EntityManager,
    actor: Actor,
    action: string,
    before: PledgeRow,
    date: CalendarDate,
  ): Promise<PledgeResponse> {
    const after = await this.detail(manager, before.id, laterOf(todayUtc(), date));
    await this.audit.record(manager, actor, {
      action,
      entityType: 'pledge',
      entityId: before.id,
      before: {
        reference: before.reference,
        agreedOn: before.agreed_on,
        conditional: before.conditional,
        conditionsMetOn: before.conditions_met_on,
        ending: before.ending_kind,
      },
      after: auditView(after),
    });
    return after;
  }

  private async detail(
    manager: EntityManager,
    id: string,
    asOf: CalendarDate,
  ): Promise<PledgeResponse> {
    const row = await this.findPledge(manager, id);
    return this.views.detail(manager, row, asOf, { withEntries: true });
  }

  private async findPledge(manager: EntityManager, id: string): Promise<PledgeRow> {
    const row = UUID.test(id) ? await this.repository.find(manager, id) : undefined;
    if (row === undefined) throw new PledgeNotFoundError(id);
    return row;
  }

  private async lockPledge(manager: EntityManager, id: string): Promise<PledgeRow> {
    const row = UUID.test(id) ? await this.repository.lock(manager, id) : undefined;
    if (row === undefined) throw new PledgeNotFoundError(id);
    return row;
  }

  private async fundOrFieldError(
    manager: EntityManager,
    code: string,
    errors: FieldError[],
  ): Promise<{ fund?: FundRow }> {
    try {
      return { fund: await this.funds.requireFund(manager, code) };
    } catch (error) {
      if (!(error instanceof FundNotFoundError)) throw error;
      errors.push({ field: 'fund', rule: 'exists', reason: `there is no fund ${code}` });
      return {};
    }
  }
}

/** A donor user (holding no staff role) sees only the pledges of the donors they are linked to. */
function isDonorOnly(actor: Actor): boolean {
  return actor.roles.includes('donor') && !actor.roles.some((role) => STAFF.includes(role));
}

function mayRead(actor: Actor, pledge: PledgeRow): boolean {
  return !isDonorOnly(actor) || actor.donorIds.includes(pledge.donor_id);
}

function assertNotEnded(pledge: PledgeRow): void {
  if (pledge.ending_kind !== null) {
    throw new PledgeEndedError(pledge.reference, pledge.ending_kind, pledge.ending_on as string);
  }
}

function pledgeDimensions(
  pledge: PledgeRow,
): Pick<PostingLine, 'donorId' | 'earmarkId' | 'pledgeId'> {
  return { donorId: pledge.donor_id, earmarkId: pledge.earmark_id, pledgeId: pledge.id };
}

function laterOf(a: CalendarDate, b: CalendarDate): CalendarDate {
  return a > b ? a : b;
}

/** What the audit trail keeps of a pledge: its terms, schedule and standing, money as strings. */
function auditView(pledge: PledgeResponse): Record<string, unknown> {
  return {
    reference: pledge.reference,
    fund: pledge.fund,
    donor: pledge.donor,
    earmark: pledge.earmark,
    amount: pledge.amount,
    announcedOn: pledge.announcedOn,
    agreement: pledge.agreement,
    ending: pledge.ending,
    status: pledge.status,
    outstanding: pledge.outstanding,
    outstandingFunctional: pledge.outstandingFunctional,
    instalments: pledge.instalments.map(({ seq, dueDate, amount }) => ({ seq, dueDate, amount })),
  };
}

/**
 * The schedule asked for: explicit instalments (ordered by due date; they must add up to the
 * amount exactly) or generated ones (each at least one minor unit).
 */
function scheduleOf(
  request: CreatePledgeRequest,
  amount: Money | undefined,
  errors: FieldError[],
): ScheduledInstalment[] | undefined {
  const { instalments, generate, currency } = request;
  if (instalments !== undefined && generate !== undefined) {
    errors.push({
      field: 'generate',
      rule: 'oneSchedule',
      reason: 'give either the instalments or how to generate them, not both',
    });
    return undefined;
  }
  if (generate !== undefined) {
    if (amount === undefined) return undefined;
    if (BigInt(generate.count) > amount.minor) {
      errors.push({
        field: 'generate.count',
        rule: 'atMostAmount',
        reason: `${amount.toString()} cannot be split into ${generate.count} instalments of at least one minor unit`,
      });
      return undefined;
    }
    return generateSchedule(amount, generate.count, generate.period, generate.firstDueDate);
  }
  if (instalments === undefined) {
    errors.push({
      field: 'instalments',
      rule: 'scheduleRequired',
      reason: 'give the instalments (due dates and amounts), or how to generate them',
    });
    return undefined;
  }
  const parsed = instalments.map((instalment, index) => {
    const part = parsePositiveAmount(
      `instalments[${index}].amount`,
      instalment.amount,
      currency,
      errors,
    );
    return part === undefined ? undefined : { dueDate: instalment.dueDate, amount: part };
  });
  if (parsed.some((instalment) => instalment === undefined) || amount === undefined) {
    return undefined;
  }
  const schedule = (parsed as ScheduledInstalment[])
    .map((instalment, index) => ({ instalment, index }))
    .sort((a, b) =>
      a.instalment.dueDate === b.instalment.dueDate
        ? a.index - b.index
        : a.instalment.dueDate < b.instalment.dueDate
          ? -1
          : 1,
    )
    .map(({ instalment }) => instalment);
  const total = Money.sum(
    currency,
    schedule.map((instalment) => instalment.amount),
  );
  if (!total.equals(amount)) {
    errors.push({
      field: 'instalments',
      rule: 'sumsToAmount',
      reason: `the instalments add up to ${total.toString()}; the pledge is ${amount.toString()}`,
    });
    return undefined;
  }
  return schedule;
}

/** The events of a pledge happen in order: refuses `date` when it comes before `earlier`. */
function assertNotBefore(
  field: string,
  date: CalendarDate,
  earlier: CalendarDate | null,
  rule: string,
  event: string,
): void {
  if (earlier !== null && date < earlier) {
    throw new InvalidPledgeError([
      { field, rule, reason: `must be on or after the ${event}, ${earlier}` },
    ]);
  }
}
