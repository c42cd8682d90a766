/**
 * A bank statement as read from a file (camt.053, MT940 or CSV), before it is stored. Amounts
 * are decimal strings exactly as the bank wrote them, normalised ('1234.5', '-20.00'): they are
 * read into Money (minor units) by the importer, never into floats.
 */
export type StatementFormat = 'camt.053' | 'mt940' | 'csv';

export interface ParsedBalance {
  /** Signed decimal string: negative for a debit balance. */
  amount: string;
  currency: string;
  /** YYYY-MM-DD */
  date: string;
}

export interface ParsedEntry {
  bookingDate: string;
  valueDate: string | null;
  /** Signed decimal string in the statement's currency: credits positive, debits negative. */
  amount: string;
  currency: string;
  /** 'BOOK' (booked), 'PDNG' (pending), 'INFO'. */
  status: string;
  /** A reversal (camt RvslInd, MT940 RC/RD marks). */
  reversal: boolean;
  /** The bank's own reference of the entry (camt AcctSvcrRef, MT940 :61: bank reference). */
  bankReference: string | null;
  endToEndId: string | null;
  counterpartyName: string | null;
  counterpartyAccount: string | null;
  /** Unstructured remittance information (camt RmtInf/Ustrd, MT940 :86: purpose). */
  remittanceText: string | null;
  bankTransactionCode: string | null;
  /** What the payer instructed, when in another currency (camt AmtDtls/InstdAmt). */
  instructedAmount: { amount: string; currency: string } | null;
  /** Anything else worth keeping (batch details, structured references…), as JSON. */
  raw: Record<string, unknown>;
}

export interface ParsedStatement {
  format: StatementFormat;
  /** The statement's own id (camt Stmt/Id, MT940 :20: + :28C:), unique per account. */
  statementId: string;
  sequence: string | null;
  /** IBAN or account number as the file names it. */
  accountIdentifier: string;
  currency: string;
  opening: ParsedBalance | null;
  closing: ParsedBalance;
  entries: ParsedEntry[];
}

/** How to read a CSV export: which column holds what (saved per bank account). */
export interface CsvMapping {
  delimiter?: string;
  /** Lines to skip before the header (a preamble). */
  skipLines?: number;
  dateFormat: 'YYYY-MM-DD' | 'DD.MM.YYYY' | 'DD/MM/YYYY' | 'MM/DD/YYYY';
  decimalSeparator: '.' | ',';
  columns: {
    bookingDate: string;
    valueDate?: string;
    /** One signed amount column, or debit and credit columns. */
    amount?: string;
    debit?: string;
    credit?: string;
    currency?: string;
    counterpartyName?: string;
    remittanceText?: string;
    bankReference?: string;
  };
  /** Used when the file has no balances: the statement id and balances come from the request. */
  currency?: string;
}

export class StatementParseError extends Error {
  constructor(
    readonly fileName: string,
    readonly problem: string,
  ) {
    super(`${fileName}: ${problem}`);
  }
}
