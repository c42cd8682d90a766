import { Controller, Get, Headers, Query, Res, StreamableFile } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import { Response } from 'express';
import { Access } from '../auth/access.decorator';
import { STAFF } from '../auth/roles';
import { API_V1 } from '../common/api';
import { GrantFiguresQuery, GrantFiguresResponse } from './dto/grant-figures.dto';
import { grantFiguresCsv } from './grant-figures-csv';
import { GrantFiguresService } from './grant-figures.service';
import { grantFiguresTables } from './grant-figures-tables';
import { wantsCsv, wantsXlsx } from './report-response';
import { reportXlsx, XLSX_TYPE } from './report-table';

@ApiTags('reports')
@Controller(`${API_V1}/reports`)
export class GrantFiguresController {
  constructor(private readonly reports: GrantFiguresService) {}

  @Access(...STAFF)
  @Get('grant-figures')
  @ApiOperation({
    summary: 'Participation grants by event, country, region, LDC status, gender or stakeholder',
    description:
      'As of a date: grants approved, disbursed, settled (cancelled apart), open commitments, ' +
      'advances disbursed, actual cost (5000), programme support costs (5400) and money ' +
      'returned, in the fund currency. Region and LDC/developing status are those of the ' +
      'participant’s country on the grant’s decision date. `ledger` gives the fund’s 5000 and ' +
      '5400 balances and commitments; `ties` says the total equals them. `format=csv` or ' +
      '`Accept: text/csv` answers CSV: one row per group, the total last; `format=xlsx` the ' +
      'same as a workbook.',
  })
  @ApiProduces('application/json', 'text/csv', XLSX_TYPE)
  @ApiOkResponse({ type: GrantFiguresResponse })
  async grantFigures(
    @Query() query: GrantFiguresQuery,
    @Headers('accept') accept: string | undefined,
    @Res({ passthrough: true }) response: Response,
  ): Promise<GrantFiguresResponse | string | StreamableFile> {
    const report = await this.reports.report(query);
    response.vary('Accept');
    if (wantsXlsx(query.format, accept)) {
      return new StreamableFile(await reportXlsx(grantFiguresTables(report)), {
        type: XLSX_TYPE,
        disposition: `attachment; filename="grant-figures-${report.fund}-${report.groupBy}-${report.asOf}.xlsx"`,
      });
    }
    if (!wantsCsv(query.format, accept)) return report;
    response.type('text/csv; charset=utf-8');
    response.attachment(`grant-figures-${report.fund}-${report.groupBy}-${report.asOf}.csv`);
    return grantFiguresCsv(report);
  }
}
