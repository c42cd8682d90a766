import { Money } from '../money/money';
import { JournalEntryResponse } from './dto/journal.dto';
import { EntryRow, LineRow } from './journal.repository';

/** An entry as the API shows it, from its row and its lines (in line order). */
export function toEntryResponse(entry: EntryRow, lines: LineRow[]): JournalEntryResponse {
  return {
    id: entry.id,
    fund: entry.fund_code,
    number: entry.number,
    date: entry.entry_date,
    description: entry.description,
    source: { type: entry.source_type, ref: entry.source_ref },
    reversesEntryId: entry.reverses_entry_id,
    reversedByEntryId: entry.reversed_by_entry_id,
    reason: entry.reason,
    createdBy: entry.created_by,
    createdAt: new Date(entry.created_at).toISOString(),
    lines: lines.map((line) => {
      const amount = Money.fromMinor(line.amount_minor, line.currency);
      const functional = Money.fromMinor(line.functional_minor, entry.functional_currency);
      // A line with a functional amount only (an FX difference) is on the side of that amount.
      const credit = amount.isZero() ? functional.isNegative() : amount.isNegative();
      return {
        lineNo: line.line_no,
        account: { code: line.account_code, name: line.account_name },
        donorId: line.donor_id,
        earmark: line.earmark_code,
        bankAccountId: line.bank_account_id,
        pledgeId: line.pledge_id,
        receiptId: line.receipt_id,
        debit: credit ? null : amount.toJSON(),
        credit: credit ? amount.negate().toJSON() : null,
        functional: functional.toJSON(),
        rate: line.rate,
      };
    }),
  };
}
