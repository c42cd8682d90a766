import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { ApprovalStatus } from './dto/approval.dto';

export interface ApprovalRow {
  id: string;
  kind: string;
  summary: string;
  payload: unknown;
  fund_id: string | null;
  fund_code: string | null;
  subject: string | null;
  maker: string;
  maker_user_id: string | null;
  created_at: Date;
  status: ApprovalStatus;
  checker: string | null;
  checker_user_id: string | null;
  decided_at: Date | null;
  comment: string | null;
  result: unknown;
}

export interface NewApproval {
  kind: string;
  summary: string;
  payload: unknown;
  fundId?: string;
  subject?: string;
  maker: string;
  makerUserId?: string;
}

export interface Decision {
  status: Exclude<ApprovalStatus, 'pending'>;
  checker?: string;
  checkerUserId?: string;
  comment?: string;
  result?: unknown;
}

export interface ApprovalFilter {
  status: ApprovalStatus | null;
  kind: string | null;
  fund: string | null;
  maker: string | null;
  limit: number;
  offset: number;
}

const COLUMNS = `a.id, a.kind, a.summary, a.payload, a.fund_id, f.code AS fund_code, a.subject,
  a.maker, a.maker_user_id, a.created_at, a.status, a.checker, a.checker_user_id, a.decided_at,
  a.comment, a.result`;

@Injectable()
export class ApprovalsRepository {
  async insert(manager: EntityManager, approval: NewApproval): Promise<string> {
    const [row] = await manager.query<{ id: string }[]>(
      `INSERT INTO approval_request (kind, summary, payload, fund_id, subject, maker, maker_user_id)
       VALUES ($1, $2, $3::jsonb, $4, $5, $6, $7) RETURNING id`,
      [
        approval.kind,
        approval.summary,
        JSON.stringify(approval.payload),
        approval.fundId ?? null,
        approval.subject ?? null,
        approval.maker,
        approval.makerUserId ?? null,
      ],
    );
    return row.id;
  }

  async find(manager: EntityManager, id: string): Promise<ApprovalRow | undefined> {
    const rows = await manager.query<ApprovalRow[]>(
      `SELECT ${COLUMNS} FROM approval_request a LEFT JOIN fund f ON f.id = a.fund_id
        WHERE a.id = $1`,
      [id],
    );
    return rows[0];
  }

  /**
   * The request, locked until the transaction ends: a concurrent decision on it waits, then
   * reads the decided row (READ COMMITTED re-reads a row it waited for) and is refused.
   */
  async lock(manager: EntityManager, id: string): Promise<ApprovalRow | undefined> {
    const rows = await manager.query<ApprovalRow[]>(
      `SELECT ${COLUMNS} FROM approval_request a LEFT JOIN fund f ON f.id = a.fund_id
        WHERE a.id = $1 FOR UPDATE OF a`,
      [id],
    );
    return rows[0];
  }

  /** Decides a pending request, as one conditional update; undefined if it was not pending. */
  async decide(
    manager: EntityManager,
    id: string,
    decision: Decision,
  ): Promise<ApprovalRow | undefined> {
    // Wrapped in a SELECT: TypeORM answers a bare UPDATE with [rows, count], not the rows.
    const rows = await manager.query<ApprovalRow[]>(
      `WITH a AS (
         UPDATE approval_request
            SET status = $2, checker = $3, checker_user_id = $4, comment = $5, result = $6::jsonb,
                decided_at = now()
          WHERE id = $1 AND status = 'pending'
         RETURNING *)
       SELECT ${COLUMNS} FROM a LEFT JOIN fund f ON f.id = a.fund_id`,
      [
        id,
        decision.status,
        decision.checker ?? null,
        decision.checkerUserId ?? null,
        decision.comment ?? null,
        decision.result === undefined ? null : JSON.stringify(decision.result),
      ],
    );
    return rows[0];
  }

  list(manager: EntityManager, filter: ApprovalFilter): Promise<ApprovalRow[]> {
    return manager.query<ApprovalRow[]>(
      `SELECT ${COLUMNS} FROM approval_request a LEFT JOIN fund f ON f.id = a.fund_id
        WHERE ($1::text IS NULL OR a.status = $1)
          AND ($2::text IS NULL OR a.kind = $2)
          AND ($3::text IS NULL OR f.code = $3)
          AND ($4::text IS NULL OR a.maker = $4)
        ORDER BY a.created_at DESC, a.id
        LIMIT $5 OFFSET $6`,
      [filter.status, filter.kind, filter.fund, filter.maker, filter.limit, filter.offset],
    );
  }
}
