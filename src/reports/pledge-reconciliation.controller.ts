import { Controller, Get, Headers, Query, Res, StreamableFile } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import { Response } from 'express';
import { Access } from '../auth/access.decorator';
import { STAFF } from '../auth/roles';
import { Actor, CurrentActor } from '../common/actor';
import { API_V1 } from '../common/api';
import {
  PledgeReconciliationQuery,
  PledgeReconciliationResponse,
} from './dto/pledge-reconciliation.dto';
import { pledgeReconciliationCsv } from './pledge-reconciliation-csv';
import { pledgeReconciliationTables } from './pledge-reconciliation-tables';
import { wantsCsv, wantsXlsx } from './report-response';
import { reportXlsx, XLSX_TYPE } from './report-table';
import { PledgeReconciliationService } from './pledge-reconciliation.service';

@ApiTags('reports')
@Controller(`${API_V1}/reports`)
export class PledgeReconciliationController {
  constructor(private readonly reports: PledgeReconciliationService) {}

  @Access(...STAFF, 'donor')
  @Get('pledge-reconciliation')
  @ApiOperation({
    summary: 'Pledge reconciliation: pledged, received, FX, written off, outstanding',
    description:
      'Per pledge and per donor, as of a date, from the ledger (pledge-linked lines of 1100, ' +
      '4100 and 5200) and the receipt allocations. Announced pledges are memo. Donor users see ' +
      'their own donors only. `format=csv` or `Accept: text/csv` answers CSV: one row per ' +
      'pledge, donor subtotals (per currency, then all currencies in the fund currency), ' +
      'currency totals, and the fund total last. `format=xlsx` (or the XLSX type in `Accept`): ' +
      'a workbook of pledges, donor subtotals and currency totals.',
  })
  @ApiProduces('application/json', 'text/csv', XLSX_TYPE)
  @ApiOkResponse({ type: PledgeReconciliationResponse })
  async pledgeReconciliation(
    @CurrentActor() actor: Actor,
    @Query() query: PledgeReconciliationQuery,
    @Headers('accept') accept: string | undefined,
    @Res({ passthrough: true }) response: Response,
  ): Promise<PledgeReconciliationResponse | string | StreamableFile> {
    const report = await this.reports.report(actor, query);
    response.vary('Accept');
    if (wantsXlsx(query.format, accept)) {
      return new StreamableFile(await reportXlsx(pledgeReconciliationTables(report)), {
        type: XLSX_TYPE,
        disposition: `attachment; filename="pledge-reconciliation-${report.fund}-${report.asOf}.xlsx"`,
      });
    }
    if (!wantsCsv(query.format, accept)) return report;
    response.type('text/csv; charset=utf-8');
    response.attachment(`pledge-reconciliation-${report.fund}-${report.asOf}.csv`);
    return pledgeReconciliationCsv(report);
  }
}
