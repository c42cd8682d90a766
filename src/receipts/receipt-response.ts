import { JournalEntryResponse } from '../ledger/dto/journal.dto';
import { Money } from '../money/money';
import {
  ReceiptAllocationResponse,
  ReceiptEventResponse,
  ReceiptResponse,
  ReceiptStatus,
  ReceiptSummaryResponse,
} from './dto/receipt.dto';
import { AllocationRow, ReceiptEventRow, ReceiptRow } from './receipts.repository';

/**
 * A receipt's status, derived: reversed; unidentified (donor unknown); fully applied
 * ('allocated', or 'refunded' when what left it went back to the donor only); or with money
 * still unapplied ('partially-allocated' once some was applied, else 'unapplied').
 */
export function receiptStatus(row: ReceiptRow): ReceiptStatus {
  if (row.reversed_on !== null) return 'reversed';
  if (row.donor_id === null) return 'unidentified';
  const unapplied = BigInt(row.unapplied_minor);
  const allocated = BigInt(row.allocated_minor);
  if (unapplied <= 0n) {
    return allocated === 0n && BigInt(row.refunded_minor) > 0n ? 'refunded' : 'allocated';
  }
  return allocated > 0n ? 'partially-allocated' : 'unapplied';
}

export function toReceiptSummary(row: ReceiptRow): ReceiptSummaryResponse {
  const money = (minor: string): Money => Money.fromMinor(minor, row.currency);
  const functional = (minor: string): Money => Money.fromMinor(minor, row.functional_currency);
  return {
    id: row.id,
    number: row.number,
    fund: row.fund_code,
    bankAccount: {
      id: row.bank_account_id,
      code: row.bank_account_code,
      name: row.bank_account_name,
    },
    valueDate: row.value_date,
    gross: money(row.gross_minor).toJSON(),
    charges: money(row.charges_minor).toJSON(),
    net: money(row.gross_minor).subtract(money(row.charges_minor)).toJSON(),
    grossFunctional: functional(row.gross_functional_minor).toJSON(),
    rate: row.rate === null ? null : trimRate(row.rate),
    donor: row.donor_id === null ? null : { id: row.donor_id, name: row.donor_name ?? '' },
    remitterName: row.remitter_name,
    remittanceText: row.remittance_text,
    bankReference: row.bank_reference,
    batchId: row.batch_id,
    status: receiptStatus(row),
    allocated: money(row.allocated_minor).toJSON(),
    unapplied: money(row.unapplied_minor).toJSON(),
    unappliedFunctional: functional(row.unapplied_functional_minor).toJSON(),
    refunded: money(row.refunded_minor).toJSON(),
    entryId: row.entry_id,
    createdBy: row.created_by,
    createdAt: new Date(row.created_at).toISOString(),
  };
}

export function toReceiptResponse(
  row: ReceiptRow,
  allocations: readonly AllocationRow[],
  events: readonly ReceiptEventRow[],
  entries: JournalEntryResponse[],
): ReceiptResponse {
  return {
    ...toReceiptSummary(row),
    allocations: allocations.map((allocation): ReceiptAllocationResponse => ({
      id: allocation.id,
      pledgeId: allocation.pledge_id,
      pledgeReference: allocation.pledge_reference,
      instalment: allocation.instalment_seq,
      allocatedOn: allocation.allocated_on,
      amount: Money.fromMinor(allocation.amount_minor, row.currency).toJSON(),
      pledgeAmount: Money.fromMinor(
        allocation.pledge_amount_minor,
        allocation.pledge_currency,
      ).toJSON(),
      value: Money.fromMinor(allocation.value_functional_minor, row.functional_currency).toJSON(),
      relieved: Money.fromMinor(
        allocation.relieved_functional_minor,
        row.functional_currency,
      ).toJSON(),
      fx: Money.fromMinor(allocation.fx_functional_minor, row.functional_currency).toJSON(),
      entryId: allocation.entry_id,
      reversesAllocationId: allocation.reverses_allocation_id,
    })),
    events: events.map((event): ReceiptEventResponse => ({
      kind: event.kind,
      on: event.effective_on,
      amount:
        event.amount_minor === null
          ? null
          : Money.fromMinor(event.amount_minor, row.currency).toJSON(),
      donorId: event.donor_id,
      reason: event.reason,
      entryId: event.entry_id,
      approvalId: event.approval_id,
      actor: event.actor,
      at: new Date(event.at).toISOString(),
    })),
    entries,
  };
}

/** A stored rate (numeric text) without trailing zeros. */
export function trimRate(rate: string): string {
  return rate.includes('.') ? rate.replace(/0+$/, '').replace(/\.$/, '') : rate;
}
