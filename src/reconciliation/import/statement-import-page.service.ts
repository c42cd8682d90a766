import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { BankAccountsService } from '../../bank-accounts/bank-accounts.service';
import { FieldError } from '../../common/errors/problem';
import { FundsService } from '../../funds/funds.service';
import { money } from '../../pledges/pledges-page.service';
import { field, formKey, isFormRefusal, validated } from '../../web/page-forms';
import { FormBody, PageResult } from '../../web/page-response';
import { Viewer, ViewRenderer } from '../../web/view-renderer';
import { uiText } from '../../web/ui-i18n';
import { messageOf } from '../../receipts/pages/page-messages';
import {
  ImportedStatementResponse,
  ImportStatementRequest,
  STATEMENT_FORMATS,
} from './dto/statement-import.dto';
import { StatementImportService } from './statement-import.service';

const WRITERS = ['finance_officer'];
/** The import form's fields, each with the id an error links to. */
const FORM_FIELDS: ReadonlySet<string> = new Set(['account', 'fileName', 'format', 'content']);

interface ImportForm {
  account: string;
  fileName: string;
  format: string;
  content: string;
}

/**
 * The statement pages: the imported statements, the import form (the file's text pasted, with
 * its name: camt.053, MT940 and CSV are text), and a statement's page with its lines. The form
 * goes through the API's validation and StatementImportService, as the API does.
 */
@Injectable()
export class StatementImportPageService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly imports: StatementImportService,
    private readonly funds: FundsService,
    private readonly bankAccounts: BankAccountsService,
    private readonly views: ViewRenderer,
  ) {}

  async list(query: Record<string, unknown>, viewer: Viewer): Promise<string> {
    const bankAccount =
      typeof query.bankAccount === 'string' && query.bankAccount !== ''
        ? query.bankAccount
        : undefined;
    const page = await this.imports.list({ bankAccount });
    return this.views.render(
      'bank-statements',
      {
        title: uiText('bank.statements.title'),
        active: 'bank-reconciliation',
        statements: page.items.map(toRow),
        canImport: mayWrite(viewer),
      },
      viewer,
    );
  }

  importForm(viewer: Viewer): Promise<string> {
    return this.renderForm(
      { account: '', fileName: '', format: '', content: '' },
      [],
      null,
      viewer,
    );
  }

  async submit(body: FormBody, viewer: Viewer): Promise<PageResult> {
    const form: ImportForm = {
      account: field(body, 'account'),
      fileName: field(body, 'fileName').trim(),
      format: field(body, 'format'),
      content: field(body, 'content'),
    };
    const [fund, bankAccount] = form.account.includes('|') ? form.account.split('|') : ['', ''];
    const request: Record<string, unknown> = {
      bankAccount,
      fileName: form.fileName,
      content: Buffer.from(form.content, 'utf8').toString('base64'),
    };
    if (fund !== '') request.fund = fund;
    if (form.format !== '') request.format = form.format;
    try {
      const valid = await validated(ImportStatementRequest, request);
      const result = await this.imports.upload(
        viewer.actor!,
        valid,
        formKey(body, '/bank-statements/import', request),
      );
      const first = result.body.statements[0];
      return { redirect: `/bank-statements/${first.id}?done=imported` };
    } catch (error) {
      if (!isFormRefusal(error)) throw error;
      const html = await this.renderForm(form, error.errors ?? [], error.detail, viewer);
      return { status: error.status, html };
    }
  }

  async detail(id: string, query: Record<string, unknown>, viewer: Viewer): Promise<string> {
    const statement = await this.imports.get(id);
    return this.views.render(
      'bank-statement',
      {
        title: uiText('bank.statement.title', { id: statement.statementId }),
        active: 'bank-reconciliation',
        statement: toRow(statement),
        notice: query.done === 'imported' ? uiText('bank.statement.imported') : null,
        lines: statement.lines.map((line) => ({
          ...line,
          amountText: money(line.amount),
          credit: !line.amount.amount.startsWith('-'),
          instructedText: line.instructedAmount === null ? null : money(line.instructedAmount),
        })),
      },
      viewer,
    );
  }

  private async renderForm(
    form: ImportForm,
    errors: readonly FieldError[],
    formError: string | null,
    viewer: Viewer,
  ): Promise<string> {
    const groups = [];
    for (const fund of await this.funds.list()) {
      const accounts = await this.bankAccounts.list(this.dataSource.manager, fund.code);
      groups.push({ fund: fund.code, accounts });
    }
    const fieldErrors: Record<string, string> = {};
    const summary: { href: string | null; message: string }[] = [];
    for (const error of errors) {
      const name =
        error.field === 'fund' || error.field === 'bankAccount' ? 'account' : error.field;
      if (fieldErrors[name] !== undefined) continue;
      fieldErrors[name] = messageOf(error);
      // Only fields the form has get a link; the rest is said in the summary's text.
      summary.push({ href: FORM_FIELDS.has(name) ? `#${name}` : null, message: fieldErrors[name] });
    }
    return this.views.render(
      'bank-statement-import',
      {
        title: uiText('bank.import.title'),
        active: 'bank-reconciliation',
        formError: summary.length > 0 ? null : formError,
        errorSummary: summary,
        errors: fieldErrors,
        form,
        formats: STATEMENT_FORMATS.map((value) => ({ value, selected: value === form.format })),
        accountGroups: groups.map((group) => ({
          label: group.fund,
          accounts: group.accounts.map((account) => ({
            value: `${group.fund}|${account.code}`,
            label: `${account.code} — ${account.name} (${account.currency})`,
            selected: `${group.fund}|${account.code}` === form.account,
          })),
        })),
        hasAccounts: groups.some((group) => group.accounts.length > 0),
        formKey: randomUUID(),
      },
      viewer,
    );
  }
}

function toRow(statement: ImportedStatementResponse): Record<string, unknown> {
  return {
    ...statement,
    href: `/bank-statements/${statement.id}`,
    openingText: money(statement.opening),
    closingText: money(statement.closing),
    creditsText: money(statement.credits),
    debitsText: money(statement.debits),
  };
}

function mayWrite(viewer: Viewer): boolean {
  return viewer.actor?.roles.some((role) => WRITERS.includes(role)) ?? false;
}
