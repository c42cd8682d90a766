import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Access } from '../auth/access.decorator';
import { STAFF } from '../auth/roles';
import { Actor, CurrentActor } from '../common/actor';
import { API_V1 } from '../common/api';
import { GrantAttributionQuery, GrantAttributionResponse } from './dto/grant-attribution.dto';
import { GrantAttributionService } from './grant-attribution.service';

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
      'what was attributed. Donor users see their own donors only.',
  })
  @ApiOkResponse({ type: GrantAttributionResponse })
  grantAttribution(
    @CurrentActor() actor: Actor,
    @Query() query: GrantAttributionQuery,
  ): Promise<GrantAttributionResponse> {
    return this.reports.report(actor, query);
  }
}
