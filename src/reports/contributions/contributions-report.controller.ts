import { Controller, Get, Headers, Query, Res, StreamableFile } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import { Response } from 'express';
import { Access } from '../../auth/access.decorator';
import { STAFF } from '../../auth/roles';
import { API_V1 } from '../../common/api';
import { ReportFiltersQuery } from '../dto/report-filters.dto';
import { reportFormat, reportResponse } from '../report-response';
import { XLSX_TYPE } from '../report-table';
import { ContributionsReportService } from './contributions-report.service';
import {
  CashForecastResponse,
  ContributionsQuery,
  ContributionsResponse,
  OutstandingPledgesResponse,
  PledgedVsReceivedResponse,
  TopDonorsQuery,
  TopDonorsResponse,
} from './dto/contributions.dto';

const FORMATS =
  ' JSON by default; `format=csv` (or `Accept: text/csv`) gives the first table, `format=xlsx` ' +
  'every table as one workbook. Filters: fund (default WSIS-TF), earmark, donorType, region ' +
  '(the ITU-D region of the donor’s country on the report date).';

type Answer<T> = Promise<T | string | StreamableFile>;

@ApiTags('reports')
@Controller(`${API_V1}/reports`)
export class ContributionsReportController {
  constructor(private readonly reports: ContributionsReportService) {}

  @Access(...STAFF)
  @Get('contributions')
  @ApiOperation({
    summary: 'Contributions by donor, donor type, country, ITU-D region or year',
    description:
      'For a date range (default: 1 January of `to`’s year to `to`, default today): pledged ' +
      '(agreements and amendments booked on the receivable 1100 in the range, fund currency at ' +
      'the booking rates), received (cash allocated to pledges in the range, at the value-date ' +
      'rates: what donor statements call receipts applied), the receivable that cash cleared ' +
      '(the receipt credits to 1100), the realised FX between them, donors and pledges counted, ' +
      'and each group’s share of the total received.' +
      FORMATS,
  })
  @ApiProduces('application/json', 'text/csv', XLSX_TYPE)
  @ApiOkResponse({ type: ContributionsResponse })
  async contributions(
    @Query() query: ContributionsQuery,
    @Headers('accept') accept: string | undefined,
    @Res({ passthrough: true }) response: Response,
  ): Answer<ContributionsResponse> {
    const report = await this.reports.contributions(query);
    return reportResponse(
      response,
      reportFormat(query.format, accept),
      report,
      () => this.reports.contributionsTables(report),
      `contributions-${report.fund}-${report.groupBy}-${report.from}-${report.to}`,
    );
  }

  @Access(...STAFF)
  @Get('pledged-vs-received')
  @ApiOperation({
    summary: 'Pledged against received, per calendar year',
    description:
      'Per year of the range (default: the five calendar years up to `to`): pledged that ' +
      'year, received that year, received up to `to` for the pledges agreed that year, and the ' +
      'pledges’ receivable (1100, booking rates) at the year end.' +
      FORMATS,
  })
  @ApiProduces('application/json', 'text/csv', XLSX_TYPE)
  @ApiOkResponse({ type: PledgedVsReceivedResponse })
  async pledgedVsReceived(
    @Query() query: ReportFiltersQuery,
    @Headers('accept') accept: string | undefined,
    @Res({ passthrough: true }) response: Response,
  ): Answer<PledgedVsReceivedResponse> {
    const report = await this.reports.pledgedVsReceived(query);
    return reportResponse(
      response,
      reportFormat(query.format, accept),
      report,
      () => this.reports.pledgedVsReceivedTables(report),
      `pledged-vs-received-${report.fund}-${report.from}-${report.to}`,
    );
  }

  @Access(...STAFF)
  @Get('top-donors')
  @ApiOperation({
    summary: 'The donors that gave most in a date range',
    description:
      'The contributions by donor, ordered by received (ties by name), the first `limit` ' +
      '(1–100, default 10); shares are of every donor’s total.' +
      FORMATS,
  })
  @ApiProduces('application/json', 'text/csv', XLSX_TYPE)
  @ApiOkResponse({ type: TopDonorsResponse })
  async topDonors(
    @Query() query: TopDonorsQuery,
    @Headers('accept') accept: string | undefined,
    @Res({ passthrough: true }) response: Response,
  ): Answer<TopDonorsResponse> {
    const report = await this.reports.topDonors(query);
    return reportResponse(
      response,
      reportFormat(query.format, accept),
      report,
      () => this.reports.topDonorsTables(report),
      `top-donors-${report.fund}-${report.from}-${report.to}`,
    );
  }

  @Access(...STAFF)
  @Get('outstanding-pledges')
  @ApiOperation({
    summary: 'Outstanding pledges aged by days past due',
    description:
      'As of `asOf` (default today): per donor, what agreed pledges still owe, by days past ' +
      'the instalments’ due dates (not yet due, 1–30, 31–90, 91–180, 181–365, over 365), in the ' +
      'fund currency at the booking rates (first table) and in each pledge currency (second). ' +
      'Partial payments and write-offs are taken from the receivable of the ledger: the total ' +
      'plus `notLinkedToPledges` is the 1100 balance on `asOf`.' +
      FORMATS,
  })
  @ApiProduces('application/json', 'text/csv', XLSX_TYPE)
  @ApiOkResponse({ type: OutstandingPledgesResponse })
  async outstanding(
    @Query() query: ReportFiltersQuery,
    @Headers('accept') accept: string | undefined,
    @Res({ passthrough: true }) response: Response,
  ): Answer<OutstandingPledgesResponse> {
    const report = await this.reports.outstanding(query);
    return reportResponse(
      response,
      reportFormat(query.format, accept),
      report,
      () => this.reports.outstandingTables(report),
      `outstanding-pledges-${report.fund}-${report.asOf}`,
    );
  }

  @Access(...STAFF)
  @Get('cash-forecast')
  @ApiOperation({
    summary: 'Cash expected over the next 12 months from unpaid instalments',
    description:
      'As of `asOf` (default today), the unpaid instalments of agreed pledges (not ended): those ' +
      'already past due in an `overdue` row, then per calendar month from `asOf`’s month for 12 ' +
      'months, then `later`; per pledge currency and in the fund currency converted at the UN ' +
      'operational rate in force on `asOf` (not at the booking rates: this is cash to come).' +
      FORMATS,
  })
  @ApiProduces('application/json', 'text/csv', XLSX_TYPE)
  @ApiOkResponse({ type: CashForecastResponse })
  async cashForecast(
    @Query() query: ReportFiltersQuery,
    @Headers('accept') accept: string | undefined,
    @Res({ passthrough: true }) response: Response,
  ): Answer<CashForecastResponse> {
    const report = await this.reports.cashForecast(query);
    return reportResponse(
      response,
      reportFormat(query.format, accept),
      report,
      () => this.reports.cashForecastTables(report),
      `cash-forecast-${report.fund}-${report.asOf}`,
    );
  }
}
