import { stringify } from 'csv-stringify/sync';
import { MoneyResponse } from '../ledger/dto/journal.dto';
import {
  CurrencyFiguresResponse,
  FunctionalFiguresResponse,
  PledgeReconciliationResponse,
  ReconciliationSubtotalResponse,
} from './dto/pledge-reconciliation.dto';

/**
 * The kinds of row, in the order they come: each donor's pledges, then that donor's subtotal
 * per pledge currency and over all currencies (fund currency only); at the end the fund's total
 * per pledge currency and over all currencies. The last row is the fund total.
 */
export const CSV_ROW_TYPES = [
  'pledge',
  'donor-currency-subtotal',
  'donor-subtotal',
  'currency-total',
  'total',
] as const;

type Row = Record<string, string>;

/**
 * The report as CSV (RFC 4180, a header row). Amounts are plain decimal strings with every
 * minor digit and no grouping ("-1234.50"), in the currency of their column: the pledge
 * currency in `currency`, the fund currency in the columns that end with it.
 */
export function pledgeReconciliationCsv(report: PledgeReconciliationResponse): string {
  const fc = report.functionalCurrency.toLowerCase();
  const columns = [
    'row_type',
    'as_of',
    'fund',
    'donor',
    'donor_id',
    'pledge_reference',
    'earmark',
    'stage',
    'memo',
    'currency',
    'pledged',
    `pledged_${fc}`,
    'received',
    'received_in_receipt_currencies',
    `received_${fc}`,
    `relieved_${fc}`,
    `fx_${fc}`,
    'written_off',
    `written_off_${fc}`,
    'cancelled',
    `cancelled_${fc}`,
    'adjusted',
    `adjusted_${fc}`,
    'outstanding',
    `outstanding_${fc}`,
    'announced_memo',
    'pledges',
    'reconciles',
  ];
  const base = (type: (typeof CSV_ROW_TYPES)[number]): Row => ({
    row_type: type,
    as_of: report.asOf,
    fund: report.fund,
  });
  const currencyColumns = (figures: CurrencyFiguresResponse): Row => ({
    currency: figures.currency,
    pledged: figures.pledged.amount,
    [`pledged_${fc}`]: figures.pledgedFunctional.amount,
    received: figures.received.amount,
    received_in_receipt_currencies: list(figures.receivedInReceiptCurrencies),
    [`received_${fc}`]: figures.receivedFunctional.amount,
    [`relieved_${fc}`]: figures.relievedFunctional.amount,
    [`fx_${fc}`]: figures.fxFunctional.amount,
    written_off: figures.writtenOff.amount,
    [`written_off_${fc}`]: figures.writtenOffFunctional.amount,
    cancelled: figures.cancelled.amount,
    [`cancelled_${fc}`]: figures.cancelledFunctional.amount,
    adjusted: figures.adjusted.amount,
    [`adjusted_${fc}`]: figures.adjustedFunctional.amount,
    outstanding: figures.outstanding.amount,
    [`outstanding_${fc}`]: figures.outstandingFunctional.amount,
    announced_memo: figures.announced.amount,
  });
  const functionalColumns = (
    figures: FunctionalFiguresResponse,
    subtotal: ReconciliationSubtotalResponse,
  ): Row => ({
    currency: '',
    [`pledged_${fc}`]: figures.pledged.amount,
    received_in_receipt_currencies: list(subtotal.receivedInReceiptCurrencies),
    [`received_${fc}`]: figures.received.amount,
    [`relieved_${fc}`]: figures.relieved.amount,
    [`fx_${fc}`]: figures.fx.amount,
    [`written_off_${fc}`]: figures.writtenOff.amount,
    [`cancelled_${fc}`]: figures.cancelled.amount,
    [`adjusted_${fc}`]: figures.adjusted.amount,
    [`outstanding_${fc}`]: figures.outstanding.amount,
    pledges: String(subtotal.pledges),
    reconciles: yesNo(subtotal.reconciles),
  });

  const rows: Row[] = [];
  for (const { donor, pledges, subtotal } of report.donors) {
    const who = { donor: plainText(donor.name), donor_id: donor.id };
    for (const pledge of pledges) {
      rows.push({
        ...base('pledge'),
        ...who,
        pledge_reference: pledge.reference,
        earmark: pledge.earmark,
        stage: pledge.stage,
        memo: yesNo(pledge.memo),
        ...currencyColumns(pledge),
        pledges: '1',
        reconciles: yesNo(pledge.reconciles),
      });
    }
    for (const figures of subtotal.byCurrency) {
      rows.push({ ...base('donor-currency-subtotal'), ...who, ...currencyColumns(figures) });
    }
    rows.push({
      ...base('donor-subtotal'),
      ...who,
      ...functionalColumns(subtotal.functional, subtotal),
    });
  }
  for (const figures of report.total.byCurrency) {
    rows.push({ ...base('currency-total'), ...currencyColumns(figures) });
  }
  rows.push({ ...base('total'), ...functionalColumns(report.total.functional, report.total) });
  return stringify(rows, { header: true, columns });
}

/** "EUR 100.00; USD 20.00": several amounts in one cell, each with its currency. */
function list(amounts: readonly MoneyResponse[]): string {
  return amounts.map((amount) => `${amount.currency} ${amount.amount}`).join('; ');
}

/**
 * A name typed by someone, made inert for spreadsheets: a cell starting with = + - @ (or a tab
 * or carriage return) would be read as a formula, so it gets a leading apostrophe.
 */
function plainText(value: string): string {
  return /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}

function yesNo(value: boolean): string {
  return value ? 'yes' : 'no';
}
