import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';

/** How much of each stored queue waits, counted where the list pages find it. */
export interface QueueCountsRow {
  /** Receipts of no known donor, not reversed (/receipts?queue=unidentified). */
  unidentified_receipts: number;
  /** Receipts of a known donor with money not yet applied, not reversed (?queue=unapplied). */
  unapplied_receipts: number;
  /** Statements of a batch that could not be issued, and the batches they are in. */
  failed_statements: number;
  failed_batches: number;
  /** Requests the user made that still wait for a second person. */
  own_pending_requests: number;
  /** Requests the user made that a checker rejected since the date asked for. */
  own_rejected_requests: number;
}

/** Booked bank lines of an account that no decision in force covers (the workbench's queue). */
export interface UnmatchedLinesRow {
  fund_code: string;
  bank_account_code: string;
  bank_account_name: string;
  currency: string;
  lines: number;
}

export interface RejectedRequestRow {
  id: string;
  summary: string;
  subject: string | null;
  checker: string;
  decided_at: Date;
  comment: string;
}

/**
 * The officers' work queues, counted in SQL. Each count repeats the condition of the list it
 * links to (ReceiptsRepository's queues, the matching workbench's "unmatched", the batches'
 * item status), and test/e2e/work-queues.spec.ts checks that the counts and the lists agree.
 */
@Injectable()
export class WorkQueuesRepository {
  async counts(
    manager: EntityManager,
    maker: string,
    rejectedSince: Date,
  ): Promise<QueueCountsRow> {
    const [row] = await manager.query<QueueCountsRow[]>(
      `WITH open_receipt AS (
         SELECT r.donor_id,
                coalesce((SELECT -sum(l.amount_minor)
                            FROM journal_line l JOIN account a ON a.id = l.account_id
                           WHERE l.receipt_id = r.id AND a.code IN ('2000', '2300')), 0)
                  AS unapplied_minor
           FROM receipt r
          WHERE NOT EXISTS (SELECT 1 FROM receipt_event x
                             WHERE x.receipt_id = r.id AND x.kind = 'reversed'))
       SELECT
         (SELECT count(*)::int FROM open_receipt WHERE donor_id IS NULL) AS unidentified_receipts,
         (SELECT count(*)::int FROM open_receipt
           WHERE donor_id IS NOT NULL AND unapplied_minor > 0) AS unapplied_receipts,
         (SELECT count(*)::int FROM statement_batch_item WHERE status = 'failed')
           AS failed_statements,
         (SELECT count(DISTINCT batch_id)::int FROM statement_batch_item WHERE status = 'failed')
           AS failed_batches,
         (SELECT count(*)::int FROM approval_request WHERE maker = $1 AND status = 'pending')
           AS own_pending_requests,
         (SELECT count(*)::int FROM approval_request
           WHERE maker = $1 AND status = 'rejected' AND decided_at >= $2) AS own_rejected_requests`,
      [maker, rejectedSince],
    );
    return row;
  }

  /**
   * Per bank account, the booked lines with no match, classification or pending match in force
   * (an undo puts a line back): what MatchingService lists as "unmatched".
   */
  unmatchedLines(manager: EntityManager): Promise<UnmatchedLinesRow[]> {
    return manager.query<UnmatchedLinesRow[]>(
      `SELECT f.code AS fund_code, ba.code AS bank_account_code, ba.name AS bank_account_name,
              ba.currency, count(*)::int AS lines
         FROM bank_statement_line l
         JOIN bank_account ba ON ba.id = l.bank_account_id
         JOIN fund f ON f.id = ba.fund_id
        WHERE l.status = 'BOOK'
          AND NOT EXISTS (
            SELECT 1 FROM bank_line_match m
             WHERE m.line_id = l.id AND m.kind <> 'undo'
               AND NOT EXISTS (SELECT 1 FROM bank_line_match u WHERE u.undoes_match_id = m.id))
        GROUP BY f.code, ba.code, ba.name, ba.currency
        ORDER BY f.code, ba.code`,
    );
  }

  /** The user's requests that a checker rejected since `since`, the latest first. */
  rejectedRequests(
    manager: EntityManager,
    maker: string,
    since: Date,
    limit: number,
  ): Promise<RejectedRequestRow[]> {
    return manager.query<RejectedRequestRow[]>(
      `SELECT id, summary, subject, checker, decided_at, comment
         FROM approval_request
        WHERE maker = $1 AND status = 'rejected' AND decided_at >= $2
        ORDER BY decided_at DESC, id
        LIMIT $3`,
      [maker, since, limit],
    );
  }
}
