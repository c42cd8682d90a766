import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { CalendarDate } from '../common/calendar-date';
import { JournalEntryResponse } from '../ledger/dto/journal.dto';
import { JournalService } from '../ledger/journal.service';
import { Money } from '../money/money';
import {
  AgingBucketResponse,
  AmendedInstalmentResponse,
  PledgeAmendmentSummaryResponse,
  PledgeEventResponse,
  PledgeResponse,
  PledgeSummaryResponse,
} from './dto/pledge.dto';
import { derivePledge, PledgeFacts, PledgeView, ReceivableSum } from './pledge-status';
import {
  AmendmentRow,
  InstalmentRow,
  PledgeRow,
  PledgesRepository,
  ReceivableRow,
  StoredScheduleLine,
} from './pledges.repository';

export const RECEIVABLE = '1100';

/** A stored pledge with what it is as of a date. */
export interface PledgeWithView {
  row: PledgeRow;
  view: PledgeView;
}

/**
 * Reads pledges' facts (schedule, receivable lines) in bulk, derives their status as of a date
 * and shapes the API's answers. Nothing here writes.
 */
@Injectable()
export class PledgeViewsService {
  constructor(
    private readonly repository: PledgesRepository,
    private readonly journal: JournalService,
  ) {}

  /**
   * Five queries whatever the number of pledges: rows given, instalments, receivable sums,
   * receipt allocations by instalment, and the amendments made after `asOf`. A pledge amended since is read with the amount and schedule
   * in force on `asOf` (the returned row carries that amount).
   */
  async views(
    manager: EntityManager,
    rows: readonly PledgeRow[],
    asOf: CalendarDate,
  ): Promise<PledgeWithView[]> {
    const ids = rows.map((row) => row.id);
    const instalments = groupBy(await this.repository.instalments(manager, ids));
    const receivable = groupBy(await this.repository.accountSums(manager, ids, RECEIVABLE, asOf));
    const allocated = groupBy(await this.repository.allocationSums(manager, ids, asOf));
    const later = new Map(
      (await this.repository.amendmentsAfter(manager, ids, asOf)).map((a) => [a.pledge_id, a]),
    );
    return rows.map((stored) => {
      const amendment = later.get(stored.id);
      const row =
        amendment === undefined ? stored : { ...stored, amount_minor: amendment.amount_before };
      const schedule =
        amendment === undefined
          ? (instalments.get(row.id) ?? [])
          : amendment.schedule_before.map((line): InstalmentRow => ({
              pledge_id: row.id,
              seq: line.seq,
              due_date: line.dueDate,
              amount_minor: line.amountMinor,
            }));
      return {
        row,
        view: derivePledge(
          toFacts(row, schedule, receivable.get(row.id) ?? [], allocated.get(row.id) ?? []),
          asOf,
        ),
      };
    });
  }

  async detail(
    manager: EntityManager,
    row: PledgeRow,
    asOf: CalendarDate,
    options: { withEntries: boolean },
  ): Promise<PledgeResponse> {
    const [{ row: asOfRow, view }] = await this.views(manager, [row], asOf);
    const entries: JournalEntryResponse[] = [];
    if (options.withEntries) {
      for (const id of await this.repository.entryIds(manager, row.id)) {
        entries.push(await this.journal.read(manager, id));
      }
    }
    return {
      ...toPledgeSummary(asOfRow, view, asOf),
      instalments: view.instalments.map((instalment) => ({
        seq: instalment.seq,
        dueDate: instalment.dueDate,
        amount: instalment.amount.toJSON(),
        paid: instalment.paid.toJSON(),
        amountDue: instalment.amountDue.toJSON(),
        status: instalment.status,
        daysOverdue: instalment.daysOverdue,
      })),
      aging: view.aging.map((line): AgingBucketResponse => ({
        bucket: line.bucket,
        amounts: line.amount.isZero() ? [] : [line.amount.toJSON()],
        functional: line.functional.toJSON(),
      })),
      events: (await this.repository.events(manager, row.id)).map((event): PledgeEventResponse => ({
        kind: event.kind,
        on: event.effective_on,
        reason: event.reason,
        documentRef: event.document_ref,
        entryId: event.entry_id,
        approvalId: event.approval_id,
        actor: event.actor,
        at: new Date(event.at).toISOString(),
      })),
      amendments: (await this.repository.amendments(manager, row.id)).map((amendment) =>
        toAmendmentSummary(amendment, row.currency),
      ),
      entries,
    };
  }
}

export function toAmendmentSummary(
  amendment: AmendmentRow,
  currency: string,
): PledgeAmendmentSummaryResponse {
  return {
    id: amendment.id,
    number: amendment.number,
    date: amendment.effective_on,
    reason: amendment.reason,
    amountBefore: Money.fromMinor(amendment.amount_before, currency).toJSON(),
    amountAfter: Money.fromMinor(amendment.amount_after, currency).toJSON(),
    scheduleBefore: toScheduleResponse(amendment.schedule_before, currency),
    scheduleAfter: toScheduleResponse(amendment.schedule_after, currency),
    entryId: amendment.entry_id,
    actor: amendment.actor,
    at: new Date(amendment.at).toISOString(),
  };
}

export function toScheduleResponse(
  lines: readonly StoredScheduleLine[],
  currency: string,
): AmendedInstalmentResponse[] {
  return lines.map((line) => ({
    seq: line.seq,
    dueDate: line.dueDate,
    amount: Money.fromMinor(line.amountMinor, currency).toJSON(),
  }));
}

export function toPledgeSummary(
  row: PledgeRow,
  view: PledgeView,
  asOf: CalendarDate,
): PledgeSummaryResponse {
  const { totals } = view;
  return {
    id: row.id,
    reference: row.reference,
    fund: row.fund_code,
    donor: { id: row.donor_id, name: row.donor_name },
    earmark: row.earmark_code,
    amount: Money.fromMinor(row.amount_minor, row.currency).toJSON(),
    announcedOn: row.announced_on,
    agreement:
      row.agreed_on === null || row.agreed_on > asOf
        ? null
        : {
            agreedOn: row.agreed_on,
            documentRef: row.agreement_ref as string,
            conditional: row.conditional,
            conditionsMetOn:
              row.conditions_met_on !== null && row.conditions_met_on <= asOf
                ? row.conditions_met_on
                : null,
          },
    ending:
      row.ending_kind === null || (row.ending_on as string) > asOf
        ? null
        : { kind: row.ending_kind, on: row.ending_on as string, reason: row.ending_reason ?? '' },
    asOf,
    status: view.status,
    paid: totals.paid.toJSON(),
    writtenOff: totals.writtenOff.toJSON(),
    cancelled: totals.cancelled.toJSON(),
    outstanding: totals.outstanding.toJSON(),
    outstandingFunctional: totals.outstandingFunctional.toJSON(),
    amountOverdue: view.amountOverdue.toJSON(),
    nextAmountDue:
      view.nextAmountDue === null
        ? null
        : { ...view.nextAmountDue, amount: view.nextAmountDue.amount.toJSON() },
    createdBy: row.created_by,
    createdAt: new Date(row.created_at).toISOString(),
  };
}

function toFacts(
  row: PledgeRow,
  instalments: readonly InstalmentRow[],
  receivable: readonly ReceivableRow[],
  allocated: ReadonlyArray<{ seq: number; amount_minor: string }>,
): PledgeFacts {
  return {
    currency: row.currency,
    functionalCurrency: row.functional_currency,
    amountMinor: BigInt(row.amount_minor),
    announcedOn: row.announced_on,
    agreedOn: row.agreed_on,
    ending:
      row.ending_kind === null ? null : { kind: row.ending_kind, on: row.ending_on as string },
    instalments: instalments.map((instalment) => ({
      seq: instalment.seq,
      dueDate: instalment.due_date,
      amountMinor: BigInt(instalment.amount_minor),
    })),
    receivable: receivable.map((sum): ReceivableSum => ({
      kind: sum.kind,
      currency: sum.currency,
      amountMinor: BigInt(sum.amount_minor),
      functionalMinor: BigInt(sum.functional_minor),
    })),
    allocated: new Map(allocated.map((sum) => [sum.seq, BigInt(sum.amount_minor)])),
  };
}

function groupBy<T extends { pledge_id: string }>(rows: readonly T[]): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const row of rows) {
    const group = groups.get(row.pledge_id);
    if (group === undefined) groups.set(row.pledge_id, [row]);
    else group.push(row);
  }
  return groups;
}
