import { Controller, Get, Headers, Query, Res, StreamableFile } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import { Response } from 'express';
import { Access } from '../../auth/access.decorator';
import { STAFF } from '../../auth/roles';
import { API_V1 } from '../../common/api';
import { DOCUMENT_CONTENT_SECURITY_POLICY } from '../../statements/document-file.response';
import { reportFormat, reportResponse } from '../report-response';
import { XLSX_TYPE } from '../report-table';
import { CouncilReportQuery, CouncilReportResponse } from './dto/council-report.dto';
import { CouncilReportService } from './council-report.service';

@ApiTags('reports')
@Controller(`${API_V1}/reports`)
export class CouncilReportController {
  constructor(private readonly council: CouncilReportService) {}

  @Access(...STAFF)
  @Get('council')
  @ApiOperation({
    summary: 'Annual report to Council for a fund and a calendar year',
    description:
      'Contributions received by donor (gross, in the fund currency at the rate of each value ' +
      'date), grants awarded (approved in the year, not cancelled by 31 December, at the amount ' +
      'awarded) by country and ITU-D region with the LDC share (status on the decision date) ' +
      'and by gender, the use of each earmark at 31 December, and the balance carried forward ' +
      '(net assets at 1 January + revenue − expenses = at 31 December; `ties`: equal to assets ' +
      'less liabilities in the trial balance). `format=html` the document in `language`, ' +
      '`pdf` a draft of it (not numbered nor stored), `csv` contributions by donor, `xlsx` ' +
      'every table.',
  })
  @ApiProduces('application/json', 'text/html', 'application/pdf', 'text/csv', XLSX_TYPE)
  @ApiOkResponse({ type: CouncilReportResponse })
  async report(
    @Query() query: CouncilReportQuery,
    @Headers('accept') accept: string | undefined,
    @Res({ passthrough: true }) response: Response,
  ): Promise<unknown> {
    const format = query.format;
    if (format === 'html' || format === 'pdf') {
      const { file } = await this.council.document(query, format);
      response.setHeader('Cache-Control', 'private, no-store');
      // The document's own inline styles, nothing else (as for a donor statement).
      if (format === 'html') {
        response.setHeader('Content-Security-Policy', DOCUMENT_CONTENT_SECURITY_POLICY);
      }
      return new StreamableFile(file.body, {
        type: file.contentType,
        disposition: `${file.disposition}; filename="${file.filename}"`,
      });
    }
    const report = await this.council.report(query);
    return reportResponse(
      response,
      reportFormat(format, accept),
      report,
      () => this.council.tables(report),
      `council-report-${report.fund.code}-${report.year}`,
    );
  }
}
