import { stringify } from 'csv-stringify/sync';
import { BankReconciliationResponse } from './dto/bank-reconciliation.dto';

/**
 * The kinds of row, in the order they come: the two balances, each reconciling item, the two
 * totals of items, the explained balance and the difference last.
 */
export const BANK_CSV_ROW_TYPES = [
  'statement-balance',
  'ledger-balance',
  'receipt-not-on-bank',
  'ledger-movement-not-on-bank',
  'bank-line-not-in-ledger',
  'total-in-ledger-not-on-bank',
  'total-on-bank-not-in-ledger',
  'explained-balance',
  'difference',
] as const;

type RowType = (typeof BANK_CSV_ROW_TYPES)[number];
type Row = Record<string, string>;

const COLUMNS = [
  'row_type',
  'as_of',
  'fund',
  'bank_account',
  'currency',
  'date',
  'reference',
  'counterparty',
  'description',
  'gross',
  'charges',
  'amount',
];

/**
 * The reconciliation as CSV (RFC 4180, a header row). Amounts are plain signed decimal strings
 * in the account's currency, with every minor digit ("-1234.50"). Item amounts have the sign
 * they have on their side: receipts and credits positive, money out negative.
 */
export function bankReconciliationCsv(report: BankReconciliationResponse): string {
  const row = (type: RowType, fields: Row): Row => ({
    row_type: type,
    as_of: report.asOf,
    fund: report.fund,
    bank_account: report.bankAccount.code,
    currency: report.bankAccount.currency,
    ...fields,
  });
  const rows: Row[] = [
    row('statement-balance', {
      date: report.statement?.closingDate ?? '',
      reference: report.statement?.statementId ?? '',
      description: report.statement === null ? 'no statement on or before the date' : '',
      amount: report.statementBalance.amount,
    }),
    row('ledger-balance', { date: report.asOf, amount: report.ledgerBalance.amount }),
  ];
  for (const receipt of report.inLedgerNotOnBank.receipts) {
    rows.push(
      row('receipt-not-on-bank', {
        date: receipt.valueDate,
        reference: receipt.number,
        counterparty: plainText(receipt.remitterName ?? ''),
        description: plainText(receipt.bankReference ?? ''),
        gross: receipt.gross.amount,
        charges: receipt.charges.amount,
        amount: receipt.net.amount,
      }),
    );
  }
  for (const movement of report.inLedgerNotOnBank.movements) {
    rows.push(
      row('ledger-movement-not-on-bank', {
        date: movement.entryDate,
        reference: movement.entryNumber,
        description: plainText(`${movement.sourceType}: ${movement.description}`),
        amount: movement.amount.amount,
      }),
    );
  }
  for (const line of report.onBankNotInLedger.lines) {
    rows.push(
      row('bank-line-not-in-ledger', {
        date: line.bookingDate,
        reference: `${line.statementId}#${line.lineNo}`,
        counterparty: plainText(line.counterpartyName ?? ''),
        description: plainText(line.remittanceText ?? line.bankReference ?? ''),
        amount: line.amount.amount,
      }),
    );
  }
  rows.push(
    row('total-in-ledger-not-on-bank', { amount: report.inLedgerNotOnBank.total.amount }),
    row('total-on-bank-not-in-ledger', { amount: report.onBankNotInLedger.total.amount }),
    row('explained-balance', { amount: report.explainedBalance.amount }),
    row('difference', { amount: report.difference.amount }),
  );
  return stringify(rows, { header: true, columns: COLUMNS });
}

/** Text a person or a bank typed, made inert for spreadsheets (no leading = + - @). */
function plainText(value: string): string {
  return /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}
