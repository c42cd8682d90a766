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
  CreateParticipantRequest,
  ListParticipantsQuery,
  ParticipantPageResponse,
  ParticipantResponse,
} from './dto/participant.dto';
import { ParticipantsService } from './participants.service';

@ApiTags('grants')
@Controller(`${API_V1}/participants`)
export class ParticipantsController {
  constructor(private readonly participants: ParticipantsService) {}

  @Access('finance_officer')
  @Post()
  @ApiHeader(IDEMPOTENCY_HEADER)
  @ApiOperation({
    summary: 'Record a participant (a person grants may be requested for)',
    description:
      'The same name (case, accents, spacing and word order aside) in the same country, or the ' +
      'same e-mail, is taken for the same person: answered 409 participant-duplicate naming ' +
      'the participant already recorded, unless confirmDuplicate is true.',
  })
  @ApiCreatedResponse({ type: ParticipantResponse })
  @ApiConflictResponse({
    description:
      'participant-duplicate: the same person seems recorded (listed in `duplicates`); nothing ' +
      'was written',
  })
  @ApiUnprocessableEntityResponse({ description: 'Field-level errors (unknown country…)' })
  create(
    @CurrentActor() actor: Actor,
    @Body() request: CreateParticipantRequest,
    @IdempotencyKey() idempotency: IdempotencyRequest | undefined,
  ): Promise<IdempotentResult<ParticipantResponse>> {
    return this.participants.create(actor, request, idempotency);
  }

  @Access(...STAFF)
  @Get()
  @ApiOkResponse({ type: ParticipantPageResponse })
  list(
    @CurrentActor() actor: Actor,
    @Query() query: ListParticipantsQuery,
  ): Promise<ParticipantPageResponse> {
    return this.participants.list(actor, query);
  }

  @Access(...STAFF)
  @Get(':id')
  @ApiOkResponse({ type: ParticipantResponse })
  @ApiNotFoundResponse({ description: 'No such participant' })
  get(@CurrentActor() actor: Actor, @Param('id') id: string): Promise<ParticipantResponse> {
    return this.participants.get(actor, id);
  }
}
