import { stringify } from 'csv-stringify/sync';
import { GrantFiguresLineResponse, GrantFiguresResponse } from './dto/grant-figures.dto';

/**
 * The grant figures as CSV (RFC 4180, a header row): one row per group, the total last (row
 * type `total`). Amounts are plain decimal strings in the fund currency, every minor digit, no
 * grouping ("1234.50"); the columns that carry them end with the currency.
 */
export function grantFiguresCsv(report: GrantFiguresResponse): string {
  const fc = report.functionalCurrency.toLowerCase();
  const columns = [
    'row_type',
    'as_of',
    'fund',
    'group_by',
    'event',
    'group',
    'label',
    'approved',
    'disbursed',
    'settled',
    'grants',
    'cancelled',
    `committed_${fc}`,
    `disbursed_${fc}`,
    `expense_${fc}`,
    `support_costs_${fc}`,
    `returned_${fc}`,
  ];
  const row = (
    type: 'group' | 'total',
    line: GrantFiguresLineResponse,
  ): Record<string, string> => ({
    row_type: type,
    as_of: report.asOf,
    fund: report.fund,
    group_by: report.groupBy,
    event: report.event ?? '',
    group: type === 'total' ? '' : plainText(line.key),
    label: type === 'total' ? '' : plainText(line.label),
    approved: String(line.grants.approved),
    disbursed: String(line.grants.disbursed),
    settled: String(line.grants.settled),
    grants: String(line.grants.total),
    cancelled: String(line.grants.cancelled),
    [`committed_${fc}`]: line.committed.amount,
    [`disbursed_${fc}`]: line.disbursed.amount,
    [`expense_${fc}`]: line.expense.amount,
    [`support_costs_${fc}`]: line.supportCosts.amount,
    [`returned_${fc}`]: line.returned.amount,
  });
  const rows = [...report.groups.map((line) => row('group', line)), row('total', report.total)];
  return stringify(rows, { header: true, columns });
}

/** Names typed by someone (an event's), made inert for spreadsheets: no leading = + - @. */
function plainText(value: string): string {
  return /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}
