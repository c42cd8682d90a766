import { DONOR_TYPES } from '../../donors/dto/donor.dto';
import { ITU_D_REGIONS } from '../../reference/reference.types';
import { TranslationParams } from '../../documents/document-i18n';
import { FieldError } from '../../common/errors/problem';
import { fieldMessage, formatNumber, uiText } from '../../web/ui-i18n';
import { donorTypeLabel } from '../contributions/contributions-report.service';
import { ReportCell, ReportColumn, ReportTable } from '../report-table';

/*
 * The management reports' tables as the HTML pages show them, in the interface's language. The
 * report services build their tables in English, once, for the API, CSV and XLSX (files that
 * are exchanged keep one language); a page takes such a table and gives it the catalogue's
 * title and column names (reports.tables.<table>), the labels the services generate ("Total",
 * "Overdue", a region, a donor type) in its language, and the figures grouped the language's
 * way. Names people typed (donors, earmarks, countries) are shown as they are.
 */

export interface TableWording {
  /** The catalogue section of the table: reports.tables.<key>. */
  key: string;
  title: string;
  /** The placeholders of the column names ({currency}, {asOf}). */
  params?: TranslationParams;
  /** Column names the page gives itself (the grouping column, named after the grouping). */
  columns?: Record<string, string>;
  /** The grouping of a contributions table: its group cells are regions or donor types. */
  groupBy?: string;
}

/** A copy of `table` with the page's language: title, column names, generated labels. */
export function localiseTable(table: ReportTable, wording: TableWording): ReportTable {
  const columns = table.columns.map((column): ReportColumn => ({
    ...column,
    label:
      wording.columns?.[column.key] ??
      uiText(`reports.tables.${wording.key}.columns.${column.key}`, wording.params ?? {}),
  }));
  const row = (values: Record<string, ReportCell>): Record<string, ReportCell> =>
    Object.fromEntries(
      Object.entries(values).map(([key, value]) => [
        key,
        typeof value === 'string' ? generatedLabel(key, value, wording.groupBy) : value,
      ]),
    );
  return {
    ...table,
    title: wording.title,
    columns,
    rows: table.rows.map(row),
    ...(table.total === undefined ? {} : { total: row(table.total) }),
  };
}

/**
 * A label a report service wrote itself, in the interface's language; anything else (a name
 * someone typed, a month, a currency) as it is.
 */
export function generatedLabel(column: string, value: string, groupBy?: string): string {
  if (value === 'Total' && ['group', 'donor', 'period', 'label'].includes(column)) {
    return uiText('reports.cells.total');
  }
  if (column === 'group') {
    if (value === 'No country recorded') return uiText('reports.cells.noCountry');
    if (value === 'No region recorded') return uiText('reports.cells.noRegion');
    if (groupBy === 'region') return regionName(value);
    if (groupBy === 'donor-type') {
      const type = DONOR_TYPES.find((candidate) => donorTypeLabel(candidate) === value);
      if (type !== undefined) return uiText(`reports.donorTypes.${type}`);
    }
  }
  if (column === 'period') {
    if (value === 'Overdue') return uiText('reports.cells.overdue');
    if (value === 'Later') return uiText('reports.cells.later');
  }
  if (column === 'label') {
    if (value === 'No earmark') return uiText('reports.cells.noEarmark');
    const total = /^Total (\S+)$/.exec(value);
    if (total !== null) return uiText('reports.cells.fundTotal', { fund: total[1] });
  }
  return value;
}

/** An ITU-D region by its name in the interface's language (other text as it is). */
export function regionName(region: string): string {
  return (ITU_D_REGIONS as readonly string[]).includes(region)
    ? uiText(`reports.regions.${region}`)
    : region;
}

/** A cell as the page shows it: figures grouped in the page's language, the rest as text. */
export function cellText(column: ReportColumn, value: ReportCell | undefined): string {
  if (value === null || value === undefined) return '';
  if ((column.kind === 'money' || column.kind === 'percent') && typeof value === 'string') {
    return formatNumber(value);
  }
  return String(value);
}

/** Figures (money, counts, percentages) are right-aligned; text and dates are not. */
export function isNumeric(column: ReportColumn): boolean {
  return column.kind !== 'text' && column.kind !== 'date';
}

export interface FilterErrors {
  /** The message beside each field, by field name. */
  fields: Record<string, string>;
  /** The list at the top: each message linking to its field. */
  summary: Array<{ href: string; message: string }>;
}

/**
 * A report filter the API refused, for the page: each field's message beside it (the
 * interface's text for its rule, else the API's reason) and a summary that links to each field
 * by its label.
 */
export function filterErrors(
  errors: readonly FieldError[] | undefined,
  labels: Record<string, string>,
): FilterErrors {
  const fields: Record<string, string> = {};
  const summary: Array<{ href: string; message: string }> = [];
  for (const error of errors ?? []) {
    if (fields[error.field] !== undefined) continue;
    const message = fieldMessage(error);
    fields[error.field] = message;
    const label = labels[error.field];
    summary.push({
      href: `#${error.field}`,
      message:
        label === undefined
          ? message
          : uiText('reports.common.errorItem', { field: label, message }),
    });
  }
  return { fields, summary };
}
