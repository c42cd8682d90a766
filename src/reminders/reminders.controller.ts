import { Body, Controller, Get, HttpCode, Param, Post, Put } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Access } from '../auth/access.decorator';
import { STAFF } from '../auth/roles';
import { Actor, CurrentActor } from '../common/actor';
import { API_V1 } from '../common/api';
import {
  ReminderPolicyRequest,
  ReminderPolicyResponse,
  ReminderResponse,
  RunRemindersRequest,
  RunRemindersResponse,
} from './dto/reminder.dto';
import { ReminderPolicyService } from './reminder-policy.service';
import { RemindersService } from './reminders.service';

@ApiTags('reminders')
@Controller(API_V1)
export class RemindersController {
  constructor(
    private readonly policies: ReminderPolicyService,
    private readonly reminders: RemindersService,
  ) {}

  @Access(...STAFF)
  @Get('funds/:fund/reminder-policy')
  @ApiOperation({
    description: 'The default (30 days before, every 30 days, 3 at most) if none set.',
  })
  @ApiOkResponse({ type: ReminderPolicyResponse })
  policy(@Param('fund') fund: string): Promise<ReminderPolicyResponse> {
    return this.policies.get(fund);
  }

  @Access('admin', 'finance_officer')
  @Put('funds/:fund/reminder-policy')
  @ApiOkResponse({ type: ReminderPolicyResponse })
  setPolicy(
    @CurrentActor() actor: Actor,
    @Param('fund') fund: string,
    @Body() request: ReminderPolicyRequest,
  ): Promise<ReminderPolicyResponse> {
    return this.policies.set(actor, fund, request);
  }

  @Access('admin', 'finance_officer')
  @Post('reminders/run')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Send the payment reminders due as of a day (today by default)',
    description:
      'What the daily job does, by hand. Idempotent without an Idempotency-Key: a reminder is ' +
      'sent once per instalment and step, so running again sends nothing new. A future day is ' +
      'refused (422).',
  })
  @ApiOkResponse({ type: RunRemindersResponse })
  run(
    @CurrentActor() actor: Actor,
    @Body() request: RunRemindersRequest,
  ): Promise<RunRemindersResponse> {
    return this.reminders.runAsOf(actor, request.date);
  }

  @Access(...STAFF, 'donor')
  @Get('pledges/:id/reminders')
  @ApiOperation({ description: 'Latest first. Donor users: their own pledges only.' })
  @ApiOkResponse({ type: [ReminderResponse] })
  forPledge(@CurrentActor() actor: Actor, @Param('id') id: string): Promise<ReminderResponse[]> {
    return this.reminders.forPledge(actor, id);
  }
}
