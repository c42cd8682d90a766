import { createHash } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { AuditService } from '../../audit/audit.service';
import { AuditChange } from '../../audit/audit.types';
import { Actor } from '../../common/actor';
import { FieldError } from '../../common/errors/problem';
import { IdempotencyRequest } from '../../common/idempotency/idempotency-key.decorator';
import { IdempotencyService } from '../../common/idempotency/idempotency.service';
import { IdempotentResult } from '../../common/idempotency/idempotent-result';
import { isUuid } from '../../common/uuid';
import { driverError } from '../../database/sql-state';
import { MoneyResponse } from '../../ledger/dto/journal.dto';
import { isSupportedCurrency } from '../../money/currency';
import { Money } from '../../money/money';
import { InvalidAmountError } from '../../money/money.errors';
import { parseStatements } from '../parsers/parse-statement';
import { CsvMapping, ParsedStatement, StatementParseError } from '../parsers/statement.types';
import {
  CsvMappingRequest,
  CsvMappingResponse,
  ImportedStatementResponse,
  ImportStatementRequest,
  ImportSummaryResponse,
  ListStatementsQuery,
  StatementLineResponse,
  StatementListResponse,
  StatementResponse,
} from './dto/statement-import.dto';
import {
  InvalidStatementImportError,
  StatementAlreadyImportedError,
  StatementBankAccountNotFoundError,
  StatementFileAlreadyImportedError,
  StatementNotFoundError,
  StatementUnreadableError,
} from './statement-import.errors';
import {
  ImportAccountRow,
  LineRow,
  NewLine,
  STATEMENT_ONCE_CONSTRAINT,
  StatementImportRepository,
  StatementRow,
} from './statement-import.repository';

const DEFAULT_FUND = 'WSIS-TF';

export interface StatementFile {
  fileName: string;
  sha256: string;
}

/** Account numbers compared as the bank-accounts module keeps them: no spaces, capitals. */
export function normaliseAccountIdentifier(value: string): string {
  return value.replace(/[\s-]/g, '').toUpperCase();
}

/**
 * Imports bank statements: a file's statements and all their lines in one transaction, or
 * nothing; each statement of an account once (by the bank's statement id), and each file once
 * (by its SHA-256). The balances are checked to follow on from the previous statement; a break
 * is kept with the statement as a warning, since the bank's file is what it is.
 */
@Injectable()
export class StatementImportService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly idempotency: IdempotencyService,
    private readonly audit: AuditService,
    private readonly repository: StatementImportRepository,
  ) {}

  upload(
    actor: Actor,
    request: ImportStatementRequest,
    idempotency: IdempotencyRequest | undefined,
  ): Promise<IdempotentResult<ImportSummaryResponse>> {
    const content = Buffer.from(request.content, 'base64');
    const file: StatementFile = {
      fileName: request.fileName.trim(),
      sha256: createHash('sha256').update(content).digest('hex'),
    };
    return this.translateConflicts(() =>
      this.idempotency.run(actor, idempotency, 201, async (manager) => {
        const account = await this.requireAccount(manager, request.fund, request.bankAccount);
        const mapping =
          request.format === 'csv' || /\.csv$/i.test(file.fileName)
            ? ((await this.repository.csvMapping(manager, account.id))?.mapping as CsvMapping)
            : undefined;
        let statements: ParsedStatement[];
        try {
          statements = parseStatements(file.fileName, content, {
            format: request.format,
            csvMapping: mapping,
          });
        } catch (error) {
          if (error instanceof StatementParseError) {
            throw new StatementUnreadableError(file.fileName, error.problem);
          }
          throw error;
        }
        return this.importParsed(manager, actor, account, file, statements);
      }),
    );
  }

  /**
   * Stores parsed statements in the caller's transaction, refusing the whole file on the first
   * problem (wrong account or currency, already imported, inexact amount). Audits last.
   */
  async importParsed(
    manager: EntityManager,
    actor: Actor,
    account: ImportAccountRow,
    file: StatementFile,
    statements: readonly ParsedStatement[],
  ): Promise<ImportSummaryResponse> {
    await this.repository.lockAccount(manager, account.id);
    if (statements.length === 0) {
      throw new InvalidStatementImportError([
        { field: 'content', rule: 'statements', reason: 'the file holds no statement' },
      ]);
    }
    const sameFile = await this.repository.byFile(manager, account.id, file.sha256);
    if (sameFile !== undefined) {
      throw new StatementFileAlreadyImportedError(
        sameFile.file_name,
        sameFile.imported_at,
        sameFile.imported_by,
        sameFile.id,
      );
    }
    const prepared = statements.map((statement, index) =>
      prepare(statement, index, account, statements.length),
    );
    const seen = new Set<string>();
    for (const { statement } of prepared) {
      if (seen.has(statement.statementId))
        throw new StatementAlreadyImportedError(statement.statementId);
      seen.add(statement.statementId);
      const existing = await this.repository.byStatementId(
        manager,
        account.id,
        statement.statementId,
      );
      if (existing !== undefined) {
        throw new StatementAlreadyImportedError(
          statement.statementId,
          existing.imported_at,
          existing.imported_by,
          existing.id,
        );
      }
    }
    // Oldest first, so that each statement of the file follows on from the one before it.
    const ordered = [...prepared].sort((a, b) =>
      a.closingDate < b.closingDate ? -1 : a.closingDate > b.closingDate ? 1 : a.index - b.index,
    );
    const ids = new Map<number, string>();
    const warnings: string[] = [];
    for (const item of ordered) {
      const previous = await this.repository.previous(manager, account.id, item.closingDate);
      if (item.netOnly) {
        item.opening = previous === undefined ? 0n : BigInt(previous.closing_minor);
        item.closing = item.opening + item.bookedSum;
      }
      const warning = continuityWarning(item, previous, account.currency);
      if (warning !== null) warnings.push(`${item.statement.statementId}: ${warning}`);
      const id = await this.repository.insertStatement(manager, {
        fundId: account.fund_id,
        bankAccountId: account.id,
        format: item.statement.format,
        fileName: file.fileName,
        fileSha256: file.sha256,
        statementId: item.statement.statementId,
        sequence: item.statement.sequence,
        accountIdentifier: item.statement.accountIdentifier,
        currency: account.currency,
        openingDate: item.openingDate,
        openingMinor: item.opening,
        closingDate: item.closingDate,
        closingMinor: item.closing,
        lineCount: item.lines.length,
        continuityWarning: warning,
        importedBy: actor.id,
      });
      await this.repository.insertLines(manager, id, account.id, item.lines);
      ids.set(item.index, id);
    }
    const imported: ImportedStatementResponse[] = [];
    for (const item of prepared) {
      imported.push(
        toStatementResponse((await this.repository.find(manager, ids.get(item.index)!))!),
      );
    }
    const summary: ImportSummaryResponse = {
      fileName: file.fileName,
      fileSha256: file.sha256,
      statements: imported,
      totals: {
        statements: imported.length,
        lines: imported.reduce((n, s) => n + s.lineCount, 0),
        credits: sumOf(
          imported.map((s) => s.credits),
          account.currency,
        ),
        debits: sumOf(
          imported.map((s) => s.debits),
          account.currency,
        ),
      },
      warnings,
    };
    const changes: AuditChange[] = imported.map((statement) => ({
      action: 'bank-statement.import',
      entityType: 'bank-statement',
      entityId: statement.id,
      after: { ...statement, fileSha256: file.sha256 },
    }));
    await this.audit.recordMany(manager, actor, changes);
    return summary;
  }

  async list(query: ListStatementsQuery): Promise<StatementListResponse> {
    const manager = this.dataSource.manager;
    const fund = query.fund ?? DEFAULT_FUND;
    if (query.bankAccount !== undefined)
      await this.requireAccount(manager, fund, query.bankAccount);
    const rows = await this.repository.list(manager, fund, query.bankAccount);
    return { items: rows.map(toStatementResponse) };
  }

  async get(id: string): Promise<StatementResponse> {
    const manager = this.dataSource.manager;
    const row = isUuid(id) ? await this.repository.find(manager, id) : undefined;
    if (row === undefined) throw new StatementNotFoundError(id);
    const lines = await this.repository.lines(manager, id);
    return { ...toStatementResponse(row), lines: lines.map(toLineResponse) };
  }

  /** Saves how the account's CSV exports are read; the next CSV upload uses it. */
  saveCsvMapping(
    actor: Actor,
    code: string,
    fund: string | undefined,
    mapping: CsvMappingRequest,
    idempotency: IdempotencyRequest | undefined,
  ): Promise<IdempotentResult<CsvMappingResponse>> {
    return this.idempotency.run(actor, idempotency, 200, async (manager) => {
      const account = await this.requireAccount(manager, fund, code);
      if (
        mapping.columns.amount === undefined &&
        mapping.columns.debit === undefined &&
        mapping.columns.credit === undefined
      ) {
        throw new InvalidStatementImportError([
          {
            field: 'columns.amount',
            rule: 'required',
            reason: 'name an amount column, or debit and credit columns',
          },
        ]);
      }
      if (mapping.currency !== undefined && !isSupportedCurrency(mapping.currency)) {
        throw new InvalidStatementImportError([
          {
            field: 'currency',
            rule: 'isCurrency',
            reason: `${String(mapping.currency)} is not a supported currency`,
          },
        ]);
      }
      const before = await this.repository.csvMapping(manager, account.id);
      const plain = JSON.parse(JSON.stringify(mapping)) as CsvMappingRequest;
      const row = await this.repository.saveCsvMapping(manager, account.id, plain, actor.id);
      const response: CsvMappingResponse = {
        fund: account.fund_code,
        bankAccount: account.code,
        mapping: row.mapping as CsvMappingRequest,
        updatedBy: row.updated_by,
        updatedAt: row.updated_at.toISOString(),
      };
      await this.audit.record(manager, actor, {
        action: 'bank-account.csv-mapping',
        entityType: 'bank-account',
        entityId: account.id,
        before: before?.mapping,
        after: response.mapping,
      });
      return response;
    });
  }

  /** The fund's bank account by code, for the pages' choices and the API. */
  async requireAccount(
    manager: EntityManager,
    fund: string | undefined,
    code: string,
  ): Promise<ImportAccountRow> {
    const fundCode = fund ?? DEFAULT_FUND;
    const account = await this.repository.account(manager, fundCode, code);
    if (account === undefined) throw new StatementBankAccountNotFoundError(fundCode, code);
    return account;
  }

  // Two uploads of the same statement at once: the second meets the unique index.
  private async translateConflicts<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      const fields = driverError(error);
      if (fields?.constraint === STATEMENT_ONCE_CONSTRAINT) {
        const id = /\(bank_account_id, statement_id\)=\([^,]+, (.*)\)/.exec(
          fields.detail ?? '',
        )?.[1];
        throw new StatementAlreadyImportedError(id ?? 'in this file');
      }
      throw error;
    }
  }
}

interface PreparedStatement {
  index: number;
  statement: ParsedStatement;
  opening: bigint;
  /** False when the file gave no opening balance (taken then from the previous statement). */
  hasOpening: boolean;
  /** A CSV export: no balances, its "closing" is the net movement, added to the previous closing. */
  netOnly: boolean;
  openingDate: string | null;
  closing: bigint;
  closingDate: string;
  lines: NewLine[];
  bookedSum: bigint;
}

/** Checks a parsed statement against the account and reads its amounts exactly (422 if not). */
function prepare(
  statement: ParsedStatement,
  index: number,
  account: ImportAccountRow,
  count: number,
): PreparedStatement {
  const at = count === 1 ? 'statement' : `statements[${index}]`;
  const errors: FieldError[] = [];
  const identifier = normaliseAccountIdentifier(statement.accountIdentifier ?? '');
  const expected = normaliseAccountIdentifier(account.account_number);
  // A CSV export names no account (the parser puts the file name there): the mapping saved for
  // the chosen account is what ties the file to it.
  if (statement.format !== 'csv' && identifier !== expected) {
    errors.push({
      field: 'bankAccount',
      rule: 'sameAccount',
      reason:
        identifier === ''
          ? `statement ${statement.statementId} names no account`
          : `statement ${statement.statementId} is of account ${identifier}, not of ` +
            `${account.code} (${expected})`,
    });
  }
  if (statement.currency !== account.currency) {
    errors.push({
      field: 'bankAccount',
      rule: 'sameCurrency',
      reason: `statement ${statement.statementId} is in ${statement.currency}; bank account ${account.code} is in ${account.currency}`,
    });
  }
  if (!statement.statementId?.trim()) {
    errors.push({
      field: `${at}.statementId`,
      rule: 'required',
      reason: 'the statement has no id',
    });
  }
  if (errors.length > 0) throw new InvalidStatementImportError(errors);
  const currency = account.currency;
  const amount = (field: string, value: string, ccy = currency): bigint | null => {
    try {
      return Money.parse(value, ccy).minor;
    } catch (error) {
      if (!(error instanceof InvalidAmountError)) throw error;
      errors.push({ field, rule: 'exactAmount', reason: `${value}: ${error.message}` });
      return null;
    }
  };
  const opening =
    statement.opening === null ? null : amount(`${at}.opening`, statement.opening.amount);
  const closing = amount(`${at}.closing`, statement.closing.amount);
  const lines: NewLine[] = [];
  let bookedSum = 0n;
  statement.entries.forEach((entry, i) => {
    const field = `${at}.entries[${i}]`;
    if (entry.currency !== currency) {
      errors.push({
        field,
        rule: 'sameCurrency',
        reason: `entry ${i + 1} is in ${entry.currency}, not ${currency}`,
      });
      return;
    }
    const minor = amount(`${field}.amount`, entry.amount);
    const instructed =
      entry.instructedAmount === null || !isSupportedCurrency(entry.instructedAmount.currency)
        ? null
        : amount(
            `${field}.instructedAmount`,
            entry.instructedAmount.amount,
            entry.instructedAmount.currency,
          );
    if (minor === null) return;
    if (minor === 0n) {
      errors.push({
        field: `${field}.amount`,
        rule: 'notZero',
        reason: `entry ${i + 1} has no amount`,
      });
      return;
    }
    if (entry.status === 'BOOK') bookedSum += minor;
    lines.push({
      lineNo: i + 1,
      bookingDate: entry.bookingDate,
      valueDate: entry.valueDate,
      amountMinor: minor,
      currency,
      status: entry.status,
      reversal: entry.reversal,
      bankReference: entry.bankReference,
      endToEndId: entry.endToEndId,
      counterpartyName: entry.counterpartyName,
      counterpartyAccount: entry.counterpartyAccount,
      remittanceText: entry.remittanceText,
      bankTransactionCode: entry.bankTransactionCode,
      instructedAmountMinor: instructed,
      instructedCurrency: instructed === null ? null : entry.instructedAmount!.currency,
      raw: entry.raw ?? {},
    });
  });
  if (errors.length > 0 || closing === null) throw new InvalidStatementImportError(errors);
  return {
    index,
    statement,
    opening: opening ?? closing - bookedSum,
    hasOpening: opening !== null,
    netOnly: statement.format === 'csv' && opening === null,
    openingDate: statement.opening?.date ?? null,
    closing,
    closingDate: statement.closing.date,
    lines,
    bookedSum,
  };
}

/** Why the balances do not follow on, or null when they do. */
function continuityWarning(
  item: PreparedStatement,
  previous: { statement_id: string; closing_date: string; closing_minor: string } | undefined,
  currency: string,
): string | null {
  const show = (minor: bigint): string => Money.of(minor, currency).toString();
  const problems: string[] = [];
  if (
    previous !== undefined &&
    item.hasOpening &&
    BigInt(previous.closing_minor) !== item.opening
  ) {
    problems.push(
      `the opening balance ${show(item.opening)} does not equal the closing balance ` +
        `${show(BigInt(previous.closing_minor))} of the previous statement ${previous.statement_id} ` +
        `(${previous.closing_date})`,
    );
  }
  if (item.hasOpening && item.opening + item.bookedSum !== item.closing) {
    problems.push(
      `the opening balance ${show(item.opening)} and the booked lines ${show(item.bookedSum)} ` +
        `make ${show(item.opening + item.bookedSum)}, not the closing balance ${show(item.closing)}`,
    );
  }
  return problems.length === 0 ? null : problems.join('; ');
}

function money(minor: string | bigint, currency: string): MoneyResponse {
  return { currency, amount: Money.fromMinor(minor, currency).toDecimalString() };
}

function sumOf(amounts: MoneyResponse[], currency: string): MoneyResponse {
  const total = amounts.reduce((sum, a) => sum + Money.parse(a.amount, currency).minor, 0n);
  return money(total, currency);
}

export function toStatementResponse(row: StatementRow): ImportedStatementResponse {
  return {
    id: row.id,
    fund: row.fund_code,
    bankAccount: {
      id: row.bank_account_id,
      code: row.bank_account_code,
      name: row.bank_account_name,
    },
    format: row.format,
    fileName: row.file_name,
    statementId: row.statement_id,
    sequence: row.sequence,
    accountIdentifier: row.account_identifier,
    currency: row.currency,
    openingDate: row.opening_date,
    opening: money(row.opening_minor, row.currency),
    closingDate: row.closing_date,
    closing: money(row.closing_minor, row.currency),
    lineCount: row.line_count,
    credits: money(row.credits_minor, row.currency),
    debits: money(row.debits_minor, row.currency),
    continuityWarning: row.continuity_warning,
    importedBy: row.imported_by,
    importedAt: row.imported_at.toISOString(),
  };
}

function toLineResponse(row: LineRow): StatementLineResponse {
  return {
    id: row.id,
    lineNo: row.line_no,
    bookingDate: row.booking_date,
    valueDate: row.value_date,
    amount: money(row.amount_minor, row.currency),
    status: row.status,
    reversal: row.reversal,
    bankReference: row.bank_reference,
    endToEndId: row.end_to_end_id,
    counterpartyName: row.counterparty_name,
    counterpartyAccount: row.counterparty_account,
    remittanceText: row.remittance_text,
    bankTransactionCode: row.bank_transaction_code,
    instructedAmount:
      row.instructed_amount_minor === null || row.instructed_currency === null
        ? null
        : money(row.instructed_amount_minor, row.instructed_currency),
  };
}
