import { Body, Controller, Get, Param, Post, Query } from '@nestjs/common';
import {
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiHeader,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import { Access } from '../auth/access.decorator';
import { STAFF } from '../auth/roles';
import { Actor, CurrentActor } from '../common/actor';
import { API_V1 } from '../common/api';
import {
  IDEMPOTENCY_HEADER,
  IdempotencyKey,
  IdempotencyRequest,
} from '../common/idempotency/idempotency-key.decorator';
import { IdempotentResult } from '../common/idempotency/idempotent-result';
import {
  CreateGrantEventRequest,
  GrantEventPageResponse,
  GrantEventResponse,
  ListGrantEventsQuery,
} from './dto/grant-event.dto';
import { GrantEventsService } from './grant-events.service';

@ApiTags('grants')
@Controller(`${API_V1}/grant-events`)
export class GrantEventsController {
  constructor(private readonly events: GrantEventsService) {}

  @Access('finance_officer')
  @Post()
  @ApiHeader(IDEMPOTENCY_HEADER)
  @ApiOperation({
    summary: 'Set up an event or programme that offers participation grants',
    description:
      'Fund (default WSIS-TF) and earmark (default PARTICIPATION-GRANTS) whose money pays the ' +
      'grants, dates, budget in the fund currency, the kinds of grant offered and the ' +
      'eligibility rule.',
  })
  @ApiCreatedResponse({ type: GrantEventResponse })
  @ApiConflictResponse({ description: 'grant-event-code-taken: the fund has an event so coded' })
  @ApiUnprocessableEntityResponse({ description: 'Field-level errors; nothing was written' })
  create(
    @CurrentActor() actor: Actor,
    @Body() request: CreateGrantEventRequest,
    @IdempotencyKey() idempotency: IdempotencyRequest | undefined,
  ): Promise<IdempotentResult<GrantEventResponse>> {
    return this.events.create(actor, request, idempotency);
  }

  @Access(...STAFF)
  @Get()
  @ApiOperation({ description: 'Latest first, each with the counts and sums of its grants.' })
  @ApiOkResponse({ type: GrantEventPageResponse })
  list(
    @CurrentActor() actor: Actor,
    @Query() query: ListGrantEventsQuery,
  ): Promise<GrantEventPageResponse> {
    return this.events.list(actor, query);
  }

  @Access(...STAFF)
  @Get(':id')
  @ApiOkResponse({ type: GrantEventResponse })
  @ApiNotFoundResponse({ description: 'No such event' })
  get(@CurrentActor() actor: Actor, @Param('id') id: string): Promise<GrantEventResponse> {
    return this.events.get(actor, id);
  }
}
