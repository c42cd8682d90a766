import { Module } from '@nestjs/common';
import { ApprovalsModule } from '../approvals/approvals.module';
import { FundsModule } from '../funds/funds.module';
import { GrantsModule } from '../grants/grants.module';
import { LedgerModule } from '../ledger/ledger.module';
import { PledgesModule } from '../pledges/pledges.module';
import { RatesModule } from '../rates/rates.module';
import { ReceiptCorrectionsService } from './receipt-corrections.service';
import { ReceiptsController } from './receipts.controller';
import { ReceiptsRepository } from './receipts.repository';
import { ReceiptsService } from './receipts.service';

/**
 * Receipts: recording, allocation to pledge instalments, donor assignment, refunds and
 * reversals. Pages and batch entry are their own modules and use ReceiptsService.
 */
@Module({
  imports: [FundsModule, LedgerModule, RatesModule, ApprovalsModule, PledgesModule, GrantsModule],
  controllers: [ReceiptsController],
  providers: [ReceiptsService, ReceiptCorrectionsService, ReceiptsRepository],
  exports: [ReceiptsService, ReceiptCorrectionsService, ReceiptsRepository],
})
export class ReceiptsModule {}
