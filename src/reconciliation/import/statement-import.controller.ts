import { Body, Controller, Get, Param, Post, Put, Query } from '@nestjs/common';
import {
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiHeader,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiQuery,
  ApiTags,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import { Access } from '../../auth/access.decorator';
import { STAFF } from '../../auth/roles';
import { Actor, CurrentActor } from '../../common/actor';
import { API_V1 } from '../../common/api';
import {
  IDEMPOTENCY_HEADER,
  IdempotencyKey,
  IdempotencyRequest,
} from '../../common/idempotency/idempotency-key.decorator';
import { IdempotentResult } from '../../common/idempotency/idempotent-result';
import {
  CsvMappingRequest,
  CsvMappingResponse,
  ImportStatementRequest,
  ImportSummaryResponse,
  ListStatementsQuery,
  StatementListResponse,
  StatementResponse,
} from './dto/statement-import.dto';
import { StatementImportService } from './statement-import.service';

@ApiTags('bank statements')
@Controller(`${API_V1}/bank-statements`)
export class StatementImportController {
  constructor(private readonly imports: StatementImportService) {}

  @Access('finance_officer')
  @Post()
  @ApiHeader(IDEMPOTENCY_HEADER)
  @ApiOperation({
    summary: 'Import a bank statement file (camt.053, MT940 or CSV) into a bank account',
    description:
      'All the statements of the file and all their lines are stored, or nothing. A statement ' +
      'whose balances do not follow on from the previous one is stored with a warning.',
  })
  @ApiCreatedResponse({ type: ImportSummaryResponse })
  @ApiConflictResponse({ description: 'statement-already-imported: the statement or the file' })
  @ApiUnprocessableEntityResponse({
    description: 'Unreadable file, another account or currency, an inexact amount',
  })
  upload(
    @CurrentActor() actor: Actor,
    @Body() request: ImportStatementRequest,
    @IdempotencyKey() idempotency: IdempotencyRequest | undefined,
  ): Promise<IdempotentResult<ImportSummaryResponse>> {
    return this.imports.upload(actor, request, idempotency);
  }

  @Access(...STAFF)
  @Get()
  @ApiOperation({ summary: 'Imported statements of a fund, latest closing first' })
  @ApiOkResponse({ type: StatementListResponse })
  list(@Query() query: ListStatementsQuery): Promise<StatementListResponse> {
    return this.imports.list(query);
  }

  @Access(...STAFF)
  @Get(':id')
  @ApiOperation({ summary: 'An imported statement with its lines, as the bank sent them' })
  @ApiOkResponse({ type: StatementResponse })
  @ApiNotFoundResponse({ description: 'No such statement' })
  get(@Param('id') id: string): Promise<StatementResponse> {
    return this.imports.get(id);
  }
}

@ApiTags('bank statements')
@Controller(`${API_V1}/bank-accounts`)
export class CsvMappingController {
  constructor(private readonly imports: StatementImportService) {}

  @Access('finance_officer')
  @Put(':code/csv-mapping')
  @ApiHeader(IDEMPOTENCY_HEADER)
  @ApiQuery({ name: 'fund', required: false, example: 'WSIS-TF' })
  @ApiOperation({ summary: "Save how the bank account's CSV exports are read" })
  @ApiOkResponse({ type: CsvMappingResponse })
  saveCsvMapping(
    @CurrentActor() actor: Actor,
    @Param('code') code: string,
    @Query('fund') fund: string | undefined,
    @Body() mapping: CsvMappingRequest,
    @IdempotencyKey() idempotency: IdempotencyRequest | undefined,
  ): Promise<IdempotentResult<CsvMappingResponse>> {
    return this.imports.saveCsvMapping(actor, code, fund, mapping, idempotency);
  }
}
