import { Module } from '@nestjs/common';
import { ApprovalsModule } from '../../approvals/approvals.module';
import { BankAccountsModule } from '../../bank-accounts/bank-accounts.module';
import { WebModule } from '../../web/web.module';
import { GrantsModule } from '../grants.module';
import { GrantsPageController } from './grants-page.controller';
import { GrantsPageService } from './grants-page.service';
import { GrantsPagesRepository } from './grants-pages.repository';

/**
 * The officers' grant pages, apart from the grants core: they call GrantsService (and the
 * lifecycle service, when there) as the API does; events, participants and bank accounts are
 * read for the choices the forms offer.
 */
@Module({
  imports: [GrantsModule, ApprovalsModule, BankAccountsModule, WebModule],
  controllers: [GrantsPageController],
  providers: [GrantsPageService, GrantsPagesRepository],
})
export class GrantsPagesModule {}
