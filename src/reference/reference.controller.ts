import { ROLES } from '../auth/roles';
import { Access } from '../auth/access.decorator';
import { Body, Controller, Get, Param, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiParam, ApiTags } from '@nestjs/swagger';
import { Actor, CurrentActor } from '../common/actor';
import { API_V1 } from '../common/api';
import {
  CountryDetailResponse,
  CountryRegionResponse,
  CountryResponse,
  CountryStatusResponse,
  toCountryDetailResponse,
  toCountryResponse,
  toRegionResponse,
  toStatusResponse,
} from './dto/country.dto';
import {
  AddStatusRequest,
  ChangeRegionRequest,
  CountryListQuery,
  CountryQuery,
  SupersedeStatusRequest,
} from './dto/country-requests.dto';
import { ReferenceService } from './reference.service';

const CODE = { name: 'code', description: 'ISO 3166-1 alpha-2 or alpha-3 code', example: 'BD' };

// Until roles exist (issue 4), any caller may record reference data; each record names who did.
@ApiTags('reference data')
@Controller(`${API_V1}/countries`)
export class ReferenceController {
  constructor(private readonly reference: ReferenceService) {}

  @Access(...ROLES)
  @Get()
  @ApiOkResponse({ type: [CountryResponse] })
  async list(@Query() query: CountryListQuery): Promise<CountryResponse[]> {
    return (await this.reference.countries(query)).map(toCountryResponse);
  }

  @Access(...ROLES)
  @Get(':code')
  @ApiParam(CODE)
  @ApiOkResponse({ type: CountryDetailResponse })
  async get(
    @Param('code') code: string,
    @Query() query: CountryQuery,
  ): Promise<CountryDetailResponse> {
    return toCountryDetailResponse(await this.reference.countryDetail(code, query.on));
  }

  @Access('admin')
  @Post(':code/statuses')
  @ApiParam(CODE)
  @ApiCreatedResponse({ type: CountryStatusResponse, description: 'The period recorded' })
  async addStatus(
    @CurrentActor() actor: Actor,
    @Param('code') code: string,
    @Body() request: AddStatusRequest,
  ): Promise<CountryStatusResponse> {
    return toStatusResponse(await this.reference.addStatus(actor, code, request));
  }

  @Access('admin')
  @Post(':code/statuses/:id/supersede')
  @ApiParam(CODE)
  @ApiParam({ name: 'id', description: 'The status record to replace' })
  @ApiCreatedResponse({
    type: CountryStatusResponse,
    description: 'The new record; the superseded one stays in the history',
  })
  async supersede(
    @CurrentActor() actor: Actor,
    @Param('code') code: string,
    @Param('id') id: string,
    @Body() request: SupersedeStatusRequest,
  ): Promise<CountryStatusResponse> {
    return toStatusResponse(await this.reference.supersedeStatus(actor, code, id, request));
  }

  @Access('admin')
  @Post(':code/regions')
  @ApiParam(CODE)
  @ApiCreatedResponse({ type: CountryRegionResponse, description: 'The region record' })
  async changeRegion(
    @CurrentActor() actor: Actor,
    @Param('code') code: string,
    @Body() request: ChangeRegionRequest,
  ): Promise<CountryRegionResponse> {
    return toRegionResponse(await this.reference.changeRegion(actor, code, request));
  }
}
