import { Module } from '@nestjs/common';
import { ApprovalsModule } from '../approvals/approvals.module';
import { FundsModule } from '../funds/funds.module';
import { LedgerModule } from '../ledger/ledger.module';
import { ReferenceModule } from '../reference/reference.module';
import { EarmarkCoverRepository } from './earmark-cover.repository';
import { EarmarkCoverService } from './earmark-cover.service';
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
    EarmarkCoverService,
    EarmarkCoverRepository,
    GrantLifecycleService,
    GrantLifecycleRepository,
  ],
  exports: [
    GrantsService,
    GrantsRepository,
    EarmarkFundsService,
    EarmarkCoverService,
    GrantLifecycleService,
  ],
})
export class GrantsModule {}
