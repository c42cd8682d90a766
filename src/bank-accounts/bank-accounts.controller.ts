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
  IdempotencyKey,
  IdempotencyRequest,
} from '../common/idempotency/idempotency-key.decorator';
import { IdempotentResult } from '../common/idempotency/idempotent-result';
import { BankAccountsService } from './bank-accounts.service';
import {
  BankAccountListResponse,
  BankAccountResponse,
  CreateBankAccountRequest,
  ListBankAccountsQuery,
} from './dto/bank-account.dto';

@ApiTags('bank accounts')
@Controller(`${API_V1}/bank-accounts`)
export class BankAccountsController {
  constructor(private readonly accounts: BankAccountsService) {}

  @Access('finance_officer', 'admin')
  @Post()
  @ApiHeader({
    name: 'Idempotency-Key',
    required: false,
    description: 'Makes the request safe to retry: the same key and body return the first answer.',
  })
  @ApiOperation({
    summary: 'Record a bank account of a fund',
    description:
      'The account number is kept without spaces, in capitals; an IBAN must pass its checksum ' +
      'and a BIC must have the form of one.',
  })
  @ApiCreatedResponse({ type: BankAccountResponse })
  @ApiConflictResponse({
    description: 'bank-account-code-taken / bank-account-number-taken: already in the fund',
  })
  @ApiUnprocessableEntityResponse({ description: 'Field-level errors (IBAN checksum, BIC…)' })
  create(
    @CurrentActor() actor: Actor,
    @Body() request: CreateBankAccountRequest,
    @IdempotencyKey() idempotency: IdempotencyRequest | undefined,
  ): Promise<IdempotentResult<BankAccountResponse>> {
    return this.accounts.create(actor, request, idempotency);
  }

  @Access(...STAFF)
  @Get()
  @ApiOkResponse({ type: BankAccountListResponse })
  list(@Query() query: ListBankAccountsQuery): Promise<BankAccountListResponse> {
    return this.accounts.find(query);
  }

  @Access(...STAFF)
  @Get(':id')
  @ApiOkResponse({ type: BankAccountResponse })
  @ApiNotFoundResponse({ description: 'No such bank account' })
  get(@Param('id') id: string): Promise<BankAccountResponse> {
    return this.accounts.get(id);
  }
}
