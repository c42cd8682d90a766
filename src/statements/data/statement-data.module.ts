import { Module } from '@nestjs/common';
import { DonorsModule } from '../../donors/donors.module';
import { FundsModule } from '../../funds/funds.module';
import { PledgesModule } from '../../pledges/pledges.module';
import { ReceiptsModule } from '../../receipts/receipts.module';
import { ReportsModule } from '../../reports/reports.module';
import { AcknowledgementDataService } from './acknowledgement-data.service';
import { StatementDataRepository } from './statement-data.repository';
import { StatementDataService } from './statement-data.service';

/**
 * The content of donor documents, read from the ledger: statements (per donor, fund and period)
 * and acknowledgements (per receipt). No routes: the statements module renders and serves them.
 */
@Module({
  imports: [DonorsModule, FundsModule, PledgesModule, ReceiptsModule, ReportsModule],
  providers: [StatementDataService, AcknowledgementDataService, StatementDataRepository],
  exports: [StatementDataService, AcknowledgementDataService],
})
export class StatementDataModule {}
