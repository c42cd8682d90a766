import { Controller, Get, Headers, Query, Res, StreamableFile } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import { Response } from 'express';
import { Access } from '../auth/access.decorator';
import { STAFF } from '../auth/roles';
import { Actor, CurrentActor } from '../common/actor';
import { API_V1 } from '../common/api';
import { GrantAttributionQuery, GrantAttributionResponse } from './dto/grant-attribution.dto';
import { grantAttributionTables } from './grant-attribution-tables';
import { GrantAttributionService } from './grant-attribution.service';
import { reportFormat, reportResponse } from './report-response';
import { XLSX_TYPE } from './report-table';

@ApiTags('reports')
@Controller(`${API_V1}/reports`)
export class GrantAttributionController {
  constructor(private readonly reports: GrantAttributionService) {}

  @Access(...STAFF, 'donor')
  @Get('grant-attribution')
  @ApiOperation({
    summary: 'What each donor’s money funded: grants, countries, LDCs; paid vs attributed',
    description:
      'As of a date, per donor: the amount attributed to participation grants (net of ' +
      'releases), the number of grants it funded, of distinct participant countries and of ' +
      'grants to participants from LDCs (status on the decision date); per earmark, what the ' +
      'donor paid (CHF value of its receipt allocations, net of the bank-charge share) next to ' +
      'what was attributed. Donor users see their own donors only. `format=csv` gives the ' +
      'donors (the total last), `format=xlsx` that and the donors per earmark.',
  })
  @ApiProduces('application/json', 'text/csv', XLSX_TYPE)
  @ApiOkResponse({ type: GrantAttributionResponse })
  async grantAttribution(
    @CurrentActor() actor: Actor,
    @Query() query: GrantAttributionQuery,
    @Headers('accept') accept: string | undefined,
    @Res({ passthrough: true }) response: Response,
  ): Promise<GrantAttributionResponse | string | StreamableFile> {
    const report = await this.reports.report(actor, query);
    return reportResponse(
      response,
      reportFormat(query.format, accept),
      report,
      () => grantAttributionTables(report),
      `grant-attribution-${report.fund}-${report.asOf}`,
    );
  }
}
