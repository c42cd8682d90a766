import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import { Actor } from '../common/actor';
import { driverError } from '../database/sql-state';
import { TransactionRunner } from '../database/transaction-runner';
import { assertCurrency } from '../money/currency';
import {
  AccountResponse,
  CreateEarmarkRequest,
  CreateFundRequest,
  EarmarkResponse,
  FundResponse,
} from './dto/fund.dto';
import { EarmarkCodeTakenError, FundCodeTakenError, FundNotFoundError } from './funds.errors';
import { AccountRow, EarmarkRow, FundRow, FundsRepository } from './funds.repository';

@Injectable()
export class FundsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly transactions: TransactionRunner,
    private readonly repository: FundsRepository,
    private readonly audit: AuditService,
  ) {}

  /** Creates a fund with its chart of accounts and earmarks (always UNEARMARKED), at once. */
  async create(actor: Actor, request: CreateFundRequest): Promise<FundResponse> {
    assertCurrency(request.functionalCurrency);
    const earmarks = [
      { code: 'UNEARMARKED', name: 'Unearmarked' },
      ...(request.earmarks ?? []),
    ].filter((e, i, all) => all.findIndex((other) => other.code === e.code) === i);
    try {
      return await this.transactions.run(async (manager) => {
        const fund = await this.repository.insertFund(manager, {
          code: request.code,
          name: request.name,
          functionalCurrency: request.functionalCurrency,
          createdBy: actor.id,
        });
        const rows: EarmarkRow[] = [];
        for (const earmark of earmarks) {
          rows.push(
            await this.repository.insertEarmark(manager, {
              ...earmark,
              fundId: fund.id,
              createdBy: actor.id,
            }),
          );
        }
        const created = toFundResponse(fund, rows);
        await this.audit.record(manager, actor, {
          action: 'fund.create',
          entityType: 'fund',
          entityId: created.code,
          after: created,
        });
        return created;
      });
    } catch (error) {
      if (driverError(error)?.constraint === 'fund_code_key')
        throw new FundCodeTakenError(request.code);
      throw error;
    }
  }

  async addEarmark(
    actor: Actor,
    fundCode: string,
    request: CreateEarmarkRequest,
  ): Promise<EarmarkResponse> {
    try {
      return await this.transactions.run(async (manager) => {
        const fund = await this.requireFund(manager, fundCode);
        const row = await this.repository.insertEarmark(manager, {
          fundId: fund.id,
          code: request.code,
          name: request.name,
          createdBy: actor.id,
        });
        const created = toEarmarkResponse(row);
        await this.audit.record(manager, actor, {
          action: 'fund.earmark.add',
          entityType: 'earmark',
          entityId: `${fund.code}/${created.code}`,
          after: { fund: fund.code, ...created },
        });
        return created;
      });
    } catch (error) {
      if (driverError(error)?.constraint === 'earmark_fund_code_key') {
        throw new EarmarkCodeTakenError(fundCode, request.code);
      }
      throw error;
    }
  }

  async list(): Promise<FundResponse[]> {
    const manager = this.dataSource.manager;
    const funds = await this.repository.listFunds(manager);
    return Promise.all(
      funds.map(async (fund) =>
        toFundResponse(fund, await this.repository.earmarks(manager, fund.id)),
      ),
    );
  }

  async get(code: string): Promise<FundResponse> {
    const manager = this.dataSource.manager;
    const fund = await this.requireFund(manager, code);
    return toFundResponse(fund, await this.repository.earmarks(manager, fund.id));
  }

  async chartOfAccounts(code: string): Promise<AccountResponse[]> {
    const manager = this.dataSource.manager;
    const fund = await this.requireFund(manager, code);
    return (await this.repository.accounts(manager, fund.id)).map(toAccountResponse);
  }

  /** The fund with this code, read in the caller's transaction; 404 if there is none. */
  async requireFund(manager: EntityManager, code: string): Promise<FundRow> {
    const fund = await this.repository.findFund(manager, code);
    if (fund === undefined) throw new FundNotFoundError(code);
    return fund;
  }

  accounts(manager: EntityManager, fundId: string): Promise<AccountRow[]> {
    return this.repository.accounts(manager, fundId);
  }

  earmarks(manager: EntityManager, fundId: string): Promise<EarmarkRow[]> {
    return this.repository.earmarks(manager, fundId);
  }
}

function toEarmarkResponse(row: EarmarkRow): EarmarkResponse {
  return { id: row.id, code: row.code, name: row.name };
}

function toFundResponse(fund: FundRow, earmarks: EarmarkRow[]): FundResponse {
  return {
    id: fund.id,
    code: fund.code,
    name: fund.name,
    functionalCurrency: fund.functional_currency,
    earmarks: earmarks.map(toEarmarkResponse),
    createdBy: fund.created_by,
    createdAt: new Date(fund.created_at).toISOString(),
  };
}

export function toAccountResponse(row: AccountRow): AccountResponse {
  return {
    id: row.id,
    code: row.code,
    name: row.name,
    kind: row.kind,
    dimensions: {
      donor: row.donor_dimension,
      earmark: row.earmark_dimension,
      bankAccount: row.bank_account_dimension,
    },
  };
}
