import { Injectable, Logger } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import { Actor } from '../common/actor';
import { CalendarDate, todayUtc } from '../common/calendar-date';
import { AppError } from '../common/errors/app-error';
import { translateDatabaseError } from '../common/errors/database-errors';
import { TransactionRunner } from '../database/transaction-runner';
import { DocumentRenderer } from '../documents/document-renderer';
import { MailService } from '../mail/mail.service';
import { Money } from '../money/money';
import { PledgeViewsService } from '../pledges/pledge-views.service';
import { PledgeNotFoundError } from '../pledges/pledges.errors';
import { PledgeRow, PledgesRepository } from '../pledges/pledges.repository';
import { ReminderData } from '../statements/statement-data.types';
import {
  ReminderDelivery,
  ReminderResponse,
  ReminderRunFailure,
  RunRemindersResponse,
} from './dto/reminder.dto';
import { ReminderPolicyService } from './reminder-policy.service';
import { DueReminder, dueReminders } from './reminder-steps';
import { isUuid } from '../common/uuid';
import { canSeeDonor } from '../donors/donors.service';
import { ReminderRow, RemindersRepository } from './reminders.repository';
import { ReminderRunInFutureError } from './reminders.errors';

/** Who sends the scheduled reminders (the audit trail names it). */
export const REMINDERS_ACTOR: Actor = { id: 'system:reminders', roles: [], donorIds: [] };

const IBAN = /^[A-Z]{2}[0-9]{2}[A-Z0-9]{11,30}$/;

/** A reminder recorded in a committed transaction, with what its e-mail needs. */
interface Recorded {
  id: string;
  recipients: readonly string[];
  subject: string;
  html: string;
  delivery: ReminderDelivery;
}

/**
 * Payment reminders. For each instalment still unpaid, the latest step due under the fund's
 * policy is decided, rendered in the donor's language and recorded in one transaction per
 * pledge; the UNIQUE (instalment, step) makes the insert of a concurrent run give way, so a
 * reminder is recorded, and e-mailed, at most once. The e-mail goes out only after the commit
 * (never for a row that was rolled back) and its outcome is written back on the row: a failed
 * send shows as `failed`, an interrupted one stays `pending`; neither is retried automatically,
 * since an SMTP error does not prove the message was not delivered.
 */
@Injectable()
export class RemindersService {
  private readonly logger = new Logger(RemindersService.name);

  constructor(
    private readonly dataSource: DataSource,
    private readonly transactions: TransactionRunner,
    private readonly pledges: PledgesRepository,
    private readonly views: PledgeViewsService,
    private readonly policies: ReminderPolicyService,
    private readonly audit: AuditService,
    private readonly renderer: DocumentRenderer,
    private readonly mail: MailService,
    private readonly repository: RemindersRepository,
  ) {}

  /** A run asked for by hand: as of today, or of an earlier day (a later one is refused). */
  runAsOf(actor: Actor, date: CalendarDate | undefined): Promise<RunRemindersResponse> {
    const today = todayUtc();
    if (date !== undefined && date > today) throw new ReminderRunInFutureError(date, today);
    return this.run(actor, date ?? today);
  }

  /** Sends every reminder due on `today` that was not sent yet. */
  async run(actor: Actor, today: CalendarDate): Promise<RunRemindersResponse> {
    const failures: ReminderRunFailure[] = [];
    const sent: string[] = [];
    for (const row of await this.pledgesWithRemindersDue(today)) {
      let recorded: Recorded[];
      try {
        recorded = await this.transactions.run((manager) =>
          this.remindPledge(manager, actor, row.id, today),
        );
      } catch (error) {
        const known = error instanceof AppError ? error : translateDatabaseError(error);
        if (known === undefined)
          this.logger.error({ err: error, pledge: row.id }, 'reminder failed');
        failures.push({
          pledgeId: row.id,
          pledgeReference: row.reference,
          reason: known?.detail ?? 'unexpected error (see the log)',
        });
        continue;
      }
      for (const reminder of recorded) {
        await this.deliver(reminder);
        sent.push(reminder.id);
      }
    }
    const rows =
      sent.length === 0 ? [] : await this.repository.list(this.dataSource.manager, { ids: sent });
    return { date: today, sent: rows.map(toReminderResponse), failures };
  }

  /** The reminders sent for a pledge, latest first. Donor users: their own pledges only. */
  async forPledge(actor: Actor, pledgeId: string): Promise<ReminderResponse[]> {
    const manager = this.dataSource.manager;
    const pledge = isUuid(pledgeId) ? await this.pledges.find(manager, pledgeId) : undefined;
    if (pledge === undefined || !canSeeDonor(actor, pledge.donor_id)) {
      throw new PledgeNotFoundError(pledgeId);
    }
    return (await this.repository.list(manager, { pledgeId })).map(toReminderResponse);
  }

  /**
   * A first pass without locks, in bulk: the pledges with at least one reminder to send, so
   * that a transaction (with its lock on the pledge) is opened only for them.
   */
  private async pledgesWithRemindersDue(today: CalendarDate): Promise<PledgeRow[]> {
    const manager = this.dataSource.manager;
    const candidates = await this.repository.candidates(manager, today);
    const due: PledgeRow[] = [];
    for (const fundId of new Set(candidates.map((c) => c.fund_id))) {
      const ids = new Set(candidates.filter((c) => c.fund_id === fundId).map((c) => c.pledge_id));
      const { rows } = await this.pledges.list(
        manager,
        { fundId, announcedBy: today },
        { by: 'reference', descending: false },
      );
      const mine = rows.filter((row) => ids.has(row.id));
      const policy = await this.policies.policyOf(manager, fundId);
      const instalmentIds = await this.repository.instalmentIds(manager, [...ids]);
      const lastSteps = await this.repository.lastSteps(manager, [...ids]);
      for (const { row, view } of await this.views.views(manager, mine, today)) {
        const ofPledge = instalmentIds.get(row.id) ?? new Map<number, string>();
        if (dueReminders(view, policy, today, ofPledge, lastSteps).length > 0) due.push(row);
      }
    }
    return due;
  }

  /**
   * Decides and records the pledge's reminders under a lock on the pledge (a payment or an
   * amendment being recorded at the same time is either seen or waits), audit last.
   */
  private async remindPledge(
    manager: EntityManager,
    actor: Actor,
    pledgeId: string,
    today: CalendarDate,
  ): Promise<Recorded[]> {
    const row = await this.pledges.lock(manager, pledgeId);
    if (row === undefined) return [];
    const [{ view }] = await this.views.views(manager, [row], today);
    const policy = await this.policies.policyOf(manager, row.fund_id);
    const instalmentIds = (await this.repository.instalmentIds(manager, [row.id])).get(row.id);
    const lastSteps = await this.repository.lastSteps(manager, [row.id]);
    const due = dueReminders(view, policy, today, instalmentIds ?? new Map(), lastSteps);
    if (due.length === 0) return [];

    const donor = await this.repository.donor(manager, row.donor_id);
    const fund = await this.repository.fund(manager, row.fund_id);
    const bank = await this.repository.bankAccount(manager, row.fund_id, row.currency);
    const mailConfigured = this.mail.configured();
    const recipients = mailConfigured ? donor.emails : [];
    const delivery: ReminderDelivery = !mailConfigured
      ? 'no-mail'
      : recipients.length === 0
        ? 'no-recipients'
        : 'pending';
    const language = donor.statement_language;
    const recorded: Array<Recorded & DueReminder> = [];
    for (const reminder of due) {
      const data: ReminderData = {
        kind: 'reminder',
        donor: {
          id: donor.id,
          name: donor.name,
          type: donor.type,
          country: donor.country,
          language,
        },
        fund: { code: fund.code, name: fund.name, currency: fund.functional_currency },
        pledgeReference: row.reference,
        instalmentSeq: reminder.seq,
        dueDate: reminder.dueDate,
        outstanding: reminder.outstanding.toJSON(),
        step: reminder.step,
        overdue: reminder.step > 0,
        bankAccount:
          bank === undefined
            ? null
            : {
                name: bank.name,
                iban: IBAN.test(bank.account_number) ? bank.account_number : null,
                bic: bank.bic,
              },
      };
      const { html, title } = this.renderer.render(data, { language, draft: false });
      const id = await this.repository.insert(manager, {
        instalmentId: reminder.instalmentId,
        instalmentSeq: reminder.seq,
        pledgeId: row.id,
        donorId: row.donor_id,
        step: reminder.step,
        dueDate: reminder.dueDate,
        outstandingMinor: reminder.outstanding.minor,
        currency: reminder.outstanding.currency,
        language,
        sentOn: today,
        recipients,
        html,
        delivery,
      });
      if (id !== undefined) {
        recorded.push({ ...reminder, id, recipients, subject: title, html, delivery });
      }
    }
    if (recorded.length > 0) {
      await this.audit.record(manager, actor, {
        action: 'pledge.reminders.send',
        entityType: 'pledge',
        entityId: row.id,
        after: {
          reference: row.reference,
          sentOn: today,
          reminders: recorded.map((reminder) => ({
            id: reminder.id,
            instalment: reminder.seq,
            dueDate: reminder.dueDate,
            step: reminder.step,
            outstanding: reminder.outstanding.toJSON(),
            language,
            recipients: reminder.recipients,
            delivery: reminder.delivery,
          })),
        },
      });
    }
    return recorded;
  }

  /** E-mails a committed reminder and writes the outcome back on it. */
  private async deliver(reminder: Recorded): Promise<void> {
    if (reminder.delivery !== 'pending') return;
    const manager = this.dataSource.manager;
    try {
      const { messageId } = await this.mail.send({
        to: [...reminder.recipients],
        subject: reminder.subject,
        html: reminder.html,
      });
      await this.repository.setDelivery(manager, reminder.id, { delivery: 'sent', messageId });
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      this.logger.warn({ err: error, reminder: reminder.id }, 'reminder e-mail failed');
      await this.repository.setDelivery(manager, reminder.id, {
        delivery: 'failed',
        error: reason,
      });
    }
  }
}

export function toReminderResponse(row: ReminderRow): ReminderResponse {
  return {
    id: row.id,
    pledgeId: row.pledge_id,
    pledgeReference: row.pledge_reference,
    instalment: Number(row.instalment_seq),
    dueDate: row.due_date,
    step: Number(row.step),
    outstanding: Money.fromMinor(row.outstanding_minor, row.currency.trim()).toJSON(),
    language: row.language,
    sentOn: row.sent_on,
    sentAt: new Date(row.sent_at).toISOString(),
    recipients: row.recipients,
    delivery: row.delivery,
    deliveryError: row.delivery_error,
  };
}
