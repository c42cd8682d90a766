import { ReportCell, ReportColumn, ReportTable } from './report-table';
import {
  CurrencyFiguresResponse,
  FunctionalFiguresResponse,
  PledgeReconciliationResponse,
} from './dto/pledge-reconciliation.dto';

type Row = Record<string, ReportCell>;

/**
 * The pledge reconciliation as report tables (the XLSX export): the pledges (pledge currency and
 * fund currency), the donors' subtotals in the fund currency, and the totals per pledge currency.
 */
export function pledgeReconciliationTables(report: PledgeReconciliationResponse): ReportTable[] {
  const fc = report.functionalCurrency;
  const key = fc.toLowerCase();
  const filters = { Fund: report.fund, 'As of': report.asOf };
  const currencyColumns: ReportColumn[] = [
    { key: 'currency', label: 'Currency', kind: 'text' },
    { key: 'pledged', label: 'Pledged', kind: 'money' },
    { key: `pledged_${key}`, label: `Pledged (${fc})`, kind: 'money' },
    { key: 'received', label: 'Received', kind: 'money' },
    { key: `received_${key}`, label: `Received (${fc})`, kind: 'money' },
    { key: `fx_${key}`, label: `FX (${fc})`, kind: 'money' },
    { key: 'written_off', label: 'Written off', kind: 'money' },
    { key: 'cancelled', label: 'Cancelled', kind: 'money' },
    { key: 'adjusted', label: 'Adjusted', kind: 'money' },
    { key: 'outstanding', label: 'Outstanding', kind: 'money' },
    { key: `outstanding_${key}`, label: `Outstanding (${fc})`, kind: 'money' },
    { key: 'announced_memo', label: 'Announced (memo)', kind: 'money' },
  ];
  const currencyCells = (f: CurrencyFiguresResponse): Row => ({
    currency: f.currency,
    pledged: f.pledged.amount,
    [`pledged_${key}`]: f.pledgedFunctional.amount,
    received: f.received.amount,
    [`received_${key}`]: f.receivedFunctional.amount,
    [`fx_${key}`]: f.fxFunctional.amount,
    written_off: f.writtenOff.amount,
    cancelled: f.cancelled.amount,
    adjusted: f.adjusted.amount,
    outstanding: f.outstanding.amount,
    [`outstanding_${key}`]: f.outstandingFunctional.amount,
    announced_memo: f.announced.amount,
  });
  const functionalColumns: ReportColumn[] = [
    { key: `pledged_${key}`, label: `Pledged (${fc})`, kind: 'money' },
    { key: `received_${key}`, label: `Received (${fc})`, kind: 'money' },
    { key: `relieved_${key}`, label: `Receivable relieved (${fc})`, kind: 'money' },
    { key: `fx_${key}`, label: `FX (${fc})`, kind: 'money' },
    { key: `written_off_${key}`, label: `Written off (${fc})`, kind: 'money' },
    { key: `cancelled_${key}`, label: `Cancelled (${fc})`, kind: 'money' },
    { key: `adjusted_${key}`, label: `Adjusted (${fc})`, kind: 'money' },
    { key: `outstanding_${key}`, label: `Outstanding (${fc})`, kind: 'money' },
    { key: 'pledges', label: 'Pledges', kind: 'count' },
  ];
  const functionalCells = (f: FunctionalFiguresResponse, pledges: number): Row => ({
    [`pledged_${key}`]: f.pledged.amount,
    [`received_${key}`]: f.received.amount,
    [`relieved_${key}`]: f.relieved.amount,
    [`fx_${key}`]: f.fx.amount,
    [`written_off_${key}`]: f.writtenOff.amount,
    [`cancelled_${key}`]: f.cancelled.amount,
    [`adjusted_${key}`]: f.adjusted.amount,
    [`outstanding_${key}`]: f.outstanding.amount,
    pledges,
  });
  return [
    {
      name: 'pledges',
      title: 'Pledge reconciliation: pledges',
      columns: [
        { key: 'donor', label: 'Donor', kind: 'text' },
        { key: 'pledge_reference', label: 'Pledge', kind: 'text' },
        { key: 'earmark', label: 'Earmark', kind: 'text' },
        { key: 'stage', label: 'Stage', kind: 'text' },
        ...currencyColumns,
      ],
      rows: report.donors.flatMap(({ donor, pledges }) =>
        pledges.map((pledge) => ({
          donor: donor.name,
          pledge_reference: pledge.reference,
          earmark: pledge.earmark,
          stage: pledge.stage,
          ...currencyCells(pledge),
        })),
      ),
      filters,
    },
    {
      name: 'donors',
      title: `Pledge reconciliation: donors (${fc})`,
      columns: [{ key: 'donor', label: 'Donor', kind: 'text' }, ...functionalColumns],
      rows: report.donors.map(({ donor, subtotal }) => ({
        donor: donor.name,
        ...functionalCells(subtotal.functional, subtotal.pledges),
      })),
      total: { donor: 'Total', ...functionalCells(report.total.functional, report.total.pledges) },
      filters,
    },
    {
      name: 'currencies',
      title: 'Pledge reconciliation: totals per pledge currency',
      columns: currencyColumns,
      rows: report.total.byCurrency.map(currencyCells),
      filters,
    },
  ];
}
