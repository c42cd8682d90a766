/**
 * The report routes the benchmark times (issue 10, contracts "Routes"), with their targets on
 * 1,000,000 journal lines and 10,000 donors. `{asOf}`, `{from}`, `{to}`, `{year}` are filled in.
 */
export interface ReportRoute {
  name: string;
  path: string;
  /** Null: a figure only (an export of the whole ledger is a download, not a report). */
  targetMs: number | null;
  /** Timed runs, when fewer than BENCH_RUNS will do (a long export). */
  runs?: number;
}

const FUND = 'WSIS-TF';

export const REPORT_ROUTES: ReportRoute[] = [
  {
    name: 'fund position',
    path: `/api/v1/reports/fund-position?fund=${FUND}&asOf={asOf}`,
    targetMs: 100,
  },
  {
    name: 'fund position (no ties)',
    path: `/api/v1/reports/fund-position?fund=${FUND}&asOf={asOf}&ties=false`,
    targetMs: 100,
  },
  {
    name: 'fund position, every fund',
    path: '/api/v1/reports/fund-position?asOf={asOf}',
    targetMs: 100,
  },
  {
    name: 'contributions by donor',
    path: `/api/v1/reports/contributions?fund=${FUND}&groupBy=donor&from={from}&to={to}`,
    targetMs: 1000,
  },
  {
    name: 'contributions by region',
    path: `/api/v1/reports/contributions?fund=${FUND}&groupBy=region&from={from}&to={to}`,
    targetMs: 1000,
  },
  {
    name: 'contributions by year',
    path: `/api/v1/reports/contributions?fund=${FUND}&groupBy=year`,
    targetMs: 1000,
  },
  {
    name: 'pledged vs received',
    path: `/api/v1/reports/pledged-vs-received?fund=${FUND}`,
    targetMs: 1000,
  },
  { name: 'top donors', path: `/api/v1/reports/top-donors?fund=${FUND}&limit=10`, targetMs: 1000 },
  {
    name: 'outstanding pledges',
    path: `/api/v1/reports/outstanding-pledges?fund=${FUND}&asOf={asOf}`,
    targetMs: 1000,
  },
  {
    name: 'cash forecast',
    path: `/api/v1/reports/cash-forecast?fund=${FUND}&asOf={asOf}`,
    targetMs: 1000,
  },
  {
    name: 'grant figures by region',
    path: `/api/v1/reports/grant-figures?fund=${FUND}&groupBy=region&asOf={asOf}`,
    targetMs: 1000,
  },
  {
    name: 'pledge reconciliation',
    path: `/api/v1/reports/pledge-reconciliation?fund=${FUND}&asOf={asOf}`,
    targetMs: 1000,
  },
  {
    name: 'council report (json)',
    path: `/api/v1/reports/council?fund=${FUND}&year={year}&format=json`,
    targetMs: 1000,
  },
  {
    name: 'council report (html)',
    path: `/api/v1/reports/council?fund=${FUND}&year={year}&format=html`,
    targetMs: 1000,
  },
  { name: 'dashboard', path: `/dashboard?fund=${FUND}`, targetMs: 1000 },
  {
    name: 'IATI export',
    path: `/api/v1/exports/iati?fund=${FUND}&from={from}&to={to}`,
    targetMs: 1000,
  },
  {
    name: 'hledger export (whole ledger)',
    path: `/api/v1/exports/hledger?fund=${FUND}&asOf={asOf}`,
    targetMs: null,
    runs: 2,
  },
  { name: 'revaluations list', path: `/api/v1/funds/${FUND}/revaluations`, targetMs: 1000 },
];
