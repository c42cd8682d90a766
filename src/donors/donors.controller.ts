import { Body, Controller, Get, Param, Patch, Post, Query } from '@nestjs/common';
import {
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiTags,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import { Access } from '../auth/access.decorator';
import { STAFF } from '../auth/roles';
import { Actor, CurrentActor } from '../common/actor';
import { API_V1 } from '../common/api';
import {
  CreateDonorRequest,
  DonorListResponse,
  DonorResponse,
  ListDonorsQuery,
  UpdateDonorRequest,
} from './dto/donor.dto';
import { DonorsService } from './donors.service';

@ApiTags('donors')
@Controller(`${API_V1}/donors`)
export class DonorsController {
  constructor(private readonly donors: DonorsService) {}

  @Access('finance_officer', 'admin')
  @Post()
  @ApiCreatedResponse({ type: DonorResponse })
  @ApiConflictResponse({
    description:
      'donor-possible-duplicate: donors with close names exist (listed in `duplicates`); nothing was written. Send confirmDuplicate: true to create the donor anyway.',
  })
  @ApiUnprocessableEntityResponse({ description: 'Field-level errors (unknown country…)' })
  create(
    @CurrentActor() actor: Actor,
    @Body() request: CreateDonorRequest,
  ): Promise<DonorResponse> {
    return this.donors.create(actor, request);
  }

  @Access(...STAFF, 'donor')
  @Get()
  @ApiOkResponse({
    type: DonorListResponse,
    description: 'One page of the donors matching; a donor user sees only its own donors',
  })
  list(@CurrentActor() actor: Actor, @Query() query: ListDonorsQuery): Promise<DonorListResponse> {
    return this.donors.list(actor, query);
  }

  @Access(...STAFF, 'donor')
  @Get(':id')
  @ApiOkResponse({ type: DonorResponse })
  @ApiNotFoundResponse({ description: 'No such donor, or not one of a donor user’s donors' })
  get(@CurrentActor() actor: Actor, @Param('id') id: string): Promise<DonorResponse> {
    return this.donors.get(actor, id);
  }

  @Access('finance_officer', 'admin')
  @Patch(':id')
  @ApiOkResponse({ type: DonorResponse })
  @ApiNotFoundResponse({ description: 'No such donor' })
  update(
    @CurrentActor() actor: Actor,
    @Param('id') id: string,
    @Body() request: UpdateDonorRequest,
  ): Promise<DonorResponse> {
    return this.donors.update(actor, id, request);
  }
}
