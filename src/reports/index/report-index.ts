import { uiText, UiLanguage, currentLanguage } from '../../web/ui-i18n';

/**
 * One entry of the reports page: a page to open, and the API route that gives its data. Its
 * title, description and formats are the catalogue's reports.index.entries.<key>.
 */
export interface ReportIndexEntry {
  key: string;
  page: string;
  api?: string;
}

/** The reports page, by what the reader wants to know (headings: reports.index.sections). */
export const REPORT_INDEX: { key: string; entries: ReportIndexEntry[] }[] = [
  {
    key: 'management',
    entries: [
      { key: 'dashboard', page: '/dashboard' },
      {
        key: 'fundPosition',
        page: '/reports/fund-position',
        api: '/api/v1/reports/fund-position',
      },
      {
        key: 'council',
        page: '/api/v1/reports/council?format=html',
        api: '/api/v1/reports/council',
      },
    ],
  },
  {
    key: 'contributions',
    entries: [
      {
        key: 'contributions',
        page: '/reports/contributions',
        api: '/api/v1/reports/contributions',
      },
      {
        key: 'outstandingPledges',
        page: '/reports/outstanding-pledges',
        api: '/api/v1/reports/outstanding-pledges',
      },
      {
        key: 'cashForecast',
        page: '/reports/cash-forecast',
        api: '/api/v1/reports/cash-forecast',
      },
      {
        key: 'pledgeReconciliation',
        page: '/reports/pledge-reconciliation',
        api: '/api/v1/reports/pledge-reconciliation',
      },
    ],
  },
  {
    key: 'grants',
    entries: [
      {
        key: 'grantFigures',
        page: '/reports/grant-figures',
        api: '/api/v1/reports/grant-figures',
      },
    ],
  },
  {
    key: 'openFormats',
    entries: [{ key: 'exports', page: '/exports' }],
  },
];

export interface ReportIndexSection {
  heading: string;
  entries: Array<{
    title: string;
    description: string;
    formats: string;
    page: string;
    api?: string;
  }>;
}

/** The reports page's sections and entries in `language` (the request's by default). */
export function reportIndex(language: UiLanguage = currentLanguage()): ReportIndexSection[] {
  return REPORT_INDEX.map((section) => ({
    heading: uiText(`reports.index.sections.${section.key}`, {}, language),
    entries: section.entries.map((entry) => {
      const text = (part: string) =>
        uiText(`reports.index.entries.${entry.key}.${part}`, {}, language);
      return {
        title: text('title'),
        description: text('description'),
        formats: text('formats'),
        page: entry.page,
        ...(entry.api === undefined ? {} : { api: entry.api }),
      };
    }),
  }));
}
