import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { CalendarDate } from '../common/calendar-date';
import { UnLanguage } from '../statements/statement-data.types';
import { ReminderDelivery } from './dto/reminder.dto';
import { DEFAULT_REMINDER_POLICY, ReminderPolicy } from './reminder-steps';

export interface PolicyRow {
  fund_id: string;
  enabled: boolean;
  days_before_due: number;
  overdue_every_days: number;
  max_overdue_reminders: number;
  updated_by: string;
  updated_at: Date;
}

export interface ReminderRow {
  id: string;
  pledge_id: string;
  pledge_reference: string;
  instalment_seq: number;
  due_date: string;
  step: number;
  outstanding_minor: string;
  currency: string;
  language: UnLanguage;
  sent_on: string;
  sent_at: Date;
  recipients: string[];
  delivery: ReminderDelivery;
  delivery_error: string | null;
}

export interface NewReminder {
  instalmentId: string;
  instalmentSeq: number;
  pledgeId: string;
  donorId: string;
  step: number;
  dueDate: CalendarDate;
  outstandingMinor: bigint;
  currency: string;
  language: UnLanguage;
  sentOn: CalendarDate;
  recipients: readonly string[];
  html: string;
  delivery: ReminderDelivery;
}

export interface ReminderDonorRow {
  id: string;
  name: string;
  type: string;
  country: string | null;
  statement_language: UnLanguage;
  /** Addresses of the contacts who receive statements, in the donor's order. */
  emails: string[];
}

const REMINDER_COLUMNS = `
  r.id, r.pledge_id, p.reference AS pledge_reference, r.instalment_seq,
  to_char(r.due_date, 'YYYY-MM-DD') AS due_date, r.step, r.outstanding_minor::text AS outstanding_minor,
  r.currency, r.language, to_char(r.sent_on, 'YYYY-MM-DD') AS sent_on, r.sent_at, r.recipients,
  r.delivery, r.delivery_error`;

@Injectable()
export class RemindersRepository {
  async policy(manager: EntityManager, fundId: string): Promise<PolicyRow | undefined> {
    const rows = await manager.query<PolicyRow[]>(
      `SELECT fund_id, enabled, days_before_due, overdue_every_days, max_overdue_reminders,
              updated_by, updated_at
         FROM reminder_policy WHERE fund_id = $1`,
      [fundId],
    );
    return rows[0];
  }

  async savePolicy(
    manager: EntityManager,
    fundId: string,
    policy: ReminderPolicy,
    actor: string,
  ): Promise<PolicyRow> {
    const [row] = await manager.query<PolicyRow[]>(
      `INSERT INTO reminder_policy (fund_id, enabled, days_before_due, overdue_every_days,
         max_overdue_reminders, updated_by)
       VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (fund_id) DO UPDATE SET enabled = EXCLUDED.enabled,
         days_before_due = EXCLUDED.days_before_due,
         overdue_every_days = EXCLUDED.overdue_every_days,
         max_overdue_reminders = EXCLUDED.max_overdue_reminders,
         updated_by = EXCLUDED.updated_by, updated_at = now()
       RETURNING fund_id, enabled, days_before_due, overdue_every_days, max_overdue_reminders,
         updated_by, updated_at`,
      [
        fundId,
        policy.enabled,
        policy.daysBeforeDue,
        policy.overdueEveryDays,
        policy.maxOverdueReminders,
        actor,
      ],
    );
    return row;
  }

  /**
   * Pledges that may have a reminder due on `today`, by fund: agreed, not ended, in a fund whose
   * policy (or the default) is enabled, with an instalment whose window has opened and that has
   * not had its last step yet. Only a first sift: whether an instalment is unpaid and which
   * step is due is derived afterwards.
   */
  async candidates(
    manager: EntityManager,
    today: CalendarDate,
  ): Promise<Array<{ pledge_id: string; fund_id: string }>> {
    const d = DEFAULT_REMINDER_POLICY;
    return manager.query(
      `SELECT p.id AS pledge_id, p.fund_id
         FROM pledge p
         LEFT JOIN reminder_policy rp ON rp.fund_id = p.fund_id
        WHERE coalesce(rp.enabled, $2) AND p.agreed_on <= $1::date
          AND NOT EXISTS (
            SELECT 1 FROM pledge_event e
             WHERE e.pledge_id = p.id AND e.kind IN ('cancelled', 'written-off')
               AND e.effective_on <= $1::date)
          AND EXISTS (
            SELECT 1 FROM pledge_instalment i
             WHERE i.pledge_id = p.id
               AND i.due_date - coalesce(rp.days_before_due, $3) <= $1::date
               AND NOT EXISTS (
                 SELECT 1 FROM pledge_reminder r
                  WHERE r.instalment_id = i.id
                    AND r.step >= coalesce(rp.max_overdue_reminders, $4)))
        ORDER BY p.fund_id, p.id`,
      [today, d.enabled, d.daysBeforeDue, d.maxOverdueReminders],
    );
  }

  /** The stored instalments of the pledges: pledge id → seq → instalment id. */
  async instalmentIds(
    manager: EntityManager,
    pledgeIds: readonly string[],
  ): Promise<Map<string, Map<number, string>>> {
    const rows = await manager.query<{ id: string; pledge_id: string; seq: number }[]>(
      `SELECT id, pledge_id, seq FROM pledge_instalment WHERE pledge_id = ANY($1::uuid[])`,
      [pledgeIds],
    );
    const ids = new Map<string, Map<number, string>>();
    for (const row of rows) {
      const mine = ids.get(row.pledge_id) ?? new Map<number, string>();
      mine.set(Number(row.seq), row.id);
      ids.set(row.pledge_id, mine);
    }
    return ids;
  }

  /** The highest step sent so far for each instalment of the pledges: instalment id → step. */
  async lastSteps(
    manager: EntityManager,
    pledgeIds: readonly string[],
  ): Promise<Map<string, number>> {
    const rows = await manager.query<{ instalment_id: string; step: number }[]>(
      `SELECT instalment_id, max(step) AS step FROM pledge_reminder
        WHERE pledge_id = ANY($1::uuid[]) GROUP BY instalment_id`,
      [pledgeIds],
    );
    return new Map(rows.map((row) => [row.instalment_id, Number(row.step)]));
  }

  /**
   * Records a reminder unless this instalment already has this step (answering undefined):
   * with a concurrent run, the second insert waits for the first to commit, then gives way.
   */
  async insert(manager: EntityManager, reminder: NewReminder): Promise<string | undefined> {
    const rows = await manager.query<{ id: string }[]>(
      `INSERT INTO pledge_reminder (instalment_id, instalment_seq, pledge_id, donor_id, step,
         due_date, outstanding_minor, currency, language, sent_on, recipients, html, delivery)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11::text[], $12, $13)
       ON CONFLICT ON CONSTRAINT pledge_reminder_step_key DO NOTHING
       RETURNING id`,
      [
        reminder.instalmentId,
        reminder.instalmentSeq,
        reminder.pledgeId,
        reminder.donorId,
        reminder.step,
        reminder.dueDate,
        reminder.outstandingMinor.toString(),
        reminder.currency,
        reminder.language,
        reminder.sentOn,
        reminder.recipients,
        reminder.html,
        reminder.delivery,
      ],
    );
    return rows[0]?.id;
  }

  /** Writes back how the e-mail went; only a reminder still pending changes. */
  async setDelivery(
    manager: EntityManager,
    id: string,
    outcome: { delivery: 'sent'; messageId: string } | { delivery: 'failed'; error: string },
  ): Promise<void> {
    await manager.query(
      `UPDATE pledge_reminder
          SET delivery = $2, message_id = $3, delivery_error = $4, delivered_at = now()
        WHERE id = $1 AND delivery = 'pending'`,
      [
        id,
        outcome.delivery,
        outcome.delivery === 'sent' ? outcome.messageId : null,
        outcome.delivery === 'failed' ? outcome.error : null,
      ],
    );
  }

  list(manager: EntityManager, where: { pledgeId?: string; ids?: readonly string[] }) {
    return manager.query<ReminderRow[]>(
      `SELECT ${REMINDER_COLUMNS}
         FROM pledge_reminder r JOIN pledge p ON p.id = r.pledge_id
        WHERE ($1::uuid IS NULL OR r.pledge_id = $1::uuid)
          AND ($2::uuid[] IS NULL OR r.id = ANY($2::uuid[]))
        ORDER BY r.sent_on DESC, r.instalment_seq, r.step DESC`,
      [where.pledgeId ?? null, where.ids ?? null],
    );
  }

  async donor(manager: EntityManager, donorId: string): Promise<ReminderDonorRow> {
    const [row] = await manager.query<ReminderDonorRow[]>(
      `SELECT d.id, d.name, d.type, d.country, d.statement_language,
              coalesce(array_agg(c.email ORDER BY c.position)
                FILTER (WHERE c.receives_statements), '{}') AS emails
         FROM donor d LEFT JOIN donor_contact c ON c.donor_id = d.id
        WHERE d.id = $1
        GROUP BY d.id`,
      [donorId],
    );
    return row;
  }

  async fund(
    manager: EntityManager,
    fundId: string,
  ): Promise<{ code: string; name: string; functional_currency: string }> {
    const [row] = await manager.query<
      { code: string; name: string; functional_currency: string }[]
    >(`SELECT code, name, functional_currency FROM fund WHERE id = $1`, [fundId]);
    return row;
  }

  /** The fund's bank account in `currency` to pay into (the first by code), if it has one. */
  async bankAccount(
    manager: EntityManager,
    fundId: string,
    currency: string,
  ): Promise<{ name: string; account_number: string; bic: string | null } | undefined> {
    const rows = await manager.query<
      { name: string; account_number: string; bic: string | null }[]
    >(
      `SELECT name, account_number, bic FROM bank_account
        WHERE fund_id = $1 AND currency = $2 ORDER BY code LIMIT 1`,
      [fundId, currency],
    );
    return rows[0];
  }
}
