import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';

export interface PeriodRow {
  period: string;
  status: 'open' | 'closed';
  changed_by: string;
  changed_at: Date;
}

@Injectable()
export class PeriodsRepository {
  /**
   * Moves a period from one status to the other, as one conditional update: of two concurrent
   * closes, one changes the row and the other finds it already closed. Postings hold a share
   * lock on the row, so a close waits for postings in flight into that period.
   */
  async transition(
    manager: EntityManager,
    fundId: string,
    period: string,
    from: 'open' | 'closed',
    to: 'open' | 'closed',
    actor: string,
  ): Promise<boolean> {
    await manager.query(
      `INSERT INTO accounting_period (fund_id, period, changed_by) VALUES ($1, $2, $3)
       ON CONFLICT (fund_id, period) DO NOTHING`,
      [fundId, period, actor],
    );
    // Wrapped in a SELECT: TypeORM answers a bare UPDATE with [rows, count], not the rows.
    const rows = await manager.query<unknown[]>(
      `WITH changed AS (
         UPDATE accounting_period SET status = $4, changed_by = $5, changed_at = now()
          WHERE fund_id = $1 AND period = $2 AND status = $3 RETURNING period)
       SELECT period FROM changed`,
      [fundId, period, from, to, actor],
    );
    return rows.length === 1;
  }

  /**
   * Takes the fund's journal counter of the year, as every posting into that year does, until
   * the caller's transaction ends: postings in flight commit first, later ones wait and then see
   * the month closed. So nothing can land in a month while (or after) it is being closed.
   */
  async holdPostings(manager: EntityManager, fundId: string, year: number): Promise<void> {
    await manager.query(
      `INSERT INTO journal_sequence (fund_id, fiscal_year, last_number) VALUES ($1, $2, 0)
       ON CONFLICT (fund_id, fiscal_year) DO UPDATE SET last_number = journal_sequence.last_number`,
      [fundId, year],
    );
  }

  /** A period without a row has never been closed: it is open. */
  async status(manager: EntityManager, fundId: string, period: string): Promise<'open' | 'closed'> {
    const rows = await manager.query<{ status: 'open' | 'closed' }[]>(
      `SELECT status FROM accounting_period WHERE fund_id = $1 AND period = $2`,
      [fundId, period],
    );
    return rows[0]?.status ?? 'open';
  }

  async recordEvent(
    manager: EntityManager,
    event: {
      fundId: string;
      period: string;
      action: 'close' | 'reopen';
      reason?: string;
      actor: string;
    },
  ): Promise<void> {
    await manager.query(
      `INSERT INTO accounting_period_event (fund_id, period, action, reason, actor)
       VALUES ($1, $2, $3, $4, $5)`,
      [event.fundId, event.period, event.action, event.reason ?? null, event.actor],
    );
  }

  list(manager: EntityManager, fundId: string): Promise<PeriodRow[]> {
    return manager.query<PeriodRow[]>(
      `SELECT period, status, changed_by, changed_at FROM accounting_period
        WHERE fund_id = $1 ORDER BY period`,
      [fundId],
    );
  }
}
