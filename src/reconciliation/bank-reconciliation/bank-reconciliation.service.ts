import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { CalendarDate, todayUtc } from '../../common/calendar-date';
import { FieldError } from '../../common/errors/problem';
import { FundNotFoundError } from '../../funds/funds.errors';
import { FundRow } from '../../funds/funds.repository';
import { FundsService } from '../../funds/funds.service';
import { Money } from '../../money/money';
import { BankReconciliationQuery, BankReconciliationResponse } from './dto/bank-reconciliation.dto';
import { InvalidBankReconciliationQueryError } from './bank-reconciliation.errors';
import { Basis, BankReconciliationRepository } from './bank-reconciliation.repository';

export const DEFAULT_FUND = 'WSIS-TF';

/**
 * The bank-to-ledger reconciliation of one bank account as of a date:
 *   ledger balance + on the bank, not in the ledger − in the ledger, not on the bank
 *     = explained balance, and statement balance − explained balance = difference,
 * zero when every movement is accounted for. All amounts are minor units of the account's
 * currency (the fund currency's figures for an account in it, the transaction amounts for a
 * foreign-currency account), never floats.
 */
@Injectable()
export class BankReconciliationService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly funds: FundsService,
    private readonly repository: BankReconciliationRepository,
  ) {}

  async report(query: BankReconciliationQuery): Promise<BankReconciliationResponse> {
    // Reads only, outside any transaction: several consistent-enough snapshots are acceptable
    // for a report; the figures of one request come from one manager.
    const manager = this.dataSource.manager;
    const fundCode = query.fund ?? DEFAULT_FUND;
    const asOf: CalendarDate = query.asOf ?? todayUtc();
    let fund: FundRow;
    try {
      fund = await this.funds.requireFund(manager, fundCode);
    } catch (error) {
      if (!(error instanceof FundNotFoundError)) throw error;
      throw invalid({ field: 'fund', rule: 'exists', reason: `there is no fund ${fundCode}` });
    }
    const account = await this.repository.account(manager, fund.id, query.bankAccount);
    if (account === undefined) {
      throw invalid({
        field: 'bankAccount',
        rule: 'exists',
        reason: `fund ${fund.code} has no bank account ${query.bankAccount}`,
      });
    }
    const currency = account.currency;
    const basis: Basis = currency === fund.functional_currency ? 'functional' : 'transaction';
    const statement = await this.repository.statement(manager, account.id, asOf);
    const ledgerMinor = await this.repository.ledgerBalance(
      manager,
      account.id,
      asOf,
      basis,
      currency,
    );
    const receipts = await this.repository.unbankedReceipts(manager, account.id, asOf);
    const movements = await this.repository.unbankedMovements(
      manager,
      account.id,
      asOf,
      basis,
      currency,
    );
    const lines = await this.repository.unrecordedLines(manager, account.id, asOf);

    const m = (minor: bigint | string): Money => Money.fromMinor(minor, currency);
    const nets = receipts.map((row) => m(row.gross_minor).subtract(m(row.charges_minor)));
    const moved = movements.map((row) => m(row.amount_minor));
    const banked = lines.map((row) => m(row.amount_minor));

    const inLedger = Money.sum(currency, [...nets, ...moved]);
    const onBank = Money.sum(currency, banked);
    const ledger = m(ledgerMinor);
    const statementBalance =
      statement === undefined ? Money.zero(currency) : m(statement.closing_minor);
    const explained = ledger.add(onBank).subtract(inLedger);
    const difference = statementBalance.subtract(explained);

    return {
      fund: fund.code,
      asOf,
      bankAccount: { id: account.id, code: account.code, name: account.name, currency },
      basis,
      statement:
        statement === undefined
          ? null
          : {
              id: statement.id,
              statementId: statement.statement_id,
              sequence: statement.sequence,
              fileName: statement.file_name,
              format: statement.format,
              openingDate: statement.opening_date,
              openingBalance: Money.fromMinor(statement.opening_minor, statement.currency).toJSON(),
              closingDate: statement.closing_date,
              closingBalance: Money.fromMinor(statement.closing_minor, statement.currency).toJSON(),
              continuityWarning: statement.continuity_warning,
            },
      statementBalance: statementBalance.toJSON(),
      ledgerBalance: ledger.toJSON(),
      inLedgerNotOnBank: {
        receipts: receipts.map((row, index) => ({
          receiptId: row.id,
          number: row.number,
          valueDate: row.value_date,
          remitterName: row.remitter_name,
          bankReference: row.bank_reference,
          gross: m(row.gross_minor).toJSON(),
          charges: m(row.charges_minor).toJSON(),
          net: nets[index].toJSON(),
        })),
        movements: movements.map((row, index) => ({
          entryId: row.entry_id,
          entryNumber: row.entry_number,
          entryDate: row.entry_date,
          sourceType: row.source_type,
          description: row.description,
          amount: moved[index].toJSON(),
        })),
        total: inLedger.toJSON(),
      },
      onBankNotInLedger: {
        lines: lines.map((row, index) => ({
          lineId: row.id,
          statementId: row.statement_id,
          lineNo: row.line_no,
          bookingDate: row.booking_date,
          valueDate: row.value_date,
          amount: banked[index].toJSON(),
          counterpartyName: row.counterparty_name,
          remittanceText: row.remittance_text,
          bankReference: row.bank_reference,
        })),
        total: onBank.toJSON(),
      },
      explainedBalance: explained.toJSON(),
      difference: difference.toJSON(),
      reconciled: difference.isZero(),
    };
  }
}

function invalid(error: FieldError): InvalidBankReconciliationQueryError {
  return new InvalidBankReconciliationQueryError([error]);
}
