import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { BankAccountsService } from '../../bank-accounts/bank-accounts.service';
import { todayUtc } from '../../common/calendar-date';
import { AppError } from '../../common/errors/app-error';
import { createValidationPipe } from '../../common/validation';
import { money } from '../../pledges/pledges-page.service';
import { Viewer, ViewRenderer } from '../../web/view-renderer';
import { uiText } from '../../web/ui-i18n';
import { BankReconciliationService, DEFAULT_FUND } from './bank-reconciliation.service';
import { BankReconciliationQuery, BankReconciliationResponse } from './dto/bank-reconciliation.dto';

const PAGE_PATH = '/bank-reconciliation/report';
const API_PATH = '/api/v1/bank-reconciliation/report';

/** The reconciliation's page: the same figures as the API, with account and as-of selectors. */
@Injectable()
export class BankReconciliationPageService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly reconciliation: BankReconciliationService,
    private readonly bankAccounts: BankAccountsService,
    private readonly views: ViewRenderer,
  ) {}

  async page(query: Record<string, unknown>, viewer: Viewer): Promise<string> {
    const raw: Record<string, string> = {};
    for (const name of ['bankAccount', 'asOf']) {
      const value = query[name];
      if (typeof value === 'string' && value.trim() !== '') raw[name] = value.trim();
    }
    const accounts = await this.bankAccounts.list(this.dataSource.manager, DEFAULT_FUND);
    // Without a choice, the first account of the fund: the page is useful at once.
    const bankAccount = raw.bankAccount ?? accounts[0]?.code;
    let error: string | null = null;
    let report: BankReconciliationResponse | null = null;
    if (bankAccount !== undefined) {
      try {
        const parsed = (await createValidationPipe().transform(
          { ...raw, bankAccount },
          { type: 'query', metatype: BankReconciliationQuery },
        )) as BankReconciliationQuery;
        report = await this.reconciliation.report(parsed);
      } catch (caught) {
        if (!(caught instanceof AppError) || caught.status !== 422) throw caught;
        error = caught.detail;
      }
    }
    const asOf = report?.asOf ?? raw.asOf ?? todayUtc();
    const csv = new URLSearchParams({ bankAccount: bankAccount ?? '', asOf, format: 'csv' });
    return this.views.render(
      'bank-reconciliation',
      {
        title: uiText('bank.report.title'),
        active: 'reports',
        error,
        asOf,
        noAccounts: accounts.length === 0,
        accountOptions: accounts.map((account) => ({
          value: account.code,
          label: `${account.code} — ${account.name} (${account.currency})`,
          selected: account.code === bankAccount,
        })),
        csvHref: `${API_PATH}?${csv.toString()}`,
        clearHref: PAGE_PATH,
        report: report === null ? null : toView(report),
      },
      viewer,
    );
  }
}

function toView(report: BankReconciliationResponse): Record<string, unknown> {
  const statement = report.statement;
  return {
    account: `${report.bankAccount.code} — ${report.bankAccount.name}`,
    currency: report.bankAccount.currency,
    foreign: report.basis === 'transaction',
    statement:
      statement === null
        ? null
        : {
            statementId: statement.statementId,
            sequence: statement.sequence,
            fileName: statement.fileName,
            closingDate: statement.closingDate,
            continuityWarning: statement.continuityWarning,
          },
    statementBalance: money(report.statementBalance),
    ledgerBalance: money(report.ledgerBalance),
    receipts: report.inLedgerNotOnBank.receipts.map((receipt) => ({
      href: `/receipts/${receipt.receiptId}`,
      number: receipt.number,
      valueDate: receipt.valueDate,
      remitterName: receipt.remitterName,
      bankReference: receipt.bankReference,
      gross: money(receipt.gross),
      charges: money(receipt.charges),
      net: money(receipt.net),
    })),
    movements: report.inLedgerNotOnBank.movements.map((movement) => ({
      entryNumber: movement.entryNumber,
      entryDate: movement.entryDate,
      sourceType: movement.sourceType,
      description: movement.description,
      amount: money(movement.amount),
    })),
    lines: report.onBankNotInLedger.lines.map((line) => ({
      statementId: line.statementId,
      lineNo: line.lineNo,
      bookingDate: line.bookingDate,
      counterpartyName: line.counterpartyName,
      remittanceText: line.remittanceText ?? line.bankReference,
      amount: money(line.amount),
    })),
    noInLedger:
      report.inLedgerNotOnBank.receipts.length === 0 &&
      report.inLedgerNotOnBank.movements.length === 0,
    noOnBank: report.onBankNotInLedger.lines.length === 0,
    inLedgerTotal: money(report.inLedgerNotOnBank.total),
    onBankTotal: money(report.onBankNotInLedger.total),
    explainedBalance: money(report.explainedBalance),
    difference: money(report.difference),
    reconciled: report.reconciled,
  };
}
