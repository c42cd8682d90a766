import { Module } from '@nestjs/common';
import { PledgesModule } from '../pledges/pledges.module';
import { WebModule } from '../web/web.module';
import { WorkQueuesController } from './work-queues.controller';
import { WorkQueuesRepository } from './work-queues.repository';
import { WorkQueuesService } from './work-queues.service';

/** The officers' start page (/work): what waits in each queue, linked to where it is done. */
@Module({
  imports: [PledgesModule, WebModule],
  controllers: [WorkQueuesController],
  providers: [WorkQueuesService, WorkQueuesRepository],
})
export class WorkQueuesModule {}
