import { Module } from '@nestjs/common';
import { FundsModule } from '../funds/funds.module';
import { WebModule } from '../web/web.module';
import { GrantEventsPageController } from './grant-events-page.controller';
import { GrantEventsPageService } from './grant-events-page.service';
import { GrantEventsController } from './grant-events.controller';
import { GrantEventsRepository } from './grant-events.repository';
import { GrantEventsService } from './grant-events.service';
import { ParticipantsPageController } from './participants-page.controller';
import { ParticipantsPageService } from './participants-page.service';
import { ParticipantsController } from './participants.controller';
import { ParticipantsRepository } from './participants.repository';
import { ParticipantsService } from './participants.service';

/**
 * Events and programmes that offer participation grants, and the participants grants are
 * requested for: API and pages. The grants module reads both through GrantEventsService.find /
 * require and ParticipantsService.find / require, in its own transactions.
 */
@Module({
  imports: [FundsModule, WebModule],
  controllers: [
    GrantEventsController,
    ParticipantsController,
    GrantEventsPageController,
    ParticipantsPageController,
  ],
  providers: [
    GrantEventsService,
    GrantEventsRepository,
    ParticipantsService,
    ParticipantsRepository,
    GrantEventsPageService,
    ParticipantsPageService,
  ],
  exports: [GrantEventsService, ParticipantsService],
})
export class GrantEventsModule {}
