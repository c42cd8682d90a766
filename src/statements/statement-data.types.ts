import { CalendarDate } from '../common/calendar-date';

/** The six UN languages statements, letters and reminders are written in. */
export const UN_LANGUAGES = ['ar', 'zh', 'en', 'fr', 'es', 'ru'] as const;
export type UnLanguage = (typeof UN_LANGUAGES)[number];

export function isUnLanguage(value: unknown): value is UnLanguage {
  return typeof value === 'string' && (UN_LANGUAGES as readonly string[]).includes(value);
}

/** An exact amount: a decimal string with the currency's minor digits ("1234.50"), never a float. */
export interface DocumentAmount {
  amount: string;
  currency: string;
}

export interface DocumentDonor {
  id: string;
  name: string;
  type: string;
  /** ISO 3166 alpha-2, or null. */
  country: string | null;
  language: UnLanguage;
}

export interface DocumentFund {
  code: string;
  name: string;
  /** The fund's functional currency (CHF for WSIS-TF): every statement total is in it. */
  currency: string;
}

/** A pledge or agreement made (booked) in the period. */
export interface StatementPledge {
  reference: string;
  earmark: string;
  /** announced | agreed | partially_paid | paid | cancelled | written_off (as of the period end). */
  status: string;
  /** When it was agreed (booked on the receivable), or announced when only announced. */
  date: CalendarDate;
  /** In the pledge's currency. */
  amount: DocumentAmount;
  /** What the booking is worth in the fund's currency (0 for an announcement: memo only). */
  functional: DocumentAmount;
}

/**
 * A receipt from the donor whose value date falls in the period, or whose money was applied to
 * the donor's pledges in the period (credit left unapplied in an earlier period).
 */
export interface StatementReceipt {
  number: string;
  valueDate: CalendarDate;
  /** Gross amount as received, in the receipt's (bank account's) currency. */
  original: DocumentAmount;
  /** The UN rate used (receipt currency → fund currency), as a decimal string; "1" when equal. */
  rate: string;
  /** Gross value in the fund's currency. */
  functional: DocumentAmount;
  /** Bank charges deducted, in the fund's currency ("0.00" when none). */
  charges: DocumentAmount;
  /** The pledge references the receipt was allocated to (may be empty: unapplied credit). */
  pledges: string[];
  /**
   * What of it was applied to the donor's receivable in the period, in the fund's currency at
   * the receipt's rate (gross, bank charges included: the donor is credited what it sent). The
   * receipts' applied amounts add up to receivedTotal; what is not applied is unapplied credit.
   */
  applied: DocumentAmount;
  /** The realised exchange difference on what was applied in the period (gain positive). */
  exchangeDifference: DocumentAmount;
}

export interface StatementWriteOff {
  pledgeReference: string;
  date: CalendarDate;
  /** In the fund's currency. */
  functional: DocumentAmount;
}

/** An instalment not yet fully paid at the period end, next due first. */
export interface StatementInstalmentDue {
  pledgeReference: string;
  seq: number;
  dueDate: CalendarDate;
  /** Still to pay, in the pledge's currency. */
  outstanding: DocumentAmount;
  overdue: boolean;
}

/**
 * How the donor's earmarked money was used: grants attributed to its receipts, net of releases,
 * from the start up to the period end (a grant counts when a positive amount is attributed).
 */
export interface StatementGrantUse {
  grants: number;
  participants: number;
  /** ISO alpha-2 codes, sorted. */
  countries: string[];
  /** Grants for participants from an LDC (status as of the grant's decision date). */
  ldcGrants: number;
  /** Amount attributed to this donor's money, in the fund's currency. */
  amount: DocumentAmount;
}

/**
 * One fund's part of a statement. Every figure comes from the ledger, in the fund's currency,
 * and rolls forward: opening + pledged − received + exchange differences − written off
 * − cancelled ± adjustments = closing (the donor's receivable on the ledger at the period end).
 */
export interface StatementFundSection {
  fund: DocumentFund;
  openingOutstanding: DocumentAmount;
  pledges: StatementPledge[];
  pledgedTotal: DocumentAmount;
  receipts: StatementReceipt[];
  /** What the money applied to the receivable in the period was worth (the receipts' applied). */
  receivedTotal: DocumentAmount;
  /** Realised exchange differences on the receipts (gain positive, loss negative). */
  exchangeDifferences: DocumentAmount;
  writeOffs: StatementWriteOff[];
  writtenOffTotal: DocumentAmount;
  /** Cancellations and other adjustments of the receivable in the period (usually zero). */
  cancelledAndAdjusted: DocumentAmount;
  closingOutstanding: DocumentAmount;
  /** Unapplied credit the donor has with the fund at the period end (not yet allocated). */
  unappliedCredit: DocumentAmount;
  instalmentsDue: StatementInstalmentDue[];
  grantUse: StatementGrantUse;
}

/** Everything a donor statement shows: built once from the ledger, stored with the document. */
export interface StatementData {
  kind: 'statement';
  donor: DocumentDonor;
  /** The fund asked for, or null for all the funds the donor has anything with. */
  fund: DocumentFund | null;
  period: { from: CalendarDate; to: CalendarDate };
  sections: StatementFundSection[];
}

/** What an acknowledgement letter shows: one receipt, what it was worth and where it went. */
export interface AcknowledgementData {
  kind: 'acknowledgement';
  donor: DocumentDonor;
  fund: DocumentFund;
  receipt: {
    id: string;
    number: string;
    valueDate: CalendarDate;
    original: DocumentAmount;
    charges: DocumentAmount;
    rate: string;
    functional: DocumentAmount;
  };
  /** What was allocated, per pledge, in the pledge's currency. */
  allocations: { pledgeReference: string; earmark: string; amount: DocumentAmount }[];
  /** Left as unapplied credit, in the receipt's currency ("0.00" when all allocated). */
  unapplied: DocumentAmount;
}

/** What a payment reminder says: one instalment, due soon (step 0) or overdue (step ≥ 1). */
export interface ReminderData {
  kind: 'reminder';
  donor: DocumentDonor;
  fund: DocumentFund;
  pledgeReference: string;
  instalmentSeq: number;
  dueDate: CalendarDate;
  outstanding: DocumentAmount;
  step: number;
  overdue: boolean;
  /** Where to pay: the fund's bank account in the instalment's currency, if one exists. */
  bankAccount: { name: string; iban: string | null; bic: string | null } | null;
}

export type DocumentData = StatementData | AcknowledgementData | ReminderData;
