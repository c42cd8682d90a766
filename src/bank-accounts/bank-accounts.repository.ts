import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';

export interface BankAccountRow {
  id: string;
  fund_id: string;
  fund_code: string;
  code: string;
  name: string;
  bank_name: string;
  account_number: string;
  bic: string | null;
  currency: string;
  created_by: string;
  created_at: Date;
}

export interface NewBankAccount {
  fundId: string;
  code: string;
  name: string;
  bankName: string;
  accountNumber: string;
  bic: string | null;
  currency: string;
  createdBy: string;
}

const COLUMNS = `
  b.id, b.fund_id, f.code AS fund_code, b.code, b.name, b.bank_name, b.account_number, b.bic,
  b.currency, b.created_by, b.created_at`;

/** Constraint names of the table, for the conflicts the service explains. */
export const CODE_CONSTRAINT = 'bank_account_code_key';
export const NUMBER_CONSTRAINT = 'bank_account_number_key';

@Injectable()
export class BankAccountsRepository {
  async insert(manager: EntityManager, account: NewBankAccount): Promise<string> {
    const [row] = await manager.query<{ id: string }[]>(
      `INSERT INTO bank_account (fund_id, code, name, bank_name, account_number, bic, currency,
         created_by)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`,
      [
        account.fundId,
        account.code,
        account.name,
        account.bankName,
        account.accountNumber,
        account.bic,
        account.currency,
        account.createdBy,
      ],
    );
    return row.id;
  }

  async find(manager: EntityManager, id: string): Promise<BankAccountRow | undefined> {
    const rows = await manager.query<BankAccountRow[]>(
      `SELECT ${COLUMNS} FROM bank_account b JOIN fund f ON f.id = b.fund_id WHERE b.id = $1`,
      [id],
    );
    return rows[0];
  }

  /** The fund's accounts with this code or this number (at most one of each). */
  clashes(
    manager: EntityManager,
    fundId: string,
    code: string,
    accountNumber: string,
  ): Promise<BankAccountRow[]> {
    return manager.query<BankAccountRow[]>(
      `SELECT ${COLUMNS} FROM bank_account b JOIN fund f ON f.id = b.fund_id
        WHERE b.fund_id = $1 AND (b.code = $2 OR b.account_number = $3)`,
      [fundId, code, accountNumber],
    );
  }

  /** Every account of the fund (of every fund without one), by fund and code. */
  list(manager: EntityManager, fundId?: string): Promise<BankAccountRow[]> {
    return manager.query<BankAccountRow[]>(
      `SELECT ${COLUMNS} FROM bank_account b JOIN fund f ON f.id = b.fund_id
        WHERE $1::uuid IS NULL OR b.fund_id = $1::uuid
        ORDER BY f.code, b.code`,
      [fundId ?? null],
    );
  }
}
