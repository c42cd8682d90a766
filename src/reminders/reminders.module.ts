import { Module } from '@nestjs/common';
import { DocumentsModule } from '../documents/documents.module';
import { FundsModule } from '../funds/funds.module';
import { MailModule } from '../mail/mail.module';
import { PledgesModule } from '../pledges/pledges.module';
import { ReminderPolicyService } from './reminder-policy.service';
import { RemindersController } from './reminders.controller';
import { RemindersJob } from './reminders.job';
import { RemindersPageSection } from './reminders-page.section';
import { RemindersRepository } from './reminders.repository';
import { RemindersService } from './reminders.service';

/**
 * Payment reminders: each fund's policy, the daily run (job queue, API, CLI), the reminders sent
 * per pledge (API and the pledge page's "Reminders" section).
 */
@Module({
  imports: [FundsModule, PledgesModule, DocumentsModule, MailModule],
  controllers: [RemindersController],
  providers: [
    RemindersRepository,
    ReminderPolicyService,
    RemindersService,
    RemindersPageSection,
    RemindersJob,
  ],
  exports: [RemindersService],
})
export class RemindersModule {}
