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
import { JournalService } from '../ledger/journal.service';
import { parsePositiveAmount } from '../money/amount-field';
import { Money } from '../money/money';
import { ReferenceService } from '../reference/reference.service';
import {
  CheckEligibilityRequest,
  EligibilityResponse,
  GrantPageResponse,
  GrantResponse,
  GrantSummaryResponse,
  ListGrantsQuery,
  RequestGrantRequest,
} from './dto/grant.dto';
import { EarmarkFundsService } from './earmark-funds.service';
import { decideEligibility, Eligibility, GrantKind } from './eligibility';
import {
  GrantIneligibleError,
  GrantNotFoundError,
  GrantStateError,
  InsufficientFundsError,
  InvalidGrantError,
} from './grants.errors';
import { planFunding } from './attribution-plan';
import { GrantEventRow, GrantRow, GrantsRepository, ParticipantRow } from './grants.repository';

export const GRANT_APPROVAL = 'grant.approve';

export interface GrantApprovalPayload {
  grantId: string;
}

type StoredEligibility = Eligibility & { decisionDate: string; region: string | null };

/**
 * Participation grants from request to approval. A request is checked against the eligibility
 * rules as of its decision date (country status from the effective-dated reference data, one
 * full or two partial grants per country and event, per person and year); an ineligible one is
 * refused with the rules that failed, unless an exception with its reason is asked for. Approval
 * is a second person's (the approvals mechanism): it checks everything again and commits the
 * money against the earmark under the earmark's lock, so that concurrent approvals cannot
 * together commit more than is available, and attributes it to donors' receipts, oldest first.
 */
@Injectable()
export class GrantsService implements OnModuleInit {
  constructor(
    private readonly dataSource: DataSource,
    private readonly idempotency: IdempotencyService,
    private readonly approvals: ApprovalsService,
    private readonly audit: AuditService,
    private readonly reference: ReferenceService,
    private readonly journal: JournalService,
    private readonly earmarkFunds: EarmarkFundsService,
    private readonly repository: GrantsRepository,
  ) {}

  onModuleInit(): void {
    this.approvals.register<GrantApprovalPayload, GrantResponse>({
      kind: GRANT_APPROVAL,
      execute: (manager, payload, context) =>
        this.approveNow(manager, context.checker, payload, {
          id: context.approvalId,
          maker: context.maker,
        }),
    });
  }

  request(
    actor: Actor,
    request: RequestGrantRequest,
    idempotency: IdempotencyRequest | undefined,
  ): Promise<IdempotentResult<GrantResponse>> {
    return this.idempotency.run(actor, idempotency, 201, async (manager) => {
      const errors: FieldError[] = [];
      const { event, participant } = await this.subjects(manager, request, errors);
      const decisionDate = request.decisionDate ?? todayUtc();
      const amounts = event === undefined ? undefined : grantAmounts(event, request, errors);
      if (errors.length > 0) throw new InvalidGrantError(errors);
      const validEvent = event as GrantEventRow;
      const person = participant as ParticipantRow;
      // One request of the event (and of the person) at a time: the limits per country and
      // per person count what the others already asked for.
      await manager.query(`SELECT id FROM grant_event WHERE id = $1 FOR UPDATE`, [validEvent.id]);
      await manager.query(`SELECT id FROM participant WHERE id = $1 FOR UPDATE`, [person.id]);
      const eligibility = await this.decide(
        manager,
        validEvent,
        person,
        request.kind,
        decisionDate,
        null,
      );
      if (!eligibility.eligible && request.exception === undefined) {
        throw new GrantIneligibleError(eligibility.failed);
      }
      const year = Number(decisionDate.slice(0, 4));
      const sequence = await this.repository.nextNumber(manager, validEvent.fund_id, year);
      const { amount, ticket, allowance } = amounts as GrantAmounts;
      const id = await this.repository.insert(manager, {
        fundId: validEvent.fund_id,
        number: `GR-${year}-${String(sequence).padStart(4, '0')}`,
        eventId: validEvent.id,
        participantId: person.id,
        kind: request.kind,
        amountMinor: amount.minor,
        ticketMinor: ticket?.minor ?? null,
        allowanceMinor: allowance?.minor ?? null,
        decisionDate,
        eligibility,
        exceptionReason: eligibility.eligible ? null : (request.exception?.reason.trim() ?? null),
        createdBy: actor.id,
      });
      await this.repository.insertStep(manager, {
        grantId: id,
        kind: 'requested',
        effectiveOn: todayUtc(),
        amountMinor: amount.minor,
        actor: actor.id,
      });
      const after = await this.detail(manager, id);
      await this.audit.record(manager, actor, {
        action: 'grant.request',
        entityType: 'grant',
        entityId: id,
        after: withoutEntries(after),
      });
      return after;
    });
  }

  /** What the rules say of a grant, without recording anything. */
  async checkEligibility(
    _actor: Actor,
    request: CheckEligibilityRequest,
  ): Promise<EligibilityResponse> {
    const manager = this.dataSource.manager;
    const errors: FieldError[] = [];
    const { event, participant } = await this.subjects(manager, request, errors);
    if (errors.length > 0) throw new InvalidGrantError(errors);
    const eligibility = await this.decide(
      manager,
      event as GrantEventRow,
      participant as ParticipantRow,
      request.kind,
      request.decisionDate ?? todayUtc(),
      null,
    );
    return toEligibilityResponse(eligibility);
  }

  /** Asks a second person to approve: checked now (422 if it could not be), executed on approval. */
  requestApproval(
    actor: Actor,
    id: string,
    idempotency: IdempotencyRequest | undefined,
  ): Promise<IdempotentResult<ApprovalResponse>> {
    return this.idempotency.run(actor, idempotency, 202, async (manager) => {
      const grant = await this.findGrant(manager, id);
      await this.prepareApproval(manager, grant);
      const amount = Money.fromMinor(grant.amount_minor, grant.functional_currency);
      return this.approvals.request<GrantApprovalPayload>(manager, actor, {
        kind: GRANT_APPROVAL,
        summary:
          `Approve grant ${grant.number}: ${grant.kind} ${amount.toString()} for ` +
          `${grant.participant_name} (${grant.participant_country}) at ${grant.event_name}` +
          (grant.exception_reason === null ? '' : ` — EXCEPTION: ${grant.exception_reason}`),
        payload: { grantId: grant.id },
        fundId: grant.fund_id,
        subject: `grant:${grant.id}`,
      });
    });
  }

  /**
   * Executes an approval in the approval's transaction: the earmark is locked first, so that
   * approvals against one earmark run one after the other and each sees what the others
   * committed; then everything is checked again and the money is committed and attributed.
   */
  async approveNow(
    manager: EntityManager,
    checker: Actor,
    payload: GrantApprovalPayload,
    approval: { id: string; maker: ApprovalMaker },
  ): Promise<GrantResponse> {
    const found = await this.findGrant(manager, payload.grantId);
    await this.repository.lockEarmark(manager, found.earmark_id);
    const grant = await this.lockGrant(manager, payload.grantId);
    const amount = await this.prepareApproval(manager, grant);
    const today = todayUtc();
    await this.repository.insertCommitment(manager, {
      fundId: grant.fund_id,
      earmarkId: grant.earmark_id,
      grantId: grant.id,
      effectiveOn: today,
      amountMinor: amount.minor,
      cause: 'approved',
    });
    await this.attribute(manager, grant, amount.minor, today);
    await this.repository.insertStep(manager, {
      grantId: grant.id,
      kind: 'approved',
      effectiveOn: today,
      amountMinor: amount.minor,
      approvalId: approval.id,
      actor: checker.id,
    });
    return this.audited(manager, checker, 'grant.approve', grant);
  }

  async get(_actor: Actor, id: string): Promise<GrantResponse> {
    const manager = this.dataSource.manager;
    await this.findGrant(manager, id);
    return this.detail(manager, id);
  }

  async list(_actor: Actor, query: ListGrantsQuery): Promise<GrantPageResponse> {
    const limit = query.limit ?? 50;
    const offset = query.offset ?? 0;
    const { rows, total } = await this.repository.list(
      this.dataSource.manager,
      { eventId: query.eventId, status: query.status, country: query.country },
      { limit, offset },
    );
    return { items: rows.map(toGrantSummary), total, limit, offset };
  }

  async detail(manager: EntityManager, id: string): Promise<GrantResponse> {
    const row = await this.findGrant(manager, id);
    const currency = row.functional_currency;
    const entries = [];
    for (const entryId of await this.repository.entryIds(manager, id)) {
      entries.push(await this.journal.read(manager, entryId));
    }
    return {
      ...toGrantSummary(row),
      steps: (await this.repository.steps(manager, id)).map((step) => ({
        kind: step.kind,
        on: step.effective_on,
        amount:
          step.amount_minor === null ? null : Money.fromMinor(step.amount_minor, currency).toJSON(),
        reason: step.reason,
        entryId: step.entry_id,
        approvalId: step.approval_id,
        actor: step.actor,
        at: new Date(step.at).toISOString(),
      })),
      attributions: (await this.repository.attributions(manager, id)).map((row) => ({
        donorId: row.donor_id,
        donorName: row.donor_name,
        amount: Money.fromMinor(row.amount_minor, currency).toJSON(),
      })),
      entries,
    };
  }

  async lockGrant(manager: EntityManager, id: string): Promise<GrantRow> {
    const row = isUuid(id) ? await this.repository.lock(manager, id) : undefined;
    if (row === undefined) throw new GrantNotFoundError(id);
    return row;
  }

  /** The grant as it now is, audited last in the unit of work, and the answer to the caller. */
  async audited(
    manager: EntityManager,
    actor: Actor,
    action: string,
    before: GrantRow,
  ): Promise<GrantResponse> {
    const after = await this.detail(manager, before.id);
    await this.audit.record(manager, actor, {
      action,
      entityType: 'grant',
      entityId: before.id,
      before: toGrantSummary(before),
      after: withoutEntries(after),
    });
    return after;
  }

  /**
   * Everything an approval needs to hold, checked on the data as it is now: the grant waits for
   * approval, it is still eligible as of its decision date (or carries an exception), and the
   * event's budget and the earmark's available money cover it.
   */
  private async prepareApproval(manager: EntityManager, grant: GrantRow): Promise<Money> {
    if (grant.status !== 'requested')
      throw new GrantStateError(grant.number, grant.status, 'approved');
    const event = (await this.repository.event(manager, grant.event_id)) as GrantEventRow;
    const participant = (await this.repository.participant(
      manager,
      grant.participant_id,
    )) as ParticipantRow;
    const eligibility = await this.decide(
      manager,
      event,
      participant,
      grant.kind,
      grant.decision_date,
      grant.id,
    );
    if (!eligibility.eligible && grant.exception_reason === null) {
      throw new GrantIneligibleError(eligibility.failed);
    }
    const currency = grant.functional_currency;
    const amount = Money.fromMinor(grant.amount_minor, currency);
    const budget = Money.fromMinor(event.budget_minor, currency);
    const used = Money.of(await this.eventApprovedTotal(manager, event.id), currency);
    if (used.add(amount).compare(budget) > 0) {
      throw new InsufficientFundsError(
        `in the budget of ${event.code}`,
        amount.toString(),
        budget.subtract(used).toString(),
      );
    }
    const { available } = await this.earmarkFunds.available(manager, grant.earmark_id, currency);
    if (amount.compare(available) > 0) {
      throw new InsufficientFundsError(
        `on earmark ${event.earmark_code}`,
        amount.toString(),
        available.toString(),
      );
    }
    return amount;
  }

  /** Approved grants of the event not cancelled: what its budget already carries. */
  private async eventApprovedTotal(manager: EntityManager, eventId: string): Promise<bigint> {
    const [row] = await manager.query<{ total: string }[]>(
      `SELECT coalesce(sum(g.amount_minor), 0)::text AS total FROM participation_grant g
        WHERE g.event_id = $1
          AND EXISTS (SELECT 1 FROM grant_step s WHERE s.grant_id = g.id AND s.kind = 'approved')
          AND NOT EXISTS (SELECT 1 FROM grant_step s WHERE s.grant_id = g.id AND s.kind = 'cancelled')`,
      [eventId],
    );
    return BigInt(row.total);
  }

  /**
   * Which donors' receipts pay for the grant: the earmark's receipt allocations oldest receipt
   * first, each as far as what it brought (net of bank charges) is not yet attributed. Never
   * more than a donor paid for the earmark: the approval checked that the money is there.
   * Dated `on`, the approval's effective date.
   */
  private async attribute(
    manager: EntityManager,
    grant: GrantRow,
    amount: bigint,
    on: CalendarDate,
  ): Promise<void> {
    const funding = await this.repository.funding(manager, grant.earmark_id);
    for (const take of planFunding(funding, amount).takes) {
      await this.repository.insertAttribution(manager, {
        grantId: grant.id,
        ...take,
        attributedOn: on,
      });
    }
  }

  private async decide(
    manager: EntityManager,
    event: GrantEventRow,
    participant: ParticipantRow,
    kind: GrantKind,
    decisionDate: CalendarDate,
    except: string | null,
  ): Promise<StoredEligibility> {
    const status = await this.reference.statusOn(participant.country, decisionDate, manager);
    const eligibility = decideEligibility({
      rule: event.eligibility_rule,
      offers: {
        full: event.offers_full,
        partialTicket: event.offers_partial_ticket,
        partialAllowance: event.offers_partial_allowance,
        remote: event.offers_remote,
      },
      kind,
      country: participant.country,
      decisionDate,
      status,
      countryGrants: await this.repository.countryGrantKinds(
        manager,
        event.id,
        participant.country,
        except,
      ),
      personGrants: await this.repository.personGrantKinds(
        manager,
        participant.id,
        Number(decisionDate.slice(0, 4)),
        except,
      ),
    });
    return { ...eligibility, decisionDate, region: status.region };
  }

  private async subjects(
    manager: EntityManager,
    request: { eventId: string; participantId: string },
    errors: FieldError[],
  ): Promise<{ event?: GrantEventRow; participant?: ParticipantRow }> {
    const event = await this.repository.event(manager, request.eventId);
    if (event === undefined) {
      errors.push({ field: 'eventId', rule: 'exists', reason: 'there is no such event' });
    }
    const participant = await this.repository.participant(manager, request.participantId);
    if (participant === undefined) {
      errors.push({
        field: 'participantId',
        rule: 'exists',
        reason: 'there is no such participant',
      });
    }
    return { event, participant };
  }

  private async findGrant(manager: EntityManager, id: string): Promise<GrantRow> {
    const row = isUuid(id) ? await this.repository.find(manager, id) : undefined;
    if (row === undefined) throw new GrantNotFoundError(id);
    return row;
  }
}

interface GrantAmounts {
  amount: Money;
  ticket?: Money;
  allowance?: Money;
}

/**
 * The grant's amount from its parts: a full grant is the ticket and the allowance; a partial
 * one is one of them; a remote participation grant is the event's fixed amount.
 */
function grantAmounts(
  event: GrantEventRow,
  request: RequestGrantRequest,
  errors: FieldError[],
): GrantAmounts | undefined {
  const currency = event.functional_currency;
  const needs = {
    full: { ticket: true, allowance: true },
    'partial-ticket': { ticket: true, allowance: false },
    'partial-allowance': { ticket: false, allowance: true },
    remote: { ticket: false, allowance: false },
  }[request.kind];
  const read = (name: 'ticket' | 'allowance'): Money | undefined => {
    const input = request[name];
    if (!needs[name]) {
      if (input !== undefined) {
        errors.push({
          field: name,
          rule: 'notForKind',
          reason: `a ${request.kind} grant has no ${name}`,
        });
      }
      return undefined;
    }
    if (input === undefined) {
      errors.push({
        field: name,
        rule: 'required',
        reason: `a ${request.kind} grant needs a ${name}`,
      });
      return undefined;
    }
    return parsePositiveAmount(name, input, currency, errors);
  };
  const ticket = read('ticket');
  const allowance = read('allowance');
  if (request.kind === 'remote') {
    if (event.remote_amount_minor === null) return undefined;
    return { amount: Money.fromMinor(event.remote_amount_minor, currency) };
  }
  if ((needs.ticket && ticket === undefined) || (needs.allowance && allowance === undefined)) {
    return undefined;
  }
  return {
    amount: Money.sum(
      currency,
      [ticket, allowance].filter((part): part is Money => part !== undefined),
    ),
    ticket,
    allowance,
  };
}

function toEligibilityResponse(eligibility: StoredEligibility): EligibilityResponse {
  return {
    eligible: eligibility.eligible,
    decisionDate: eligibility.decisionDate,
    countryStatus: eligibility.countryStatus,
    region: eligibility.region,
    priority: eligibility.priority,
    failed: eligibility.failed,
  };
}

export function toGrantSummary(row: GrantRow): GrantSummaryResponse {
  const money = (minor: string | null) =>
    minor === null ? null : Money.fromMinor(minor, row.functional_currency).toJSON();
  return {
    id: row.id,
    number: row.number,
    fund: row.fund_code,
    event: { id: row.event_id, code: row.event_code, name: row.event_name },
    participant: {
      id: row.participant_id,
      name: row.participant_name,
      country: row.participant_country,
      gender: row.participant_gender,
      stakeholderGroup: row.participant_stakeholder_group,
    },
    kind: row.kind,
    amount: Money.fromMinor(row.amount_minor, row.functional_currency).toJSON(),
    ticket: money(row.ticket_minor),
    allowance: money(row.allowance_minor),
    decisionDate: row.decision_date,
    eligibility: toEligibilityResponse(row.eligibility as StoredEligibility),
    exceptionReason: row.exception_reason,
    status: row.status,
    committed: Money.fromMinor(row.committed_minor, row.functional_currency).toJSON(),
    createdBy: row.created_by,
    createdAt: new Date(row.created_at).toISOString(),
  };
}

function withoutEntries(grant: GrantResponse): object {
  return Object.fromEntries(Object.entries(grant).filter(([key]) => key !== 'entries'));
}
