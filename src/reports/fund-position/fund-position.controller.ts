import { Controller, Get, Headers, Query, Res, StreamableFile } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import { Response } from 'express';
import { Access } from '../../auth/access.decorator';
import { STAFF } from '../../auth/roles';
import { API_V1 } from '../../common/api';
import { reportFormat, reportResponse } from '../report-response';
import { XLSX_TYPE } from '../report-table';
import { FundPositionQuery, FundPositionResponse } from './fund-position.dto';
import { FundPositionService } from './fund-position.service';

@ApiTags('reports')
@Controller(`${API_V1}/reports`)
export class FundPositionController {
  constructor(private readonly position: FundPositionService) {}

  @Access(...STAFF)
  @Get('fund-position')
  @ApiOperation({
    summary: 'Fund position as of a day, per fund and earmark',
    description:
      'In each fund’s currency, as of `asOf` (default today): announced pledges (memo, ' +
      'off-ledger, at the UN rate of the day); agreed = contribution revenue, net credit of 4000; ' +
      'conditional = net credit of 2100, apart; received = receivables cleared by receipts at ' +
      'booking rates (4000 + 2100 − 5300 − 1100); outstanding = 1100 at booking rates, 1190 ' +
      'revaluation, and their sum at current rates; written off = 5300; committed = open grant ' +
      'commitments (off-ledger); disbursed = grants paid, 1200 + 5000 + 5400; available = the ' +
      'balance grants are approved against (cash received for the earmark net of bank charges ' +
      '− commitments − grants paid). `ties` compares each ledger figure of the fund total with ' +
      'the trial balance (GET /funds/{fund}/trial-balance) as of the day. Every fund when ' +
      '`fund` is absent; `earmark` needs `fund`. `format=csv` gives the position table, ' +
      '`format=xlsx` the position and the ties.',
  })
  @ApiProduces('application/json', 'text/csv', XLSX_TYPE)
  @ApiOkResponse({ type: FundPositionResponse })
  async fundPosition(
    @Query() query: FundPositionQuery,
    @Headers('accept') accept: string | undefined,
    @Res({ passthrough: true }) response: Response,
  ): Promise<FundPositionResponse | string | StreamableFile> {
    const report = await this.position.report(query);
    const name = ['fund-position', query.fund, query.earmark, report.asOf]
      .filter(Boolean)
      .join('-');
    return reportResponse(
      response,
      reportFormat(query.format, accept),
      report,
      () => this.position.tables(report),
      name,
    );
  }
}
