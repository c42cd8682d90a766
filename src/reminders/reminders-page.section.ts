import { Injectable, OnModuleInit } from '@nestjs/common';
import { MailService } from '../mail/mail.service';
import { PledgeResponse } from '../pledges/dto/pledge.dto';
import { money, PledgesPageService } from '../pledges/pledges-page.service';
import { Viewer } from '../web/view-renderer';
import { ReminderDelivery, ReminderPolicyResponse } from './dto/reminder.dto';
import { ReminderPolicyService } from './reminder-policy.service';
import { RemindersService } from './reminders.service';

const DELIVERY_LABELS: Record<ReminderDelivery, string> = {
  sent: 'e-mailed',
  pending: 'e-mail pending (not confirmed sent)',
  failed: 'e-mail failed',
  'no-mail': 'not e-mailed: mail is not configured',
  'no-recipients': 'not e-mailed: no contact of the donor receives statements',
};

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
        stepLabel: reminder.step === 0 ? 'Before due date' : `Overdue ${reminder.step}`,
        instalment: reminder.instalment,
        dueDate: reminder.dueDate,
        outstanding: money(reminder.outstanding),
        recipients: reminder.recipients.join(', '),
        delivery: reminder.delivery,
        deliveryLabel: DELIVERY_LABELS[reminder.delivery],
        deliveryError: reminder.deliveryError,
      })),
    };
  }
}

function describePolicy(policy: ReminderPolicyResponse, mailConfigured: boolean): string {
  const days = (n: number): string => `${n} day${n === 1 ? '' : 's'}`;
  const rule = !policy.enabled
    ? `Reminders are off for ${policy.fund}.`
    : `${policy.fund}${policy.isDefault ? ' (default policy)' : ''}: a reminder ` +
      (policy.daysBeforeDue === 0
        ? 'on the due date'
        : `${days(policy.daysBeforeDue)} before the due date`) +
      (policy.maxOverdueReminders === 0
        ? ', none once overdue.'
        : `, then every ${days(policy.overdueEveryDays)} while overdue, ${policy.maxOverdueReminders} at most.`);
  return mailConfigured
    ? rule
    : `${rule} E-mail is not configured: reminders are recorded, not sent.`;
}
