import { Module } from '@nestjs/common';
import { BankAccountsModule } from '../../bank-accounts/bank-accounts.module';
import { DonorsModule } from '../../donors/donors.module';
import { WebModule } from '../../web/web.module';
import { ReceiptsModule } from '../receipts.module';
import { ReceiptsPageController } from './receipts-page.controller';
import { ReceiptsPageService } from './receipts-page.service';

/**
 * The officers' receipt pages, apart from the receipts core: they only call ReceiptsService
 * (as the API does), DonorsService and BankAccountsService for the choices its forms offer.
 */
@Module({
  imports: [ReceiptsModule, BankAccountsModule, DonorsModule, WebModule],
  controllers: [ReceiptsPageController],
  providers: [ReceiptsPageService],
})
export class ReceiptsPagesModule {}
