import { stringify } from 'csv-stringify/sync';
import ExcelJS from 'exceljs';

/**
 * The one shape every management report can be given in, so that each is exported the same way
 * (CSV and XLSX) and a dashboard chart can show its table. Money stays a decimal string here
 * ("1234.50", every minor digit), never a float.
 */
export type ReportCellKind = 'text' | 'money' | 'count' | 'date' | 'percent';

export interface ReportColumn {
  /** The CSV header and the row key: snake_case, ASCII ("received_chf"). */
  key: string;
  /** What a person reads (the page and the XLSX header). */
  label: string;
  kind: ReportCellKind;
}

/** money: decimal string; count: integer; percent: decimal string ("12.5"); date: YYYY-MM-DD. */
export type ReportCell = string | number | null;

export interface ReportTable {
  /** File and sheet name: lowercase, ASCII, dashes ("contributions-by-donor"). */
  name: string;
  title: string;
  columns: ReportColumn[];
  rows: Record<string, ReportCell>[];
  /** A last row of totals, when the report has one (same keys; absent cells are empty). */
  total?: Record<string, ReportCell>;
  /** The filters the table was made with, printed above it in the XLSX (e.g. "As of": "2026-06-30"). */
  filters?: Record<string, string>;
}

export type ReportFormat = 'json' | 'csv' | 'xlsx';

export const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/**
 * RFC 4180 CSV with a header row of column keys; the total (if any) last with `row_type`
 * `total`. Text typed by people is made inert for spreadsheets (no leading = + - @).
 */
export function reportCsv(table: ReportTable): string {
  const columns = ['row_type', ...table.columns.map((column) => column.key)];
  const line = (type: string, row: Record<string, ReportCell>): Record<string, string> => {
    const out: Record<string, string> = { row_type: type };
    for (const column of table.columns) out[column.key] = csvCell(column, row[column.key]);
    return out;
  };
  const rows = table.rows.map((row) => line('row', row));
  if (table.total !== undefined) rows.push(line('total', table.total));
  return stringify(rows, { header: true, columns });
}

/**
 * One worksheet per table (several tables make one workbook): the filters, a header row of
 * labels, the rows, the total in bold. Money is a number with two decimals in the sheet (so that
 * it can be summed) written from the exact decimal string; counts are whole numbers. Text is
 * always a string cell (never a formula), so it is written as typed.
 */
export async function reportXlsx(tables: ReportTable[]): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  workbook.creator = 'Trust fund contribution tracker';
  const used = new Set<string>();
  for (const table of tables) {
    const sheet = workbook.addWorksheet(sheetName(table.name, used));
    sheet.addRow([table.title]).font = { bold: true };
    for (const [name, value] of Object.entries(table.filters ?? {})) sheet.addRow([name, value]);
    const header = sheet.addRow(table.columns.map((column) => column.label));
    header.font = { bold: true };
    const put = (row: Record<string, ReportCell>, bold: boolean): void => {
      const added = sheet.addRow(table.columns.map((column) => xlsxCell(column, row[column.key])));
      table.columns.forEach((column, index) => {
        if (column.kind === 'money') added.getCell(index + 1).numFmt = '#,##0.00;-#,##0.00';
      });
      if (bold) added.font = { bold: true };
    };
    for (const row of table.rows) put(row, false);
    if (table.total !== undefined) put(table.total, true);
    table.columns.forEach((column, index) => {
      sheet.getColumn(index + 1).width = Math.min(40, Math.max(12, column.label.length + 2));
    });
  }
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

function csvCell(column: ReportColumn, value: ReportCell | undefined): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return String(value);
  return column.kind === 'text' ? inert(value) : value;
}

function xlsxCell(column: ReportColumn, value: ReportCell | undefined): string | number | null {
  if (value === null || value === undefined) return null;
  if (column.kind === 'money' || column.kind === 'percent') {
    // A decimal string of at most 15 significant digits is exactly what the sheet shows.
    return typeof value === 'number' ? value : Number(value);
  }
  return value;
}

/** Names typed by someone, made inert for spreadsheets: no leading = + - @. */
function inert(value: string): string {
  return /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}

function sheetName(name: string, used: Set<string>): string {
  const base = name.replace(/[[\]*?:/\\]/g, '-').slice(0, 28) || 'report';
  let candidate = base;
  for (let n = 2; used.has(candidate); n++) candidate = `${base}-${n}`;
  used.add(candidate);
  return candidate;
}
