import { StreamableFile } from '@nestjs/common';
import { Response } from 'express';
import { ManagementReportFormat } from './dto/report-filters.dto';
import { ReportTable, reportCsv, reportXlsx, XLSX_TYPE } from './report-table';

/** The format asked for: `format` first, else the Accept header, else JSON. */
export function reportFormat(
  format: ManagementReportFormat | undefined,
  accept: string | undefined,
): ManagementReportFormat {
  if (format !== undefined) return format;
  if (accept !== undefined && accept.includes(XLSX_TYPE)) return 'xlsx';
  if (accept !== undefined && /(^|,)\s*text\/csv\b/i.test(accept)) return 'csv';
  return 'json';
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
