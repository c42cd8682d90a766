import { Controller, Get, Headers, Query, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import { Response } from 'express';
import { Access } from '../../auth/access.decorator';
import { STAFF } from '../../auth/roles';
import { API_V1 } from '../../common/api';
import { wantsCsv } from '../../reports/report-response';
import { bankReconciliationCsv } from './bank-reconciliation-csv';
import { BankReconciliationService } from './bank-reconciliation.service';
import { BankReconciliationQuery, BankReconciliationResponse } from './dto/bank-reconciliation.dto';

@ApiTags('reconciliation')
@Controller(`${API_V1}/bank-reconciliation`)
export class BankReconciliationController {
  constructor(private readonly reconciliation: BankReconciliationService) {}

  @Access(...STAFF)
  @Get('report')
  @ApiOperation({
    summary: 'Bank-to-ledger reconciliation of a bank account as of a date',
    description:
      'The closing balance of the latest statement on or before the date against the cash ' +
      '(1000) balance of the account on the ledger, with the reconciling items: receipts and ' +
      'other cash movements on the ledger that no statement shows yet, and booked bank lines ' +
      'nothing on the ledger accounts for. ledger + on the bank − in the ledger = explained; ' +
      'difference = statement − explained. `format=csv` or `Accept: text/csv` answers CSV.',
  })
  @ApiProduces('application/json', 'text/csv')
  @ApiOkResponse({ type: BankReconciliationResponse })
  async report(
    @Query() query: BankReconciliationQuery,
    @Headers('accept') accept: string | undefined,
    @Res({ passthrough: true }) response: Response,
  ): Promise<BankReconciliationResponse | string> {
    const report = await this.reconciliation.report(query);
    response.vary('Accept');
    if (!wantsCsv(query.format, accept)) return report;
    response.type('text/csv; charset=utf-8');
    response.attachment(`bank-reconciliation-${report.bankAccount.code}-${report.asOf}.csv`);
    return bankReconciliationCsv(report);
  }
}
