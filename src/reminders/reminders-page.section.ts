import { Injectable, OnModuleInit } from '@nestjs/common';
import { MailService } from '../mail/mail.service';
import { PledgeResponse } from '../pledges/dto/pledge.dto';
import { money, PledgesPageService } from '../pledges/pledges-page.service';
import { uiText } from '../web/ui-i18n';
import { Viewer } from '../web/view-renderer';
import { ReminderPolicyResponse } from './dto/reminder.dto';
import { ReminderPolicyService } from './reminder-policy.service';
import { RemindersService } from './reminders.service';

/** Fills the "Reminders" section of the pledge page (see pledge-reminders.hbs). */
@Injectable()
export class RemindersPageSection implements OnModuleInit {
  constructor(
    private readonly pages: PledgesPageService,
    private readonly policies: ReminderPolicyService,
    private readonly reminders: RemindersService,
    private readonly mail: MailService,
  ) {}

  onModuleInit(): void {
    this.pages.provideRemindersSection((pledge, viewer) => this.section(pledge, viewer));
  }

  async section(pledge: PledgeResponse, viewer: Viewer): Promise<Record<string, unknown>> {
    const policy = await this.policies.get(pledge.fund);
    const rows = await this.reminders.forPledge(viewer.actor!, pledge.id);
    return {
      policy: describePolicy(policy, this.mail.configured()),
      rows: rows.map((reminder) => ({
        sentOn: reminder.sentOn,
        step: reminder.step,
        stepLabel:
          reminder.step === 0
            ? uiText('pledges.reminders.beforeDue')
            : uiText('pledges.reminders.overdueStep', { step: reminder.step }),
        instalment: reminder.instalment,
        dueDate: reminder.dueDate,
        outstanding: money(reminder.outstanding),
        recipients: reminder.recipients.join(', '),
        delivery: reminder.delivery,
        deliveryLabel: uiText(`pledges.reminders.delivery.${reminder.delivery}`),
        deliveryError: reminder.deliveryError,
      })),
    };
  }
}

/** The policy in one sentence of the interface's language (pledges.reminders.policy.*). */
function describePolicy(policy: ReminderPolicyResponse, mailConfigured: boolean): string {
  const text = (key: string, params: Record<string, string | number> = {}): string =>
    uiText(`pledges.reminders.policy.${key}`, params);
  const days = (n: number): string => text(n === 1 ? 'day' : 'days', { n });
  const rule = !policy.enabled
    ? text('off', { fund: policy.fund })
    : text('rule', {
        fund: text(policy.isDefault ? 'fundDefault' : 'fund', { fund: policy.fund }),
        when:
          policy.daysBeforeDue === 0
            ? text('onDueDate')
            : text('beforeDueDate', { days: days(policy.daysBeforeDue) }),
        after:
          policy.maxOverdueReminders === 0
            ? text('noneOverdue')
            : text('everyOverdue', {
                days: days(policy.overdueEveryDays),
                max: policy.maxOverdueReminders,
              }),
      });
  return mailConfigured ? rule : text('mailOff', { rule });
}
