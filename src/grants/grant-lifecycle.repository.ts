import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';

export interface GrantBankAccountRow {
  id: string;
  code: string;
  currency: string;
}

/** What a grant holds of one receipt allocation (its attributions netted). */
export interface HeldAttributionRow {
  allocation_id: string;
  donor_id: string;
  amount_minor: string;
}

export interface SupportCostRateRow {
  id: string;
  code: string;
  support_cost_rate: string;
}

/** The SQL of the steps after approval (disbursement, settlement, cancellation) and of the rate. */
@Injectable()
export class GrantLifecycleRepository {
  async bankAccount(
    manager: EntityManager,
    fundId: string,
    code: string,
  ): Promise<GrantBankAccountRow | undefined> {
    const rows = await manager.query<GrantBankAccountRow[]>(
      `SELECT id, code, currency FROM bank_account WHERE fund_id = $1 AND code = $2`,
      [fundId, code],
    );
    return rows[0];
  }

  /**
   * The receipt allocations the grant is still attributed to, with how much of each, newest
   * attribution first: the order in which attribution is given back.
   */
  heldAttributions(manager: EntityManager, grantId: string): Promise<HeldAttributionRow[]> {
    return manager.query<HeldAttributionRow[]>(
      `SELECT receipt_allocation_id AS allocation_id, donor_id,
              sum(amount_minor)::text AS amount_minor
         FROM grant_attribution WHERE grant_id = $1
        GROUP BY receipt_allocation_id, donor_id
       HAVING sum(amount_minor) > 0
        ORDER BY max(id) DESC`,
      [grantId],
    );
  }

  /** The fund's programme support-cost rate, locked until the transaction ends. */
  async lockSupportCostRate(
    manager: EntityManager,
    fundCode: string,
  ): Promise<SupportCostRateRow | undefined> {
    const rows = await manager.query<SupportCostRateRow[]>(
      `SELECT id, code, support_cost_rate::text AS support_cost_rate FROM fund
        WHERE code = $1 FOR UPDATE`,
      [fundCode],
    );
    return rows[0];
  }

  async supportCostRate(manager: EntityManager, fundId: string): Promise<string> {
    const [row] = await manager.query<{ support_cost_rate: string }[]>(
      `SELECT support_cost_rate::text AS support_cost_rate FROM fund WHERE id = $1`,
      [fundId],
    );
    return row.support_cost_rate;
  }

  async setSupportCostRate(manager: EntityManager, fundId: string, rate: string): Promise<string> {
    const [row] = await manager.query<{ support_cost_rate: string }[]>(
      `WITH changed AS (
         UPDATE fund SET support_cost_rate = $2::numeric WHERE id = $1
         RETURNING support_cost_rate)
       SELECT support_cost_rate::text AS support_cost_rate FROM changed`,
      [fundId, rate],
    );
    return row.support_cost_rate;
  }
}
