import { Module } from '@nestjs/common';
import { BankAccountsModule } from '../../bank-accounts/bank-accounts.module';
import { DonorsModule } from '../../donors/donors.module';
import { FundsModule } from '../../funds/funds.module';
import { WebModule } from '../../web/web.module';
import { ReceiptsModule } from '../receipts.module';
import { ReceiptBatchesPageController } from './receipt-batches-page.controller';
import { ReceiptBatchesPageService } from './receipt-batches-page.service';
import { ReceiptBatchesController } from './receipt-batches.controller';
import { ReceiptBatchesRepository } from './receipt-batches.repository';
import { ReceiptBatchesService } from './receipt-batches.service';

/**
 * Batch entry: receipts typed from a bank's list, kept as a draft until they agree with the
 * list's declared count and total, then posted together through ReceiptsService.recordIn.
 */
@Module({
  imports: [ReceiptsModule, FundsModule, BankAccountsModule, DonorsModule, WebModule],
  controllers: [ReceiptBatchesController, ReceiptBatchesPageController],
  providers: [ReceiptBatchesService, ReceiptBatchesRepository, ReceiptBatchesPageService],
})
export class ReceiptBatchesModule {}
