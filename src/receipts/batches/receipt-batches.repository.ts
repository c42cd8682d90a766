import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { BatchStatus } from './dto/receipt-batch.dto';

/** A line as stored in receipt_batch.lines: the request's fields, amounts normalised. */
export interface StoredBatchLine {
  valueDate: string;
  grossAmount: string;
  bankCharges?: string;
  donorId?: string;
  remitterName?: string;
  remittanceText?: string;
  bankReference?: string;
  allocation?: 'auto' | 'none';
  /** Set when the batch is posted: the receipt the line became. */
  receipt?: { id: string; number: string };
}

export interface BatchRow {
  id: string;
  fund_id: string;
  fund_code: string;
  bank_account_id: string;
  bank_account_code: string;
  bank_account_name: string;
  currency: string;
  description: string;
  declared_count: number;
  declared_total_minor: string;
  lines: StoredBatchLine[];
  status: BatchStatus;
  override_reason: string | null;
  posted_by: string | null;
  posted_at: Date | null;
  created_by: string;
  created_at: Date;
  updated_at: Date;
}

export interface BankAccountRow {
  id: string;
  fund_id: string;
  code: string;
  name: string;
  currency: string;
}

export interface NewBatch {
  fundId: string;
  bankAccountId: string;
  description: string;
  declaredCount: number;
  declaredTotalMinor: bigint;
  lines: StoredBatchLine[];
  createdBy: string;
}

export interface DraftChange {
  description: string;
  declaredCount: number;
  declaredTotalMinor: bigint;
  lines: StoredBatchLine[];
}

const SELECT_BATCH = `
  SELECT b.id, b.fund_id, f.code AS fund_code, b.bank_account_id,
         a.code AS bank_account_code, a.name AS bank_account_name, a.currency,
         b.description, b.declared_count, b.declared_total_minor::text AS declared_total_minor,
         b.lines, b.status, b.override_reason, b.posted_by, b.posted_at,
         b.created_by, b.created_at, b.updated_at
    FROM receipt_batch b
    JOIN fund f ON f.id = b.fund_id
    JOIN bank_account a ON a.id = b.bank_account_id`;

/** The SQL of receipt batches (drafts and posted) and of the bank accounts they name. */
@Injectable()
export class ReceiptBatchesRepository {
  async bankAccount(
    manager: EntityManager,
    fundId: string,
    code: string,
  ): Promise<BankAccountRow | undefined> {
    const rows = await manager.query<BankAccountRow[]>(
      `SELECT id, fund_id, code, name, currency FROM bank_account
        WHERE fund_id = $1 AND code = $2`,
      [fundId, code],
    );
    return rows[0];
  }

  async insert(manager: EntityManager, batch: NewBatch): Promise<string> {
    const rows = await manager.query<{ id: string }[]>(
      `INSERT INTO receipt_batch (fund_id, bank_account_id, description, declared_count,
         declared_total_minor, lines, created_by)
       VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7)
       RETURNING id`,
      [
        batch.fundId,
        batch.bankAccountId,
        batch.description,
        batch.declaredCount,
        batch.declaredTotalMinor.toString(),
        JSON.stringify(batch.lines),
        batch.createdBy,
      ],
    );
    return rows[0].id;
  }

  /** One batch; with `lock`, its row is locked FOR UPDATE until the transaction ends. */
  async find(manager: EntityManager, id: string, lock = false): Promise<BatchRow | undefined> {
    const rows = await manager.query<BatchRow[]>(
      `${SELECT_BATCH} WHERE b.id = $1${lock ? ' FOR UPDATE OF b' : ''}`,
      [id],
    );
    return rows[0];
  }

  async list(
    manager: EntityManager,
    filter: { status: BatchStatus | null; fundCode: string | null; limit: number; offset: number },
  ): Promise<{ rows: BatchRow[]; total: number }> {
    const where = `WHERE ($1::text IS NULL OR b.status = $1) AND ($2::text IS NULL OR f.code = $2)`;
    const params = [filter.status, filter.fundCode];
    const rows = await manager.query<BatchRow[]>(
      `${SELECT_BATCH} ${where}
        ORDER BY (b.status = 'draft') DESC, b.created_at DESC, b.id
        LIMIT $3 OFFSET $4`,
      [...params, filter.limit, filter.offset],
    );
    const counted = await manager.query<{ n: number }[]>(
      `SELECT count(*)::int AS n FROM receipt_batch b JOIN fund f ON f.id = b.fund_id ${where}`,
      params,
    );
    return { rows, total: counted[0].n };
  }

  /** Changes a draft; false when the batch is no longer a draft. */
  async updateDraft(manager: EntityManager, id: string, change: DraftChange): Promise<boolean> {
    const rows = await manager.query<{ id: string }[]>(
      `WITH changed AS (
         UPDATE receipt_batch
            SET description = $2, declared_count = $3, declared_total_minor = $4,
                lines = $5::jsonb, updated_at = now()
          WHERE id = $1 AND status = 'draft'
          RETURNING id)
       SELECT id FROM changed`,
      [
        id,
        change.description,
        change.declaredCount,
        change.declaredTotalMinor.toString(),
        JSON.stringify(change.lines),
      ],
    );
    return rows.length === 1;
  }

  /** Marks a draft posted, with the receipts its lines became; false if it was not a draft. */
  async markPosted(
    manager: EntityManager,
    id: string,
    posting: { postedBy: string; overrideReason: string | null; lines: StoredBatchLine[] },
  ): Promise<boolean> {
    const rows = await manager.query<{ id: string }[]>(
      `WITH posted AS (
         UPDATE receipt_batch
            SET status = 'posted', posted_by = $2, posted_at = now(), override_reason = $3,
                lines = $4::jsonb, updated_at = now()
          WHERE id = $1 AND status = 'draft'
          RETURNING id)
       SELECT id FROM posted`,
      [id, posting.postedBy, posting.overrideReason, JSON.stringify(posting.lines)],
    );
    return rows.length === 1;
  }

  /** The receipts recorded from a batch, as the receipt table has them. */
  receipts(manager: EntityManager, batchId: string): Promise<{ id: string; number: string }[]> {
    return manager.query(
      `SELECT id, number FROM receipt WHERE batch_id = $1 ORDER BY created_at, number`,
      [batchId],
    );
  }
}
