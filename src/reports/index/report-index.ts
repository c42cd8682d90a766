/** One entry of the reports page: a page to open, and the API route that gives its data. */
export interface ReportIndexEntry {
  title: string;
  description: string;
  page: string;
  api?: string;
  formats: string;
}

/** The reports page, by what the reader wants to know. */
export const REPORT_INDEX: { heading: string; entries: ReportIndexEntry[] }[] = [
  {
    heading: 'Fund and management',
    entries: [
      {
        title: 'Management dashboard',
        description:
          'Contributions by year and region, fund position, grants by region and gender: charts with their tables.',
        page: '/dashboard',
        formats: 'page',
      },
      {
        title: 'Fund position',
        description:
          'Announced, agreed, received, outstanding, written off, committed, disbursed and available, per fund and earmark, as of a date; tied to the trial balance.',
        page: '/reports/fund-position',
        api: '/api/v1/reports/fund-position',
        formats: 'page, JSON, CSV, XLSX',
      },
      {
        title: 'Annual report to Council',
        description:
          'Contributions received by donor, grants by country and region with the LDC share and gender balance, use of earmarked money, balance carried forward; in the six UN languages.',
        page: '/api/v1/reports/council?format=html',
        api: '/api/v1/reports/council',
        formats: 'HTML, PDF, JSON, CSV, XLSX',
      },
    ],
  },
  {
    heading: 'Contributions',
    entries: [
      {
        title: 'Contributions',
        description:
          'Pledged and received by donor, donor type, country, ITU-D region or year; pledged against received per year; top donors.',
        page: '/reports/contributions',
        api: '/api/v1/reports/contributions',
        formats: 'page, JSON, CSV, XLSX',
      },
      {
        title: 'Outstanding pledges',
        description: 'Unpaid instalments per donor, aged by days past due.',
        page: '/reports/outstanding-pledges',
        api: '/api/v1/reports/outstanding-pledges',
        formats: 'page, JSON, CSV, XLSX',
      },
      {
        title: 'Cash forecast',
        description: 'Unpaid instalments falling due in the next twelve months.',
        page: '/reports/cash-forecast',
        api: '/api/v1/reports/cash-forecast',
        formats: 'page, JSON, CSV, XLSX',
      },
      {
        title: 'Pledge reconciliation',
        description:
          'Pledged, received, exchange differences, written off and outstanding per pledge and donor.',
        page: '/reports/pledge-reconciliation',
        api: '/api/v1/reports/pledge-reconciliation',
        formats: 'page, JSON, CSV, XLSX',
      },
    ],
  },
  {
    heading: 'Participation grants',
    entries: [
      {
        title: 'Grant figures',
        description:
          'Grants by event, country, region, LDC or developing status, gender and stakeholder group, with the money committed, paid and spent.',
        page: '/reports/grant-figures',
        api: '/api/v1/reports/grant-figures',
        formats: 'page, JSON, CSV, XLSX',
      },
    ],
  },
  {
    heading: 'Open formats',
    entries: [
      {
        title: 'Exports',
        description:
          'The fund’s activity as IATI 2.03 XML, and the whole ledger as an hledger journal.',
        page: '/exports',
        formats: 'IATI XML, hledger journal',
      },
    ],
  },
];
