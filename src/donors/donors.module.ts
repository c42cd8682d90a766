import { Module } from '@nestjs/common';
import { WebModule } from '../web/web.module';
import { DonorsPageController } from './donors-page.controller';
import { DonorsPageService } from './donors-page.service';
import { DonorsController } from './donors.controller';
import { DonorsRepository } from './donors.repository';
import { DonorsService } from './donors.service';

/**
 * Donors and their contacts, API and pages. Other modules call DonorsService.requireDonor /
 * requireVisibleDonor in their transactions, and fill the donor page's "Pledges" section through
 * DonorsPageService.providePledgesSection.
 */
@Module({
  imports: [WebModule],
  controllers: [DonorsController, DonorsPageController],
  providers: [DonorsService, DonorsRepository, DonorsPageService],
  exports: [DonorsService, DonorsPageService],
})
export class DonorsModule {}
