import { Module } from '@nestjs/common';
import { BankAccountsModule } from '../../bank-accounts/bank-accounts.module';
import { FundsModule } from '../../funds/funds.module';
import { WebModule } from '../../web/web.module';
import { StatementImportPageController } from './statement-import-page.controller';
import { StatementImportPageService } from './statement-import-page.service';
import { CsvMappingController, StatementImportController } from './statement-import.controller';
import { StatementImportRepository } from './statement-import.repository';
import { StatementImportService } from './statement-import.service';

/**
 * Bank statement import: a file's statements stored whole, once, with their lines as the bank
 * sent them; the CSV mapping of each bank account; the statement pages.
 */
@Module({
  imports: [FundsModule, BankAccountsModule, WebModule],
  controllers: [StatementImportController, CsvMappingController, StatementImportPageController],
  providers: [StatementImportService, StatementImportRepository, StatementImportPageService],
  exports: [StatementImportService],
})
export class StatementImportModule {}
