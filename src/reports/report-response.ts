import { StreamableFile } from '@nestjs/common';
import { Response } from 'express';
import { ManagementReportFormat } from './dto/report-filters.dto';
import { ReportTable, reportCsv, reportXlsx, XLSX_TYPE } from './report-table';

/**
 * The format asked for: `format` first, else the Accept header (the XLSX media type, or
 * text/csv), else JSON. The one negotiation of every report.
 */
export function reportFormat(
  format: string | undefined,
  accept: string | undefined,
): ManagementReportFormat {
  if (format === 'json' || format === 'csv' || format === 'xlsx') return format;
  if (accept !== undefined && accept.includes(XLSX_TYPE)) return 'xlsx';
  if (accept !== undefined && /(^|,)\s*text\/csv\b/i.test(accept)) return 'csv';
  return 'json';
}

/** Whether the report is asked for as CSV (reportFormat). */
export function wantsCsv(format: string | undefined, accept: string | undefined): boolean {
  return reportFormat(format, accept) === 'csv';
}

/** Whether the report is asked for as an XLSX workbook (reportFormat). */
export function wantsXlsx(format: string | undefined, accept: string | undefined): boolean {
  return reportFormat(format, accept) === 'xlsx';
}

/**
 * Answers a report in the format asked for: the JSON body as it is, the first table as CSV, or
 * every table as one XLSX workbook; `fileName` without extension ("fund-position-WSIS-TF-2026-06-30").
 * For a controller method with `@Res({ passthrough: true })`.
 */
export async function reportResponse<T>(
  response: Response,
  format: ManagementReportFormat,
  json: T,
  tables: () => ReportTable[],
  fileName: string,
): Promise<T | string | StreamableFile> {
  response.vary('Accept');
  if (format === 'json') return json;
  if (format === 'csv') {
    response.type('text/csv; charset=utf-8');
    response.attachment(`${fileName}.csv`);
    return reportCsv(tables()[0]);
  }
  const workbook = await reportXlsx(tables());
  return new StreamableFile(workbook, {
    type: XLSX_TYPE,
    disposition: `attachment; filename="${fileName}.xlsx"`,
  });
}
