import { Global, MiddlewareConsumer, Module, NestModule, RequestMethod } from '@nestjs/common';
import { WebModule } from '../web/web.module';
import { AuditPageController } from './audit-page.controller';
import { AuditPageService } from './audit-page.service';
import { AuditController } from './audit.controller';
import { AuditRepository } from './audit.repository';
import { AuditService } from './audit.service';
import { RequestContextMiddleware } from './request-context.middleware';

/**
 * The audit trail. Global, because every module that changes something records it:
 * inject AuditService and call `record(manager, actor, change)` inside the transaction.
 */
@Global()
@Module({
  imports: [WebModule],
  controllers: [AuditController, AuditPageController],
  providers: [AuditService, AuditRepository, AuditPageService],
  exports: [AuditService],
})
export class AuditModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    // Every path, the root included (the wildcard nestjs-pino uses for the same reason).
    consumer
      .apply(RequestContextMiddleware)
      .forRoutes({ path: '{/*splat}', method: RequestMethod.ALL });
  }
}
