import { STAFF } from '../auth/roles';
import { Access } from '../auth/access.decorator';
import { Body, Controller, Get, HttpCode, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Actor, CurrentActor } from '../common/actor';
import { API_V1 } from '../common/api';
import {
  CreateExchangeRateRequest,
  ImportExchangeRatesRequest,
  ListExchangeRatesQuery,
  RateQuery,
} from './dto/exchange-rate.request';
import {
  ExchangeRateResponse,
  ImportExchangeRatesResponse,
  RateResponse,
  toRateResponse,
} from './dto/exchange-rate.response';
import { RatesService } from './rates.service';

@ApiTags('exchange-rates')
@Controller(`${API_V1}/exchange-rates`)
export class RatesController {
  constructor(private readonly rates: RatesService) {}

  @Access('finance_officer', 'admin')
  @Post()
  @ApiOperation({
    summary: 'Enter a UN operational rate, or correct one (a new version; reason required)',
  })
  @ApiCreatedResponse({ type: ExchangeRateResponse })
  enter(
    @CurrentActor() actor: Actor,
    @Body() request: CreateExchangeRateRequest,
  ): Promise<ExchangeRateResponse> {
    return this.rates.enter(actor, request);
  }

  @Access('finance_officer', 'admin')
  @Post('import')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Import UN operational rates from CSV, all rows or none',
    description:
      'CSV header `currency,effective_from,units_per_usd[,reason]`, one rate per line, ISO dates (YYYY-MM-DD), decimal point, units of the currency per 1 USD. Rows equal to the rate already entered are skipped; a different value for a (currency, effective_from) already entered becomes a correction.',
  })
  @ApiOkResponse({ type: ImportExchangeRatesResponse })
  import(
    @CurrentActor() actor: Actor,
    @Body() request: ImportExchangeRatesRequest,
  ): Promise<ImportExchangeRatesResponse> {
    return this.rates.importCsv(actor, request);
  }

  @Access(...STAFF)
  @Get()
  @ApiOperation({ summary: 'Every version of the rates entered, corrections included' })
  @ApiOkResponse({ type: [ExchangeRateResponse] })
  list(@Query() query: ListExchangeRatesQuery): Promise<ExchangeRateResponse[]> {
    return this.rates.list(query);
  }

  @Access(...STAFF)
  @Get('rate')
  @ApiOperation({ summary: 'The rate in force on a date, crossed through USD' })
  @ApiOkResponse({ type: RateResponse })
  async rate(@Query() query: RateQuery): Promise<RateResponse> {
    return toRateResponse(await this.rates.rate(query.from, query.to, query.date));
  }
}
