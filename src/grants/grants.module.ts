import { Module } from '@nestjs/common';
import { ApprovalsModule } from '../approvals/approvals.module';
import { FundsModule } from '../funds/funds.module';
import { LedgerModule } from '../ledger/ledger.module';
import { ReferenceModule } from '../reference/reference.module';
import { EarmarkFundsService } from './earmark-funds.service';
import { GrantLifecycleController } from './grant-lifecycle.controller';
import { GrantLifecycleRepository } from './grant-lifecycle.repository';
import { GrantLifecycleService } from './grant-lifecycle.service';
import { GrantsController } from './grants.controller';
import { GrantsRepository } from './grants.repository';
import { GrantsService } from './grants.service';

/** Participation grants: requests, eligibility, approval with budget control, attribution. */
@Module({
  imports: [FundsModule, LedgerModule, ApprovalsModule, ReferenceModule],
  controllers: [GrantsController, GrantLifecycleController],
  providers: [
    GrantsService,
    GrantsRepository,
    EarmarkFundsService,
    GrantLifecycleService,
    GrantLifecycleRepository,
  ],
  exports: [GrantsService, GrantsRepository, EarmarkFundsService, GrantLifecycleService],
})
export class GrantsModule {}
