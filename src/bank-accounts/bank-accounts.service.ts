import { Injectable } from '@nestjs/common';
import { electronicFormatIBAN, friendlyFormatIBAN, validateBIC, validateIBAN } from 'ibantools';
import { ValidationErrorsBIC, ValidationErrorsIBAN } from 'ibantools';
import { DataSource, EntityManager } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import { Actor } from '../common/actor';
import { FieldError } from '../common/errors/problem';
import { IdempotencyRequest } from '../common/idempotency/idempotency-key.decorator';
import { IdempotencyService } from '../common/idempotency/idempotency.service';
import { IdempotentResult } from '../common/idempotency/idempotent-result';
import { isUuid } from '../common/uuid';
import { driverError } from '../database/sql-state';
import { FundNotFoundError } from '../funds/funds.errors';
import { FundRow } from '../funds/funds.repository';
import { FundsService } from '../funds/funds.service';
import { isSupportedCurrency } from '../money/currency';
import {
  BankAccountCodeTakenError,
  BankAccountNotFoundError,
  BankAccountNumberTakenError,
  InvalidBankAccountError,
} from './bank-accounts.errors';
import {
  BankAccountRow,
  BankAccountsRepository,
  CODE_CONSTRAINT,
  NUMBER_CONSTRAINT,
} from './bank-accounts.repository';
import {
  BankAccountListResponse,
  BankAccountResponse,
  CreateBankAccountRequest,
  ListBankAccountsQuery,
} from './dto/bank-account.dto';

const DEFAULT_FUND = 'WSIS-TF';
/** What the database accepts as an account number once normalised. */
const ACCOUNT_NUMBER = /^[A-Z0-9]{5,34}$/;
/** Two letters (a country) and two digits (the check digits): read as an IBAN. */
const LOOKS_LIKE_IBAN = /^[A-Z]{2}[0-9]{2}/;

const IBAN_REASONS: Partial<Record<ValidationErrorsIBAN, string>> = {
  [ValidationErrorsIBAN.NoIBANCountry]: 'starts with a country code that has no IBAN',
  [ValidationErrorsIBAN.WrongBBANLength]: 'has the wrong length for its country',
  [ValidationErrorsIBAN.WrongBBANFormat]: 'does not have the format of its country',
  [ValidationErrorsIBAN.ChecksumNotNumber]: 'has check digits that are not a number',
  [ValidationErrorsIBAN.WrongIBANChecksum]:
    'has a wrong checksum (a digit is mistyped or two are swapped)',
  [ValidationErrorsIBAN.WrongAccountBankBranchChecksum]:
    'has a wrong national (bank, branch or account) check digit',
};

const BIC_REASONS: Partial<Record<ValidationErrorsBIC, string>> = {
  [ValidationErrorsBIC.NoBICCountry]: 'names a country that does not exist',
  [ValidationErrorsBIC.WrongBICFormat]:
    'must be 8 or 11 characters: bank (4 letters), country (2 letters), location (2), branch (3)',
};

/**
 * The bank accounts of a fund: where receipts arrive. Numbers are kept without spaces and in
 * capitals; an IBAN must pass its checksum, so that a mistyped digit is caught when the account
 * is entered, not when a statement fails to match.
 */
@Injectable()
export class BankAccountsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly idempotency: IdempotencyService,
    private readonly funds: FundsService,
    private readonly audit: AuditService,
    private readonly repository: BankAccountsRepository,
  ) {}

  async create(
    actor: Actor,
    request: CreateBankAccountRequest,
    idempotency: IdempotencyRequest | undefined,
  ): Promise<IdempotentResult<BankAccountResponse>> {
    const fundCode = request.fund ?? DEFAULT_FUND;
    try {
      return await this.idempotency.run(actor, idempotency, 201, async (manager) => {
        const { fund, accountNumber, bic } = await this.prepareCreate(manager, request, fundCode);
        const clashes = await this.repository.clashes(
          manager,
          fund.id,
          request.code,
          accountNumber,
        );
        const sameCode = clashes.find((row) => row.code === request.code);
        if (sameCode !== undefined) {
          throw new BankAccountCodeTakenError(fund.code, request.code, sameCode.name);
        }
        const sameNumber = clashes.find((row) => row.account_number === accountNumber);
        if (sameNumber !== undefined) {
          throw new BankAccountNumberTakenError(fund.code, accountNumber, sameNumber.code);
        }
        const id = await this.repository.insert(manager, {
          fundId: fund.id,
          code: request.code,
          name: request.name.trim(),
          bankName: request.bankName.trim(),
          accountNumber,
          bic,
          currency: request.currency,
          createdBy: actor.id,
        });
        const created = toBankAccountResponse((await this.repository.find(manager, id))!);
        await this.audit.record(manager, actor, {
          action: 'bank-account.create',
          entityType: 'bank-account',
          entityId: id,
          after: created,
        });
        return created;
      });
    } catch (error) {
      // Two people entering the same account at once: the second meets the unique index.
      const constraint = driverError(error)?.constraint;
      if (constraint === CODE_CONSTRAINT)
        throw new BankAccountCodeTakenError(fundCode, request.code);
      if (constraint === NUMBER_CONSTRAINT) {
        throw new BankAccountNumberTakenError(
          fundCode,
          normaliseAccountNumber(request.accountNumber),
        );
      }
      throw error;
    }
  }

  /** The accounts of one fund (all funds without `fund`); 422 for an unknown fund. */
  async find(query: ListBankAccountsQuery): Promise<BankAccountListResponse> {
    const manager = this.dataSource.manager;
    let fundId: string | undefined;
    if (query.fund !== undefined) {
      const errors: FieldError[] = [];
      fundId = (await this.fundOrFieldError(manager, query.fund, errors))?.id;
      if (fundId === undefined) throw new InvalidBankAccountError(errors);
    }
    const rows = await this.repository.list(manager, fundId);
    return { items: rows.map(toBankAccountResponse) };
  }

  /**
   * The accounts of a fund, by code, read in the caller's transaction: for pages and services
   * that offer a choice of account. Throws FundNotFoundError (404) for an unknown fund.
   */
  async list(manager: EntityManager, fundCode: string): Promise<BankAccountResponse[]> {
    const fund = await this.funds.requireFund(manager, fundCode);
    return (await this.repository.list(manager, fund.id)).map(toBankAccountResponse);
  }

  async get(id: string): Promise<BankAccountResponse> {
    const row = isUuid(id) ? await this.repository.find(this.dataSource.manager, id) : undefined;
    if (row === undefined) throw new BankAccountNotFoundError(id);
    return toBankAccountResponse(row);
  }

  /** Every field's problem reported at once; the normalised number and BIC when all is well. */
  private async prepareCreate(
    manager: EntityManager,
    request: CreateBankAccountRequest,
    fundCode: string,
  ): Promise<{ fund: FundRow; accountNumber: string; bic: string | null }> {
    const errors: FieldError[] = [];
    const fund = await this.fundOrFieldError(manager, fundCode, errors);
    for (const field of ['name', 'bankName'] as const) {
      if (request[field].trim() === '') {
        errors.push({ field, rule: 'notBlank', reason: `${field} must not be blank` });
      }
    }
    const accountNumber = normaliseAccountNumber(request.accountNumber);
    const numberProblem = accountNumberProblem(accountNumber);
    if (numberProblem !== undefined) errors.push(numberProblem);
    let bic: string | null = null;
    if (request.bic !== undefined && request.bic.trim() !== '') {
      bic = request.bic.replace(/\s+/g, '').toUpperCase();
      const result = validateBIC(bic);
      if (!result.valid) {
        errors.push({
          field: 'bic',
          rule: 'bic',
          reason: `${bic} is not a valid BIC: ${
            result.errorCodes.map((code) => BIC_REASONS[code]).find(Boolean) ??
            'it does not have the form of a BIC'
          }`,
        });
      }
    }
    if (!isSupportedCurrency(request.currency)) {
      errors.push({
        field: 'currency',
        rule: 'knownCurrency',
        reason: `${String(request.currency)} is not an active ISO 4217 currency`,
      });
    }
    if (errors.length > 0) throw new InvalidBankAccountError(errors);
    return { fund: fund as FundRow, accountNumber, bic };
  }

  private async fundOrFieldError(
    manager: EntityManager,
    code: string,
    errors: FieldError[],
  ): Promise<FundRow | undefined> {
    try {
      return await this.funds.requireFund(manager, code);
    } catch (error) {
      if (!(error instanceof FundNotFoundError)) throw error;
      errors.push({ field: 'fund', rule: 'exists', reason: `there is no fund ${code}` });
      return undefined;
    }
  }
}

/** Without spaces (of any kind), in capitals: how account numbers are kept and compared. */
export function normaliseAccountNumber(input: string): string {
  return input.replace(/\s+/g, '').toUpperCase();
}

function isIban(accountNumber: string): boolean {
  return LOOKS_LIKE_IBAN.test(accountNumber);
}

function accountNumberProblem(accountNumber: string): FieldError | undefined {
  if (isIban(accountNumber)) {
    const result = validateIBAN(electronicFormatIBAN(accountNumber) ?? accountNumber, {
      allowQRIBAN: true,
    });
    if (result.valid) return undefined;
    const checksum = result.errorCodes.includes(ValidationErrorsIBAN.WrongIBANChecksum);
    return {
      field: 'accountNumber',
      rule: checksum ? 'ibanChecksum' : 'iban',
      reason: `${accountNumber} is not a valid IBAN: it ${
        result.errorCodes.map((code) => IBAN_REASONS[code]).find(Boolean) ??
        'does not have the form of an IBAN'
      }`,
    };
  }
  if (!ACCOUNT_NUMBER.test(accountNumber)) {
    return {
      field: 'accountNumber',
      rule: 'accountNumber',
      reason: 'must be 5 to 34 letters and digits (spaces are left out)',
    };
  }
  return undefined;
}

export function toBankAccountResponse(row: BankAccountRow): BankAccountResponse {
  const iban = isIban(row.account_number);
  return {
    id: row.id,
    fund: row.fund_code,
    code: row.code,
    name: row.name,
    bankName: row.bank_name,
    accountNumber: row.account_number,
    iban,
    displayNumber: iban
      ? (friendlyFormatIBAN(row.account_number) ?? row.account_number)
      : row.account_number,
    bic: row.bic,
    currency: row.currency.trim(),
    createdBy: row.created_by,
    createdAt: new Date(row.created_at).toISOString(),
  };
}
