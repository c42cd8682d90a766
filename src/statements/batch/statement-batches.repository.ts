import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { CalendarDate } from '../../common/calendar-date';
import { UnLanguage } from '../statement-data.types';
import { StatementBatchItemStatus, StatementBatchStatus } from './dto/statement-batch.dto';

export interface BatchRow {
  id: string;
  fund_code: string;
  period_from: CalendarDate;
  period_to: CalendarDate;
  language: UnLanguage | null;
  status: StatementBatchStatus;
  total: number;
  issued: number;
  failed: number;
  pending: number;
  requested_by: string;
  requested_at: Date;
  finished_at: Date | null;
}

export interface ItemRow {
  donor_id: string;
  donor_name: string;
  status: StatementBatchItemStatus;
  document_id: string | null;
  number: string | null;
  error: string | null;
}

/** A pending item taken by one worker: what issuing its statement needs. */
export interface ClaimedItem {
  donorId: string;
  fundCode: string;
  from: CalendarDate;
  to: CalendarDate;
  language: UnLanguage | null;
  requestedBy: string;
}

const BATCH_COLUMNS = `
  b.id, f.code AS fund_code, to_char(b.period_from, 'YYYY-MM-DD') AS period_from,
  to_char(b.period_to, 'YYYY-MM-DD') AS period_to, b.language, b.status, b.total,
  (SELECT count(*)::int FROM statement_batch_item i WHERE i.batch_id = b.id AND i.status = 'issued') AS issued,
  (SELECT count(*)::int FROM statement_batch_item i WHERE i.batch_id = b.id AND i.status = 'failed') AS failed,
  (SELECT count(*)::int FROM statement_batch_item i WHERE i.batch_id = b.id AND i.status = 'pending') AS pending,
  b.requested_by, b.requested_at, b.finished_at`;

@Injectable()
export class StatementBatchesRepository {
  /**
   * The donors a statement of the fund has anything to say to: a pledge to the fund announced,
   * or a receipt to it valued, on or before the period's end. By name, for a readable batch.
   */
  async donorsToState(manager: EntityManager, fundId: string, to: CalendarDate): Promise<string[]> {
    const rows = await manager.query<Array<{ id: string }>>(
      `SELECT d.id FROM donor d
        WHERE EXISTS (SELECT 1 FROM pledge p
                       WHERE p.donor_id = d.id AND p.fund_id = $1 AND p.announced_on <= $2)
           OR EXISTS (SELECT 1 FROM receipt r
                       WHERE r.donor_id = d.id AND r.fund_id = $1 AND r.value_date <= $2)
        ORDER BY d.name, d.id`,
      [fundId, to],
    );
    return rows.map((row) => row.id);
  }

  async insert(
    manager: EntityManager,
    batch: {
      fundId: string;
      from: CalendarDate;
      to: CalendarDate;
      language: UnLanguage | null;
      donorIds: string[];
      requestedBy: string;
    },
  ): Promise<string> {
    const [{ id }] = await manager.query<Array<{ id: string }>>(
      `INSERT INTO statement_batch (fund_id, period_from, period_to, language, total, requested_by)
       VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
      [
        batch.fundId,
        batch.from,
        batch.to,
        batch.language,
        batch.donorIds.length,
        batch.requestedBy,
      ],
    );
    await manager.query(
      `INSERT INTO statement_batch_item (batch_id, donor_id) SELECT $1, unnest($2::uuid[])`,
      [id, batch.donorIds],
    );
    return id;
  }

  async find(manager: EntityManager, id: string): Promise<BatchRow | undefined> {
    const rows = await manager.query<BatchRow[]>(
      `SELECT ${BATCH_COLUMNS} FROM statement_batch b JOIN fund f ON f.id = b.fund_id
        WHERE b.id = $1`,
      [id],
    );
    return rows[0];
  }

  async items(manager: EntityManager, id: string): Promise<ItemRow[]> {
    return manager.query<ItemRow[]>(
      `SELECT i.donor_id, d.name AS donor_name, i.status, i.document_id, dd.number, i.error
         FROM statement_batch_item i
         JOIN donor d ON d.id = i.donor_id
         LEFT JOIN donor_document dd ON dd.id = i.document_id
        WHERE i.batch_id = $1
        ORDER BY d.name, d.id`,
      [id],
    );
  }

  async list(
    manager: EntityManager,
    filter: { status: StatementBatchStatus | null; fundCode: string | null },
    page: { limit: number; offset: number },
  ): Promise<{ rows: BatchRow[]; total: number }> {
    const where = `WHERE ($1::text IS NULL OR b.status = $1) AND ($2::text IS NULL OR f.code = $2)`;
    const params = [filter.status, filter.fundCode];
    const rows = await manager.query<BatchRow[]>(
      `SELECT ${BATCH_COLUMNS} FROM statement_batch b JOIN fund f ON f.id = b.fund_id ${where}
        ORDER BY b.requested_at DESC, b.id LIMIT $3 OFFSET $4`,
      [...params, page.limit, page.offset],
    );
    const [{ n }] = await manager.query<Array<{ n: number }>>(
      `SELECT count(*)::int AS n FROM statement_batch b JOIN fund f ON f.id = b.fund_id ${where}`,
      params,
    );
    return { rows, total: n };
  }

  /** Batches a worker should be busy with: queued or running (a crash leaves them so). */
  async unfinished(manager: EntityManager): Promise<string[]> {
    const rows = await manager.query<Array<{ id: string }>>(
      `SELECT id FROM statement_batch WHERE status IN ('queued', 'running') ORDER BY requested_at`,
    );
    return rows.map((row) => row.id);
  }

  async markRunning(manager: EntityManager, id: string): Promise<void> {
    await manager.query(
      `UPDATE statement_batch SET status = 'running' WHERE id = $1 AND status = 'queued'`,
      [id],
    );
  }

  /**
   * Takes the next pending items (up to `limit`, those of one language together, then by
   * donor name), locked until the caller's transaction ends; items another worker holds are
   * skipped, so two workers on one batch never issue the same statement.
   */
  async claimPending(manager: EntityManager, id: string, limit: number): Promise<ClaimedItem[]> {
    const rows = await manager.query<
      Array<{
        donor_id: string;
        fund_code: string;
        period_from: CalendarDate;
        period_to: CalendarDate;
        language: UnLanguage | null;
        requested_by: string;
      }>
    >(
      `SELECT i.donor_id, f.code AS fund_code, to_char(b.period_from, 'YYYY-MM-DD') AS period_from,
              to_char(b.period_to, 'YYYY-MM-DD') AS period_to, b.language, b.requested_by
         FROM statement_batch_item i
         JOIN statement_batch b ON b.id = i.batch_id
         JOIN fund f ON f.id = b.fund_id
         JOIN donor d ON d.id = i.donor_id
        WHERE i.batch_id = $1 AND i.status = 'pending'
        ORDER BY coalesce(b.language, d.statement_language), d.name, d.id
        LIMIT $2
        FOR UPDATE OF i SKIP LOCKED`,
      [id, limit],
    );
    return rows.map((row) => ({
      donorId: row.donor_id,
      fundCode: row.fund_code,
      from: row.period_from,
      to: row.period_to,
      language: row.language,
      requestedBy: row.requested_by,
    }));
  }

  /** The statement of this batch already issued to the donor, if any. */
  async issuedDocument(
    manager: EntityManager,
    id: string,
    donorId: string,
  ): Promise<string | undefined> {
    const rows = await manager.query<Array<{ id: string }>>(
      `SELECT id FROM donor_document WHERE batch_id = $1 AND donor_id = $2`,
      [id, donorId],
    );
    return rows[0]?.id;
  }

  async markIssued(
    manager: EntityManager,
    id: string,
    donorId: string,
    documentId: string,
  ): Promise<void> {
    await manager.query(
      `UPDATE statement_batch_item SET status = 'issued', document_id = $3, error = NULL
        WHERE batch_id = $1 AND donor_id = $2 AND status = 'pending'`,
      [id, donorId, documentId],
    );
  }

  async markFailed(
    manager: EntityManager,
    id: string,
    donorId: string,
    error: string,
  ): Promise<void> {
    await manager.query(
      `UPDATE statement_batch_item SET status = 'failed', error = $3
        WHERE batch_id = $1 AND donor_id = $2 AND status = 'pending'`,
      [id, donorId, error],
    );
  }

  /**
   * Closes the batch once no item is pending (one held by another worker still is): completed
   * when every statement was issued, failed when some were not. Returns whether it closed now.
   */
  async finish(manager: EntityManager, id: string): Promise<boolean> {
    const rows = await manager.query<Array<{ id: string }>>(
      `UPDATE statement_batch b
          SET status = CASE WHEN EXISTS (SELECT 1 FROM statement_batch_item i
                                          WHERE i.batch_id = b.id AND i.status = 'failed')
                            THEN 'failed' ELSE 'completed' END,
              finished_at = now()
        WHERE b.id = $1 AND b.status IN ('queued', 'running')
          AND NOT EXISTS (SELECT 1 FROM statement_batch_item i
                           WHERE i.batch_id = b.id AND i.status = 'pending')
       RETURNING b.id`,
      [id],
    );
    return rows.length > 0;
  }

  /** Puts the failed items of a finished batch back in the queue; returns how many. */
  async reopenFailed(manager: EntityManager, id: string): Promise<number> {
    const rows = await manager.query<Array<{ donor_id: string }>>(
      `UPDATE statement_batch_item SET status = 'pending', error = NULL
        WHERE batch_id = $1 AND status = 'failed' RETURNING donor_id`,
      [id],
    );
    if (rows.length > 0) {
      await manager.query(
        `UPDATE statement_batch SET status = 'running', finished_at = NULL WHERE id = $1`,
        [id],
      );
    }
    return rows.length;
  }

  /** Locks the batch row for a change of its status. */
  async lock(manager: EntityManager, id: string): Promise<StatementBatchStatus | undefined> {
    const rows = await manager.query<Array<{ status: StatementBatchStatus }>>(
      `SELECT status FROM statement_batch WHERE id = $1 FOR UPDATE`,
      [id],
    );
    return rows[0]?.status;
  }
}
