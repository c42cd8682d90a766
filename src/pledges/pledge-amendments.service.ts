import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import { Actor } from '../common/actor';
import { CalendarDate, todayUtc } from '../common/calendar-date';
import { FieldError } from '../common/errors/problem';
import { IdempotencyRequest } from '../common/idempotency/idempotency-key.decorator';
import { IdempotencyService } from '../common/idempotency/idempotency.service';
import { IdempotentResult } from '../common/idempotency/idempotent-result';
import { AccountRow, FundRow } from '../funds/funds.repository';
import { FundsService } from '../funds/funds.service';
import { LedgerService } from '../ledger/ledger.service';
import { PostingLine, PostingRequest } from '../ledger/ledger.types';
import { parsePositiveAmount } from '../money/amount-field';
import { Money } from '../money/money';
import { Rate } from '../money/rate';
import { RatesService } from '../rates/rates.service';
import {
  AmendmentLineResponse,
  AmendPledgeRequest,
  PledgeAmendmentResponse,
} from './dto/pledge-amendment.dto';
import { PledgeResponse } from './dto/pledge.dto';
import {
  AmendedSchedule,
  amendSchedule,
  byDueDate,
  ScheduleChanges,
  ScheduleLine,
} from './pledge-amendment';
import { spreadPayments } from './pledge-schedule';
import { PLEDGE_AMENDMENT, receivableTotals } from './pledge-status';
import { PledgeViewsService, RECEIVABLE, toScheduleResponse } from './pledge-views.service';
import { InvalidPledgeError, PledgeEndedError, PledgeNotFoundError } from './pledges.errors';
import { PledgeRow, PledgesRepository, StoredScheduleLine } from './pledges.repository';

const REVENUE = '4000';
const CONDITIONAL_CONTRIBUTIONS = '2100';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** An amendment checked in full, with everything it would write. */
interface PreparedAmendment {
  pledge: PledgeRow;
  number: number;
  date: CalendarDate;
  reason: string;
  amountBefore: Money;
  amountAfter: Money;
  before: ScheduleLine[];
  after: AmendedSchedule;
  /** Absent when nothing is posted: an announced pledge, or the amount unchanged. */
  posting?: { fund: FundRow; accounts: AccountRow[]; request: PostingRequest };
}

/**
 * Amendments of a pledge: an explicit change of its amount and of named unpaid instalments,
 * never of anything else. Each one keeps the schedule before and after it (the pledge as of an
 * earlier date shows the schedule then in force) and, for an agreed pledge whose amount changes,
 * posts the difference as its own entry at the UN rate of the amendment date: the difference is
 * a new agreement of that size, not a revaluation of what was booked. Like the agreement, it is
 * recorded by a finance officer without a second approval: it records a document the donor
 * signed, and it is audited with the schedule before and after.
 */
@Injectable()
export class PledgeAmendmentsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly idempotency: IdempotencyService,
    private readonly funds: FundsService,
    private readonly ledger: LedgerService,
    private readonly rates: RatesService,
    private readonly audit: AuditService,
    private readonly repository: PledgesRepository,
    private readonly views: PledgeViewsService,
  ) {}

  /**
   * Applies the amendment (201, with the pledge after it), or with `dryRun` answers what it
   * would do (200) without writing anything, the same checks refusing it the same way.
   */
  async amend(
    actor: Actor,
    id: string,
    request: AmendPledgeRequest,
    idempotency: IdempotencyRequest | undefined,
  ): Promise<IdempotentResult<PledgeAmendmentResponse>> {
    if (request.dryRun === true) {
      const manager = this.dataSource.manager;
      const prepared = await this.prepare(manager, await this.find(manager, id, false), request);
      if (prepared.posting !== undefined) {
        const { fund, accounts, request: posting } = prepared.posting;
        await this.ledger.check(manager, fund, accounts, posting);
      }
      return new IdempotentResult(200, toResponse(prepared, { dryRun: true }), false);
    }
    return this.idempotency.run(actor, idempotency, 201, async (manager) => {
      const prepared = await this.prepare(manager, await this.find(manager, id, true), request);
      const { pledge, posting, after } = prepared;
      const posted =
        posting === undefined
          ? undefined
          : await this.ledger.post(manager, actor, posting.fund, posting.accounts, posting.request);
      const beforeSeqs = new Set(prepared.before.map((line) => line.seq));
      await this.repository.amendSchedule(manager, pledge.id, prepared.amountAfter.minor, {
        removed: after.removed,
        changed: after.lines.filter((line) => line.change === 'changed'),
        added: after.lines.filter((line) => !beforeSeqs.has(line.seq)),
      });
      const scheduleBefore = toStored(prepared.before);
      const scheduleAfter = toStored(after.lines);
      const amendmentId = await this.repository.insertAmendment(manager, {
        pledgeId: pledge.id,
        number: prepared.number,
        effectiveOn: prepared.date,
        reason: prepared.reason,
        amountBefore: prepared.amountBefore.minor,
        amountAfter: prepared.amountAfter.minor,
        scheduleBefore,
        scheduleAfter,
        entryId: posted?.id,
        actor: actor.id,
      });
      const row = await this.find(manager, pledge.id, false);
      const detail: PledgeResponse = await this.views.detail(manager, row, todayUtc(), {
        withEntries: true,
      });
      await this.audit.record(manager, actor, {
        action: 'pledge.amend',
        entityType: 'pledge',
        entityId: pledge.id,
        before: {
          reference: pledge.reference,
          amount: prepared.amountBefore.toJSON(),
          instalments: scheduleBefore,
        },
        after: {
          reference: pledge.reference,
          amendment: prepared.number,
          date: prepared.date,
          reason: prepared.reason,
          amount: prepared.amountAfter.toJSON(),
          instalments: scheduleAfter,
          removed: after.removed,
          entryId: posted?.id ?? null,
        },
      });
      return toResponse(prepared, {
        dryRun: false,
        id: amendmentId,
        entryId: posted?.id ?? null,
        pledge: detail,
      });
    });
  }

  /** Everything the amendment must satisfy, reported together, field by field. */
  private async prepare(
    manager: EntityManager,
    pledge: PledgeRow,
    request: AmendPledgeRequest,
  ): Promise<PreparedAmendment> {
    if (pledge.ending_kind !== null) {
      throw new PledgeEndedError(pledge.reference, pledge.ending_kind, pledge.ending_on as string);
    }
    const errors: FieldError[] = [];
    const currency = pledge.currency;
    const state = await this.repository.amendmentState(manager, pledge.id);
    checkDate(pledge, state.lastOn, request.date, errors);

    const amountBefore = Money.fromMinor(pledge.amount_minor, currency);
    const amountAfter =
      request.amount === undefined
        ? amountBefore
        : parsePositiveAmount('amount', request.amount, currency, errors);
    const changes: ScheduleChanges = {
      change: (request.instalments.change ?? []).map((change, index) => ({
        seq: change.seq,
        dueDate: change.dueDate,
        amountMinor:
          change.amount === undefined
            ? undefined
            : parsePositiveAmount(
                `instalments.change[${index}].amount`,
                change.amount,
                currency,
                errors,
              )?.minor,
      })),
      add: (request.instalments.add ?? []).map((line, index) => ({
        dueDate: line.dueDate,
        amountMinor:
          parsePositiveAmount(`instalments.add[${index}].amount`, line.amount, currency, errors)
            ?.minor ?? 1n,
      })),
      remove: request.instalments.remove ?? [],
    };
    // A schedule read from amounts that could not be read would only add confusing errors.
    if (errors.length > 0) throw new InvalidPledgeError(errors);
    if (
      changes.change.length + changes.add.length + changes.remove.length === 0 &&
      (amountAfter === undefined || amountAfter.equals(amountBefore))
    ) {
      errors.push({
        field: 'instalments',
        rule: 'changesSomething',
        reason: 'the amendment changes neither the amount nor any instalment',
      });
    }

    const before = (await this.repository.instalments(manager, [pledge.id]))
      .map((row): ScheduleLine => ({
        seq: row.seq,
        dueDate: row.due_date,
        amountMinor: BigInt(row.amount_minor),
      }))
      .sort(byDueDate);
    // What the donor has paid, on any date: receipts allocated to an instalment count for it, the
    // rest is applied to the schedule oldest due first.
    const paid = receivableTotals({
      currency,
      functionalCurrency: pledge.functional_currency,
      amountMinor: amountBefore.minor,
      announcedOn: pledge.announced_on,
      agreedOn: pledge.agreed_on,
      ending: null,
      instalments: before,
      receivable: (await this.repository.accountSums(manager, [pledge.id], RECEIVABLE)).map(
        (row) => ({
          kind: row.kind,
          currency: row.currency,
          amountMinor: BigInt(row.amount_minor),
          functionalMinor: BigInt(row.functional_minor),
        }),
      ),
    }).paid.minor;
    const allocated = new Map(
      (await this.repository.allocationSums(manager, [pledge.id])).map((row) => [
        row.seq,
        BigInt(row.amount_minor),
      ]),
    );
    const paidBefore = paidBySeq(before, allocated, paid);
    const locked = new Map(
      [...paidBefore.entries()]
        .filter(([, minor]) => minor > 0n)
        .map(([seq, minor]) => [seq, Money.of(minor, currency).toString()]),
    );
    const { schedule, errors: scheduleErrors } = amendSchedule(
      before,
      changes,
      state.maxSeq + 1,
      locked,
    );
    errors.push(...scheduleErrors);
    if (schedule !== undefined && amountAfter !== undefined) {
      const total = Money.of(
        schedule.lines.reduce((sum, line) => sum + line.amountMinor, 0n),
        currency,
      );
      if (!total.equals(amountAfter)) {
        const difference = total.subtract(amountAfter);
        errors.push({
          field: 'instalments',
          rule: 'sumsToAmount',
          reason:
            `the instalments would add up to ${total.toString()}; the pledge would be ` +
            `${amountAfter.toString()} (${difference.abs().toString()} ` +
            `${difference.isPositive() ? 'too much' : 'missing'})`,
        });
      }
      // Payments are applied oldest due first: an unpaid instalment moved before a paid one
      // would take its payments, changing a paid instalment by the back door.
      const paidAfter = paidBySeq(schedule.lines, allocated, paid);
      for (const [seq, minor] of paidBefore) {
        if (minor > 0n && paidAfter.get(seq) !== minor) {
          errors.push({
            field: 'instalments',
            rule: 'keepsPayments',
            reason:
              `instalment ${seq} has received ${Money.of(minor, currency).toString()}: no ` +
              'unpaid instalment may fall due before it',
          });
          break;
        }
      }
    }
    if (errors.length > 0) throw new InvalidPledgeError(errors);
    const prepared: PreparedAmendment = {
      pledge,
      number: state.lastNumber + 1,
      date: request.date,
      reason: request.reason,
      amountBefore,
      amountAfter: amountAfter as Money,
      before,
      after: schedule as AmendedSchedule,
    };
    const difference = prepared.amountAfter.subtract(amountBefore);
    if (pledge.agreed_on === null || difference.isZero()) return prepared;
    return { ...prepared, posting: await this.posting(manager, prepared, difference) };
  }

  /**
   * The difference as its own entry: an increase is Dr receivable / Cr revenue (or conditional
   * contributions while conditions are unmet), a decrease the reverse, in the fund currency at
   * the UN rate of the amendment date.
   */
  private async posting(
    manager: EntityManager,
    prepared: PreparedAmendment,
    difference: Money,
  ): Promise<PreparedAmendment['posting']> {
    const { pledge } = prepared;
    const fund = await this.funds.requireFund(manager, pledge.fund_code);
    const accounts = await this.funds.accounts(manager, fund.id);
    const size = difference.abs();
    let functional = size;
    let rate: Rate | undefined;
    if (size.currency !== fund.functional_currency) {
      const converted = await this.rates.convert(
        size,
        fund.functional_currency,
        prepared.date,
        manager,
      );
      functional = converted.money;
      rate = converted.rate;
    }
    const against =
      pledge.conditional && pledge.conditions_met_on === null ? CONDITIONAL_CONTRIBUTIONS : REVENUE;
    const dimensions = {
      donorId: pledge.donor_id,
      earmarkId: pledge.earmark_id,
      pledgeId: pledge.id,
    };
    const debit = { amount: size, functional, rate };
    const credit = { amount: size.negate(), functional: functional.negate(), rate };
    const increase = difference.isPositive();
    const lines: PostingLine[] = [
      { accountCode: increase ? RECEIVABLE : against, ...dimensions, ...debit },
      { accountCode: increase ? against : RECEIVABLE, ...dimensions, ...credit },
    ];
    return {
      fund,
      accounts,
      request: {
        fundId: fund.id,
        date: prepared.date,
        description:
          `Amendment ${prepared.number} of pledge ${pledge.reference} (${pledge.donor_name}): ` +
          `${prepared.amountBefore.toString()} to ${prepared.amountAfter.toString()}`,
        sourceType: PLEDGE_AMENDMENT,
        sourceRef: pledge.id,
        idempotencyKey: `${PLEDGE_AMENDMENT}:${pledge.id}:${prepared.number}`,
        reason: prepared.reason,
        lines,
      },
    };
  }

  private async find(manager: EntityManager, id: string, lock: boolean): Promise<PledgeRow> {
    let row: PledgeRow | undefined;
    if (UUID.test(id)) {
      row = lock
        ? await this.repository.lock(manager, id)
        : await this.repository.find(manager, id);
    }
    if (row === undefined) throw new PledgeNotFoundError(id);
    return row;
  }
}

/**
 * An amendment is dated when signed: not in the future, and not before anything already
 * recorded on the pledge, so that the history of its schedule reads in date order.
 */
function checkDate(
  pledge: PledgeRow,
  lastAmendmentOn: CalendarDate | null,
  date: CalendarDate,
  errors: FieldError[],
): void {
  if (date > todayUtc()) {
    errors.push({
      field: 'date',
      rule: 'notInFuture',
      reason: 'an amendment is recorded once signed: the date must not be in the future',
    });
    return;
  }
  const facts: Array<[string, string | null, string]> = [
    ['notBeforeAnnouncement', pledge.announced_on, 'announcement'],
    ['notBeforeAgreement', pledge.agreed_on, 'agreement'],
    ['notBeforeConditionsMet', pledge.conditions_met_on, 'conditions being met'],
    ['notBeforeAmendment', lastAmendmentOn, 'last amendment'],
  ];
  let latest: [string, string, string] | undefined;
  for (const [rule, on, what] of facts) {
    if (on !== null && (latest === undefined || on >= latest[1])) latest = [rule, on, what];
  }
  if (latest !== undefined && date < latest[1]) {
    errors.push({
      field: 'date',
      rule: latest[0],
      reason: `must be on or after the ${latest[2]}, ${latest[1]}`,
    });
  }
}

function paidBySeq(
  lines: readonly ScheduleLine[],
  allocated: ReadonlyMap<number, bigint>,
  paid: bigint,
): Map<number, bigint> {
  const ordered = [...lines].sort(byDueDate);
  const parts = spreadPayments(ordered, allocated, paid);
  return new Map(ordered.map((line, index) => [line.seq, parts[index]]));
}

function toStored(lines: readonly ScheduleLine[]): StoredScheduleLine[] {
  return [...lines].sort(byDueDate).map((line) => ({
    seq: line.seq,
    dueDate: line.dueDate,
    amountMinor: line.amountMinor.toString(),
  }));
}

function toResponse(
  prepared: PreparedAmendment,
  outcome: { dryRun: boolean; id?: string; entryId?: string | null; pledge?: PledgeResponse },
): PledgeAmendmentResponse {
  const { pledge, after } = prepared;
  const currency = pledge.currency;
  return {
    dryRun: outcome.dryRun,
    id: outcome.id ?? null,
    number: prepared.number,
    pledgeId: pledge.id,
    reference: pledge.reference,
    date: prepared.date,
    reason: prepared.reason,
    amountBefore: prepared.amountBefore.toJSON(),
    amountAfter: prepared.amountAfter.toJSON(),
    difference: prepared.amountAfter.subtract(prepared.amountBefore).toJSON(),
    scheduleBefore: toScheduleResponse(toStored(prepared.before), currency),
    scheduleAfter: after.lines.map((line) => ({
      seq: line.seq,
      dueDate: line.dueDate,
      amount: Money.of(line.amountMinor, currency).toJSON(),
      change: line.change,
    })),
    removed: after.removed,
    ledger: {
      entryId: outcome.entryId ?? null,
      lines: (prepared.posting?.request.lines ?? []).map((line): AmendmentLineResponse => ({
        account: line.accountCode,
        debit: line.amount.isPositive() ? line.amount.toJSON() : null,
        credit: line.amount.isNegative() ? line.amount.negate().toJSON() : null,
        functional: line.functional.toJSON(),
      })),
    },
    pledge: outcome.pledge ?? null,
  };
}
