import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { ApprovalRow } from '../approvals.repository';

const COLUMNS = `a.id, a.kind, a.summary, a.payload, a.fund_id, f.code AS fund_code, a.subject,
  a.maker, a.maker_user_id, a.created_at, a.status, a.checker, a.checker_user_id, a.decided_at,
  a.comment, a.result`;

export interface PledgeRef {
  id: string;
  reference: string;
  currency: string;
  amount_minor: string;
  donor_id: string;
  donor_name: string;
  /** What the pledge's receivable holds now, in its currency; null when nothing was booked. */
  receivable_minor: string | null;
}

export interface ReceiptRef {
  id: string;
  number: string;
  currency: string;
  gross_minor: string;
  value_date: string;
  donor_id: string | null;
  donor_name: string | null;
  remitter_name: string | null;
  bank_account: string;
}

export interface GrantRef {
  id: string;
  number: string;
  kind: string;
  amount_minor: string;
  currency: string;
  participant_id: string;
  participant_name: string;
  participant_country: string;
  event_id: string;
  event_code: string;
  event_name: string;
  exception_reason: string | null;
}

export interface BankLineRef {
  id: string;
  booking_date: string;
  amount_minor: string;
  currency: string;
  counterparty_name: string | null;
  remittance_text: string | null;
  bank_account: string;
}

export interface EntryRef {
  id: string;
  number: string;
  entry_date: string;
  description: string;
  fund_code: string;
}

export interface NamedRef {
  id: string;
  name: string;
}

/** An account or an earmark of a fund, by its code. */
export interface FundCodeRef {
  fund_code: string;
  code: string;
  name: string;
}

/**
 * The reads of the approvals page: the queue oldest first, the latest decisions, and the names
 * of what the requests' payloads refer to (donors, pledges, receipts, grants…), each in one query
 * for all the requests shown.
 */
@Injectable()
export class ApprovalsPageRepository {
  /** Pending requests, oldest first (an inbox is worked from the oldest), of one kind or all. */
  pending(manager: EntityManager, kind: string | null, limit: number): Promise<ApprovalRow[]> {
    return manager.query<ApprovalRow[]>(
      `SELECT ${COLUMNS} FROM approval_request a LEFT JOIN fund f ON f.id = a.fund_id
        WHERE a.status = 'pending' AND ($1::text IS NULL OR a.kind = $1)
        ORDER BY a.created_at, a.id
        LIMIT $2`,
      [kind, limit],
    );
  }

  /** How many requests of each kind wait. */
  async pendingCounts(manager: EntityManager): Promise<Map<string, number>> {
    const rows = await manager.query<Array<{ kind: string; n: number }>>(
      `SELECT kind, count(*)::int AS n FROM approval_request WHERE status = 'pending'
        GROUP BY kind ORDER BY kind`,
    );
    return new Map(rows.map((row) => [row.kind, Number(row.n)]));
  }

  /** The latest decisions (approved, rejected or cancelled), newest first. */
  recentlyDecided(manager: EntityManager, limit: number): Promise<ApprovalRow[]> {
    return manager.query<ApprovalRow[]>(
      `SELECT ${COLUMNS} FROM approval_request a LEFT JOIN fund f ON f.id = a.fund_id
        WHERE a.status <> 'pending'
        ORDER BY a.decided_at DESC, a.id
        LIMIT $1`,
      [limit],
    );
  }

  async displayNames(manager: EntityManager, usernames: string[]): Promise<Map<string, string>> {
    if (usernames.length === 0) return new Map();
    const rows = await manager.query<Array<{ username: string; display_name: string }>>(
      `SELECT username, display_name FROM app_user WHERE username = ANY($1::text[])`,
      [usernames],
    );
    return new Map(rows.map((row) => [row.username, row.display_name]));
  }

  pledges(manager: EntityManager, ids: string[]): Promise<PledgeRef[]> {
    return this.byIds<PledgeRef>(
      manager,
      ids,
      `SELECT p.id, p.reference, p.currency, p.amount_minor::text AS amount_minor, p.donor_id,
              d.name AS donor_name,
              (SELECT sum(l.amount_minor)::text FROM journal_line l
                 JOIN account ac ON ac.id = l.account_id AND ac.code = '1100'
                WHERE l.pledge_id = p.id AND l.currency = p.currency) AS receivable_minor
         FROM pledge p JOIN donor d ON d.id = p.donor_id
        WHERE p.id = ANY($1::uuid[])`,
    );
  }

  receipts(manager: EntityManager, ids: string[]): Promise<ReceiptRef[]> {
    return this.byIds<ReceiptRef>(
      manager,
      ids,
      `SELECT r.id, r.number, r.currency, r.gross_minor::text AS gross_minor,
              to_char(r.value_date, 'YYYY-MM-DD') AS value_date, r.donor_id,
              d.name AS donor_name, r.remitter_name, b.code AS bank_account
         FROM receipt r
         JOIN bank_account b ON b.id = r.bank_account_id
         LEFT JOIN donor d ON d.id = r.donor_id
        WHERE r.id = ANY($1::uuid[])`,
    );
  }

  grants(manager: EntityManager, ids: string[]): Promise<GrantRef[]> {
    return this.byIds<GrantRef>(
      manager,
      ids,
      `SELECT g.id, g.number, g.kind, g.amount_minor::text AS amount_minor,
              f.functional_currency AS currency, g.participant_id,
              p.name AS participant_name, p.country AS participant_country, g.event_id,
              e.code AS event_code, e.name AS event_name, g.exception_reason
         FROM participation_grant g
         JOIN fund f ON f.id = g.fund_id
         JOIN participant p ON p.id = g.participant_id
         JOIN grant_event e ON e.id = g.event_id
        WHERE g.id = ANY($1::uuid[])`,
    );
  }

  bankLines(manager: EntityManager, ids: string[]): Promise<BankLineRef[]> {
    return this.byIds<BankLineRef>(
      manager,
      ids,
      `SELECT l.id, to_char(l.booking_date, 'YYYY-MM-DD') AS booking_date,
              l.amount_minor::text AS amount_minor, l.currency, l.counterparty_name,
              l.remittance_text, b.code AS bank_account
         FROM bank_statement_line l JOIN bank_account b ON b.id = l.bank_account_id
        WHERE l.id = ANY($1::uuid[])`,
    );
  }

  entries(manager: EntityManager, ids: string[]): Promise<EntryRef[]> {
    return this.byIds<EntryRef>(
      manager,
      ids,
      `SELECT e.id, e.number, to_char(e.entry_date, 'YYYY-MM-DD') AS entry_date, e.description,
              f.code AS fund_code
         FROM journal_entry e JOIN fund f ON f.id = e.fund_id
        WHERE e.id = ANY($1::uuid[])`,
    );
  }

  donors(manager: EntityManager, ids: string[]): Promise<NamedRef[]> {
    return this.byIds<NamedRef>(
      manager,
      ids,
      `SELECT id, name FROM donor WHERE id = ANY($1::uuid[])`,
    );
  }

  bankAccounts(manager: EntityManager, ids: string[]): Promise<NamedRef[]> {
    return this.byIds<NamedRef>(
      manager,
      ids,
      `SELECT id, code AS name FROM bank_account WHERE id = ANY($1::uuid[])`,
    );
  }

  accounts(manager: EntityManager, funds: string[]): Promise<FundCodeRef[]> {
    if (funds.length === 0) return Promise.resolve([]);
    return manager.query<FundCodeRef[]>(
      `SELECT f.code AS fund_code, a.code, a.name
         FROM account a JOIN fund f ON f.id = a.fund_id WHERE f.code = ANY($1::text[])`,
      [funds],
    );
  }

  earmarks(manager: EntityManager, funds: string[]): Promise<FundCodeRef[]> {
    if (funds.length === 0) return Promise.resolve([]);
    return manager.query<FundCodeRef[]>(
      `SELECT f.code AS fund_code, e.code, e.name
         FROM earmark e JOIN fund f ON f.id = e.fund_id WHERE f.code = ANY($1::text[])`,
      [funds],
    );
  }

  private byIds<T>(manager: EntityManager, ids: string[], sql: string): Promise<T[]> {
    return ids.length === 0 ? Promise.resolve([]) : manager.query<T[]>(sql, [ids]);
  }
}
