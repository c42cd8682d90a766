import { ReportTable } from './report-table';
import { GrantFiguresLineResponse, GrantFiguresResponse } from './dto/grant-figures.dto';

/** The grant figures as one report table (the XLSX export): one row per group, the total. */
export function grantFiguresTables(report: GrantFiguresResponse): ReportTable[] {
  const fc = report.functionalCurrency;
  const key = fc.toLowerCase();
  const row = (line: GrantFiguresLineResponse) => ({
    group: line.key,
    label: line.label,
    approved: line.grants.approved,
    disbursed: line.grants.disbursed,
    settled: line.grants.settled,
    grants: line.grants.total,
    cancelled: line.grants.cancelled,
    [`committed_${key}`]: line.committed.amount,
    [`disbursed_${key}`]: line.disbursed.amount,
    [`expense_${key}`]: line.expense.amount,
    [`support_costs_${key}`]: line.supportCosts.amount,
    [`returned_${key}`]: line.returned.amount,
  });
  return [
    {
      name: `grant-figures-by-${report.groupBy}`,
      title: `Participation grants by ${report.groupBy}`,
      columns: [
        { key: 'group', label: 'Group', kind: 'text' },
        { key: 'label', label: 'Name', kind: 'text' },
        { key: 'approved', label: 'Approved', kind: 'count' },
        { key: 'disbursed', label: 'Disbursed', kind: 'count' },
        { key: 'settled', label: 'Settled', kind: 'count' },
        { key: 'grants', label: 'Grants', kind: 'count' },
        { key: 'cancelled', label: 'Cancelled', kind: 'count' },
        { key: `committed_${key}`, label: `Committed (${fc})`, kind: 'money' },
        { key: `disbursed_${key}`, label: `Advances disbursed (${fc})`, kind: 'money' },
        { key: `expense_${key}`, label: `Actual cost (${fc})`, kind: 'money' },
        { key: `support_costs_${key}`, label: `Support costs (${fc})`, kind: 'money' },
        { key: `returned_${key}`, label: `Returned (${fc})`, kind: 'money' },
      ],
      rows: report.groups.map(row),
      total: { ...row(report.total), group: 'total', label: 'Total' },
      filters: {
        Fund: report.fund,
        'As of': report.asOf,
        'Grouped by': report.groupBy,
        ...(report.event === null ? {} : { Event: report.event }),
      },
    },
  ];
}
