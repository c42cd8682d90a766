import { STAFF } from '../auth/roles';
import { Access } from '../auth/access.decorator';
import { Body, Controller, Get, Param, Post } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Actor, CurrentActor } from '../common/actor';
import { API_V1 } from '../common/api';
import {
  AccountResponse,
  CreateEarmarkRequest,
  CreateFundRequest,
  EarmarkResponse,
  FundResponse,
} from './dto/fund.dto';
import { FundsService } from './funds.service';

@ApiTags('funds')
@Controller(`${API_V1}/funds`)
export class FundsController {
  constructor(private readonly funds: FundsService) {}

  @Access('admin')
  @Post()
  @ApiCreatedResponse({ type: FundResponse, description: 'The fund, with its chart of accounts' })
  create(@CurrentActor() actor: Actor, @Body() request: CreateFundRequest): Promise<FundResponse> {
    return this.funds.create(actor, request);
  }

  @Access(...STAFF)
  @Get()
  @ApiOkResponse({ type: [FundResponse] })
  list(): Promise<FundResponse[]> {
    return this.funds.list();
  }

  @Access(...STAFF)
  @Get(':fund')
  @ApiOkResponse({ type: FundResponse })
  get(@Param('fund') fund: string): Promise<FundResponse> {
    return this.funds.get(fund);
  }

  @Access('admin')
  @Post(':fund/earmarks')
  @ApiCreatedResponse({ type: EarmarkResponse })
  addEarmark(
    @CurrentActor() actor: Actor,
    @Param('fund') fund: string,
    @Body() request: CreateEarmarkRequest,
  ): Promise<EarmarkResponse> {
    return this.funds.addEarmark(actor, fund, request);
  }

  @Access(...STAFF)
  @Get(':fund/accounts')
  @ApiOkResponse({ type: [AccountResponse], description: 'The chart of accounts of the fund' })
  accounts(@Param('fund') fund: string): Promise<AccountResponse[]> {
    return this.funds.chartOfAccounts(fund);
  }
}
