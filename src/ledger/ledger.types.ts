import { Money } from '../money/money';
import { Rate } from '../money/rate';

/** One line of a posting: debit when the amounts are positive, credit when negative. */
export interface PostingLine {
  accountCode: string;
  donorId?: string;
  earmarkId?: string;
  bankAccountId?: string;
  /** The pledge the line concerns (receivable, revenue, payment, write-off…), if any. */
  pledgeId?: string;
  /** The receipt the line concerns (cash, charges, unapplied, suspense, FX…), if any. */
  receiptId?: string;
  /** In the transaction currency. */
  amount: Money;
  /** In the fund's functional currency, with the same sign. */
  functional: Money;
  /** Functional units per transaction unit, as used for this line (absent when the same currency). */
  rate?: Rate;
}

/** What a business event asks the ledger to post. */
export interface PostingRequest {
  fundId: string;
  /** Accounting date, YYYY-MM-DD. */
  date: string;
  description: string;
  /** The kind of business event: 'manual-adjustment', 'reversal', 'pledge-agreement', … */
  sourceType: string;
  /** The business object that caused it (a pledge id…), if any. */
  sourceRef?: string;
  /** Unique per fund and source type: posting the same event twice is refused by the database. */
  idempotencyKey: string;
  lines: PostingLine[];
  reversesEntryId?: string;
  reason?: string;
}
