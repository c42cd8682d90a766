import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';

export interface FundRow {
  id: string;
  code: string;
  name: string;
  functional_currency: string;
  created_by: string;
  created_at: Date;
}

export interface EarmarkRow {
  id: string;
  fund_id: string;
  code: string;
  name: string;
}

export type Dimension = 'required' | 'optional' | 'none';

export interface AccountRow {
  id: string;
  fund_id: string;
  code: string;
  name: string;
  kind: 'asset' | 'liability' | 'net_assets' | 'revenue' | 'expense';
  donor_dimension: Dimension;
  earmark_dimension: Dimension;
  bank_account_dimension: Dimension;
}

@Injectable()
export class FundsRepository {
  async insertFund(
    manager: EntityManager,
    fund: { code: string; name: string; functionalCurrency: string; createdBy: string },
  ): Promise<FundRow> {
    const [row] = await manager.query<FundRow[]>(
      `INSERT INTO fund (code, name, functional_currency, created_by)
       VALUES ($1, $2, $3, $4) RETURNING *`,
      [fund.code, fund.name, fund.functionalCurrency, fund.createdBy],
    );
    // The chart is created by the same database function that created the seeded fund's.
    await manager.query(`SELECT create_chart_of_accounts($1)`, [row.id]);
    return row;
  }

  async insertEarmark(
    manager: EntityManager,
    earmark: { fundId: string; code: string; name: string; createdBy: string },
  ): Promise<EarmarkRow> {
    const [row] = await manager.query<EarmarkRow[]>(
      `INSERT INTO earmark (fund_id, code, name, created_by) VALUES ($1, $2, $3, $4)
       RETURNING id, fund_id, code, name`,
      [earmark.fundId, earmark.code, earmark.name, earmark.createdBy],
    );
    return row;
  }

  async findFund(manager: EntityManager, code: string): Promise<FundRow | undefined> {
    const rows = await manager.query<FundRow[]>(`SELECT * FROM fund WHERE code = $1`, [code]);
    return rows[0];
  }

  listFunds(manager: EntityManager): Promise<FundRow[]> {
    return manager.query<FundRow[]>(`SELECT * FROM fund ORDER BY code`);
  }

  earmarks(manager: EntityManager, fundId: string): Promise<EarmarkRow[]> {
    return manager.query<EarmarkRow[]>(
      `SELECT id, fund_id, code, name FROM earmark WHERE fund_id = $1 ORDER BY code`,
      [fundId],
    );
  }

  accounts(manager: EntityManager, fundId: string): Promise<AccountRow[]> {
    return manager.query<AccountRow[]>(
      `SELECT id, fund_id, code, name, kind, donor_dimension, earmark_dimension,
              bank_account_dimension
         FROM account WHERE fund_id = $1 ORDER BY code`,
      [fundId],
    );
  }
}
