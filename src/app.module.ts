import { DynamicModule, Module } from '@nestjs/common';
import { ApprovalsModule } from './approvals/approvals.module';
import { AuditModule } from './audit/audit.module';
import { AuthModule } from './auth/auth.module';
import { BankAccountsModule } from './bank-accounts/bank-accounts.module';
import { AppConfig } from './config/app-config';
import { ConfigModule } from './config/config.module';
import { DatabaseModule } from './database/database.module';
import { DonorsModule } from './donors/donors.module';
import { HealthModule } from './health/health.module';
import { FundsModule } from './funds/funds.module';
import { GrantEventsModule } from './grant-events/grant-events.module';
import { GrantsModule } from './grants/grants.module';
import { InfoModule } from './info/info.module';
import { JobsModule } from './jobs/jobs.module';
import { LedgerModule } from './ledger/ledger.module';
import { PledgesModule } from './pledges/pledges.module';
import { PortalModule } from './portal/portal.module';
import { RatesModule } from './rates/rates.module';
import { ReceiptBatchesModule } from './receipts/batches/receipt-batches.module';
import { ReceiptsModule } from './receipts/receipts.module';
import { ReceiptsPagesModule } from './receipts/pages/receipts-pages.module';
import { GrantsPagesModule } from './grants/pages/grants-pages.module';
import { ApprovalsPagesModule } from './approvals/pages/approvals-pages.module';
import { ReferenceModule } from './reference/reference.module';
import { ReportsModule } from './reports/reports.module';
import { CouncilReportModule } from './reports/council/council-report.module';
import { DashboardModule } from './dashboard/dashboard.module';
import { ExportsModule } from './exports/exports.module';
import { BankReconciliationModule } from './reconciliation/bank-reconciliation/bank-reconciliation.module';
import { StatementImportModule } from './reconciliation/import/statement-import.module';
import { MatchingModule } from './reconciliation/matching/matching.module';
import { ConnectionDrainer } from './common/connection-drainer';
import { IdempotencyModule } from './common/idempotency/idempotency.module';
import { loggingModule } from './common/logging';
import { RateLimitModule } from './common/rate-limit.module';
import { RemindersModule } from './reminders/reminders.module';
import { RevaluationModule } from './revaluation/revaluation.module';
import { StatementBatchesModule } from './statements/batch/statement-batches.module';
import { StatementsModule } from './statements/statements.module';
import { WebModule } from './web/web.module';
import { WorkQueuesModule } from './work-queues/work-queues.module';

@Module({})
export class AppModule {
  /** The configuration is loaded before the module graph, so tests can pass their own. */
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        loggingModule(config),
        DatabaseModule,
        // The job queue (global): workers start at bootstrap and drain first at shutdown.
        JobsModule,
        // Before AuthModule: global guards run in import order, and the rate limit must also
        // count requests that authentication refuses (see rate-limit.module.ts).
        RateLimitModule,
        AuthModule,
        HealthModule,
        IdempotencyModule,
        InfoModule,
        RatesModule,
        ReferenceModule,
        FundsModule,
        LedgerModule,
        DonorsModule,
        PledgesModule,
        BankAccountsModule,
        ReportsModule,
        CouncilReportModule,
        DashboardModule,
        WorkQueuesModule,
        ExportsModule,
        ReceiptsModule,
        GrantEventsModule,
        GrantsModule,
        // Before ReceiptsPagesModule: its routes are registered first, so that /receipts/batches
        // is not taken for the receipt page /receipts/:id.
        ReceiptBatchesModule,
        ApprovalsModule,
        AuditModule,
        WebModule,
        GrantsPagesModule,
        ApprovalsPagesModule,
        BankReconciliationModule,
        StatementImportModule,
        MatchingModule,
        // Before StatementsModule (which it imports): its fixed paths /statements/batches… are
        // registered before any /statements/:something page.
        StatementBatchesModule,
        // Statements, acknowledgements and their pages (/statements, /statements/preview,
        // /acknowledgements/new, /documents/:id): no /statements/:id of its own.
        StatementsModule,
        // The donor portal: fixed paths under /portal only.
        PortalModule,
        RemindersModule,
        RevaluationModule,
        // Last: its GET /receipts/:id must not shadow fixed paths of others (/receipts/batches).
        ReceiptsPagesModule,
      ],
      providers: [ConnectionDrainer],
    };
  }
}
