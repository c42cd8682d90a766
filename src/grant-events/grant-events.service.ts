import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import { Actor } from '../common/actor';
import { FieldError } from '../common/errors/problem';
import { IdempotencyRequest } from '../common/idempotency/idempotency-key.decorator';
import { IdempotencyService } from '../common/idempotency/idempotency.service';
import { IdempotentResult } from '../common/idempotency/idempotent-result';
import { isUuid } from '../common/uuid';
import { driverError } from '../database/sql-state';
import { FundNotFoundError } from '../funds/funds.errors';
import { FundRow } from '../funds/funds.repository';
import { FundsService } from '../funds/funds.service';
import { parsePositiveAmount } from '../money/amount-field';
import { Money } from '../money/money';
import {
  CreateGrantEventRequest,
  DEFAULT_EVENT_EARMARK,
  DEFAULT_EVENT_FUND,
  DEFAULT_EVENT_PAGE,
  EventGrantResponse,
  GrantEventPageResponse,
  GrantEventResponse,
  ListGrantEventsQuery,
} from './dto/grant-event.dto';
import {
  GrantEventCodeTakenError,
  GrantEventNotFoundError,
  InvalidGrantEventError,
} from './grant-events.errors';
import {
  EventGrantsRow,
  GrantEventRow,
  GrantEventsRepository,
  NewGrantEvent,
} from './grant-events.repository';

const CODE_CONSTRAINT = 'grant_event_code_key';

/**
 * Events and programmes that offer participation grants: where and when, which fund and earmark
 * pay, the budget, the kinds of grant offered and the eligibility rule. An event's terms are set
 * once; the grants module reads them (find) when a grant is requested or approved.
 */
@Injectable()
export class GrantEventsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly idempotency: IdempotencyService,
    private readonly funds: FundsService,
    private readonly audit: AuditService,
    private readonly repository: GrantEventsRepository,
  ) {}

  async create(
    actor: Actor,
    request: CreateGrantEventRequest,
    idempotency: IdempotencyRequest | undefined,
  ): Promise<IdempotentResult<GrantEventResponse>> {
    const fundCode = request.fund ?? DEFAULT_EVENT_FUND;
    try {
      return await this.idempotency.run(actor, idempotency, 201, async (manager) => {
        const event = await this.prepareCreate(manager, actor, request);
        const same = await this.repository.findByCode(manager, event.fundId, event.code);
        if (same !== undefined) throw new GrantEventCodeTakenError(fundCode, event.code, same.name);
        const id = await this.repository.insert(manager, event);
        const created = await this.detail(manager, id);
        await this.audit.record(manager, actor, {
          action: 'grant-event.create',
          entityType: 'grant-event',
          entityId: id,
          after: created,
        });
        return created;
      });
    } catch (error) {
      // Two officers setting up the same event at once: the second meets the unique index.
      if (driverError(error)?.constraint === CODE_CONSTRAINT) {
        throw new GrantEventCodeTakenError(fundCode, request.code);
      }
      throw error;
    }
  }

  async list(_actor: Actor, query: ListGrantEventsQuery): Promise<GrantEventPageResponse> {
    const manager = this.dataSource.manager;
    const limit = query.limit ?? DEFAULT_EVENT_PAGE;
    const offset = query.offset ?? 0;
    let fundId: string | undefined;
    if (query.fund !== undefined) {
      const errors: FieldError[] = [];
      fundId = (await this.fundOrFieldError(manager, query.fund, errors))?.id;
      if (fundId === undefined) throw new InvalidGrantEventError(errors);
    }
    const { rows, total } = await this.repository.list(manager, { fundId }, { limit, offset });
    return { items: await this.responses(manager, rows), total, limit, offset };
  }

  async get(_actor: Actor, id: string): Promise<GrantEventResponse> {
    return this.detail(this.dataSource.manager, id);
  }

  /** The grants of the event (for its page), by number; 404 for an unknown event. */
  async grants(_actor: Actor, id: string): Promise<EventGrantResponse[]> {
    const manager = this.dataSource.manager;
    const event = await this.require(manager, id);
    const rows = await this.repository.grants(manager, event.id);
    return rows.map((row) => ({
      id: row.id,
      number: row.number,
      participant: {
        id: row.participant_id,
        name: row.participant_name,
        country: row.participant_country,
      },
      kind: row.kind,
      amount: Money.fromMinor(row.amount_minor, event.functional_currency).toJSON(),
      decisionDate: row.decision_date,
      status: row.status,
    }));
  }

  /**
   * The event's row, read in the caller's transaction (FOR SHARE when `lock`, so that its terms
   * hold until the caller commits); undefined for an unknown id or one that is not a UUID.
   */
  find(
    manager: EntityManager,
    id: string,
    options: { lock?: boolean } = {},
  ): Promise<GrantEventRow | undefined> {
    return isUuid(id) ? this.repository.find(manager, id, options) : Promise.resolve(undefined);
  }

  /** As find, and GrantEventNotFoundError (404) when there is no such event. */
  async require(
    manager: EntityManager,
    id: string,
    options: { lock?: boolean } = {},
  ): Promise<GrantEventRow> {
    const row = await this.find(manager, id, options);
    if (row === undefined) throw new GrantEventNotFoundError(id);
    return row;
  }

  /** The event as the API answers it, with what the grant tables hold for it. */
  async detail(manager: EntityManager, id: string): Promise<GrantEventResponse> {
    const row = await this.require(manager, id);
    return (await this.responses(manager, [row]))[0];
  }

  private async responses(
    manager: EntityManager,
    rows: readonly GrantEventRow[],
  ): Promise<GrantEventResponse[]> {
    if (rows.length === 0) return [];
    const summaries = new Map(
      (
        await this.repository.grantsSummary(
          manager,
          rows.map((row) => row.id),
        )
      ).map((summary) => [summary.event_id, summary]),
    );
    return rows.map((row) => toGrantEventResponse(row, summaries.get(row.id)));
  }

  /** Everything a new event must satisfy beyond its shape, reported together, field by field. */
  private async prepareCreate(
    manager: EntityManager,
    actor: Actor,
    request: CreateGrantEventRequest,
  ): Promise<NewGrantEvent> {
    const errors: FieldError[] = [];
    const fund = await this.fundOrFieldError(manager, request.fund ?? DEFAULT_EVENT_FUND, errors);
    let earmarkId: string | undefined;
    if (fund !== undefined) {
      const code = request.earmark ?? DEFAULT_EVENT_EARMARK;
      earmarkId = (await this.funds.earmarks(manager, fund.id)).find((e) => e.code === code)?.id;
      if (earmarkId === undefined) {
        errors.push({
          field: 'earmark',
          rule: 'exists',
          reason: `fund ${fund.code} has no earmark ${code}`,
        });
      }
    }
    if (request.endsOn < request.startsOn) {
      errors.push({
        field: 'endsOn',
        rule: 'notBeforeStart',
        reason: `must not be before the start ${request.startsOn}`,
      });
    }
    const offers = request.offers;
    if (!offers.full && !offers.partialTicket && !offers.partialAllowance && !offers.remote) {
      errors.push({
        field: 'offers',
        rule: 'atLeastOne',
        reason: 'offer at least one kind of grant: full, partial (ticket or allowance) or remote',
      });
    }
    let budget: Money | undefined;
    let remoteAmount: Money | undefined;
    if (fund !== undefined) {
      const currency = fund.functional_currency;
      budget = parsePositiveAmount('budget', request.budget, currency, errors);
      if (offers.remote && offers.remoteAmount === undefined) {
        errors.push({
          field: 'offers.remoteAmount',
          rule: 'requiredForRemote',
          reason: 'give the fixed amount of a remote participation grant',
        });
      } else if (!offers.remote && offers.remoteAmount !== undefined) {
        errors.push({
          field: 'offers.remoteAmount',
          rule: 'onlyForRemote',
          reason: 'a remote amount is given only when remote grants are offered',
        });
      } else if (offers.remoteAmount !== undefined) {
        remoteAmount = parsePositiveAmount(
          'offers.remoteAmount',
          offers.remoteAmount,
          currency,
          errors,
        );
        if (
          remoteAmount !== undefined &&
          budget !== undefined &&
          remoteAmount.compare(budget) > 0
        ) {
          errors.push({
            field: 'offers.remoteAmount',
            rule: 'withinBudget',
            reason: `must not be more than the budget ${budget.toString()}`,
          });
        }
      }
    }
    if (errors.length > 0) throw new InvalidGrantEventError(errors);
    return {
      fundId: (fund as FundRow).id,
      earmarkId: earmarkId as string,
      code: request.code,
      name: request.name.trim(),
      place: request.place.trim(),
      startsOn: request.startsOn,
      endsOn: request.endsOn,
      budgetMinor: (budget as Money).minor,
      eligibilityRule: request.eligibilityRule,
      offersFull: offers.full,
      offersPartialTicket: offers.partialTicket,
      offersPartialAllowance: offers.partialAllowance,
      offersRemote: offers.remote,
      remoteAmountMinor: remoteAmount?.minor ?? null,
      createdBy: actor.id,
    };
  }

  private async fundOrFieldError(
    manager: EntityManager,
    code: string,
    errors: FieldError[],
  ): Promise<FundRow | undefined> {
    try {
      return await this.funds.requireFund(manager, code);
    } catch (error) {
      if (!(error instanceof FundNotFoundError)) throw error;
      errors.push({ field: 'fund', rule: 'exists', reason: `there is no fund ${code}` });
      return undefined;
    }
  }
}

export function toGrantEventResponse(
  row: GrantEventRow,
  grants: EventGrantsRow | undefined,
): GrantEventResponse {
  const currency = row.functional_currency;
  const money = (minor: string) => Money.fromMinor(minor, currency).toJSON();
  return {
    id: row.id,
    fund: row.fund_code,
    earmark: row.earmark_code,
    code: row.code,
    name: row.name,
    place: row.place,
    startsOn: row.starts_on,
    endsOn: row.ends_on,
    budget: money(row.budget_minor),
    eligibilityRule: row.eligibility_rule,
    offers: {
      full: row.offers_full,
      partialTicket: row.offers_partial_ticket,
      partialAllowance: row.offers_partial_allowance,
      remote: row.offers_remote,
      remoteAmount: row.remote_amount_minor === null ? null : money(row.remote_amount_minor),
    },
    grants: {
      count: grants?.count ?? 0,
      byStatus: {
        requested: grants?.requested ?? 0,
        approved: grants?.approved ?? 0,
        disbursed: grants?.disbursed ?? 0,
        settled: grants?.settled ?? 0,
        cancelled: grants?.cancelled ?? 0,
      },
      amount: money(grants?.amount_minor ?? '0'),
      committed: money(grants?.committed_minor ?? '0'),
    },
    createdBy: row.created_by,
    createdAt: new Date(row.created_at).toISOString(),
  };
}
