import { Injectable } from '@nestjs/common';
import { Actor } from '../../common/actor';
import { DonorsService } from '../../donors/donors.service';
import { AppError } from '../../common/errors/app-error';
import { FieldError } from '../../common/errors/problem';
import { money } from '../../pledges/pledges-page.service';
import { messageOf, pageCheck } from '../../receipts/pages/page-messages';
import { field, validated, validatedWith } from '../../web/page-forms';
import { FormBody, PageResult } from '../../web/page-response';
import { formatNumber, hasUiText, uiText } from '../../web/ui-i18n';
import { Viewer, ViewRenderer } from '../../web/view-renderer';
import {
  CLASSIFICATIONS,
  ConfirmLineRequest,
  CreateReceiptFromLineRequest,
  LINE_STATUSES,
  ListLinesQuery,
  LineStatus,
  NOT_CONTRIBUTION_ACCOUNTS,
  NotContributionRequest,
  RejectSuggestionRequest,
} from './dto/matching.dto';
import { LinesResponse, MatchingService } from './matching.service';

/** The donors offered in the create-receipt form's select, as on the receipt form. */
const DONOR_CHOICES = 200;
const ACTIONS = ['confirm', 'reject', 'not-contribution', 'create-receipt'] as const;
type Action = (typeof ACTIONS)[number];
/** The actions whose form is on the line (with fields and a confirmation box). */
type FormAction = Extract<Action, 'not-contribution' | 'create-receipt'>;

/** A refused action: the workbench again, its form open with what was typed and why. */
interface ActionState {
  lineId: string;
  action: Action;
  values: Record<string, string | boolean>;
  errors: Record<string, string>;
  formError: string | null;
}

/** The ids the fields of a line's forms carry (errors at the top link to them). */
const FIELD_PREFIX: Record<FormAction, string> = {
  'create-receipt': 'create',
  'not-contribution': 'nc',
};
const FORM_FIELDS: Record<FormAction, readonly string[]> = {
  'create-receipt': ['donorId', 'confirm'],
  'not-contribution': ['classification', 'account', 'description', 'confirm'],
};

/**
 * The reasons the matching engine gives (matching-engine.ts), in the interface's language: each
 * pattern the engine writes, with the catalogue text it stands for (bank.workbench.reasonTexts).
 * A reason no pattern reads is shown as the engine wrote it.
 */
const REASONS: ReadonlyArray<{ pattern: RegExp; key: string; names: readonly string[] }> = [
  { pattern: /^name '(.*)' confirmed for this donor before$/, key: 'learned', names: ['name'] },
  { pattern: /^name matches donor '(.*)'$/, key: 'nameMatches', names: ['donor'] },
  {
    pattern: /^name close to donor '(.*)' \((\d+\.\d+)\)$/,
    key: 'nameClose',
    names: ['donor', 'score'],
  },
  {
    pattern: /^name close to remitter '(.*)' \((\d+\.\d+)\)$/,
    key: 'remitterClose',
    names: ['name', 'score'],
  },
  { pattern: /^bank reference (.+)$/, key: 'bankReference', names: ['reference'] },
  { pattern: /^end-to-end id (.+)$/, key: 'endToEnd', names: ['reference'] },
  { pattern: /^pledge reference (.+)$/, key: 'pledgeReference', names: ['references'] },
  { pattern: /^exact amount$/, key: 'exactAmount', names: [] },
  {
    pattern: /^amount (-?\d+\.\d{2}) below the gross \(bank charges\)$/,
    key: 'belowGross',
    names: ['amount'],
  },
  {
    pattern: /^amount differs by (-?\d+\.\d{2}) \(within the tolerance\)$/,
    key: 'differsBy',
    names: ['amount'],
  },
  { pattern: /^same value date$/, key: 'sameDate', names: [] },
  { pattern: /^value date (\d+) day\(s\) apart$/, key: 'daysApart', names: ['days'] },
  {
    pattern: /^(\d+) receipts of the donor add up to the amount$/,
    key: 'receiptsAddUp',
    names: ['count'],
  },
  { pattern: /^(\d+) bank lines add up to the receipt$/, key: 'linesAddUp', names: ['count'] },
];

function reasonText(reason: string): string {
  for (const { pattern, key, names } of REASONS) {
    const match = pattern.exec(reason);
    if (match === null) continue;
    const params = Object.fromEntries(
      names.map((name, index) => {
        const value = match[index + 1];
        if (name === 'amount') return [name, formatNumber(value)];
        if (name === 'score') return [name, formatNumber(value)];
        return [name, value];
      }),
    );
    return uiText(`bank.workbench.reasonTexts.${key}`, params);
  }
  return reason;
}

/** A label of the interface for a code (a queue, a kind of match), or the code without one. */
function labelOf(key: string, code: string): string {
  return hasUiText(key) ? uiText(key) : code;
}

/** The workbench: lines of a bank account by queue, suggestions with reasons, open receipts. */
@Injectable()
export class MatchingPageService {
  constructor(
    private readonly matching: MatchingService,
    private readonly donors: DonorsService,
    private readonly views: ViewRenderer,
  ) {}

  async workbench(
    query: Record<string, unknown>,
    viewer: Viewer,
    state?: ActionState,
  ): Promise<string> {
    const accounts = await this.matching.accounts();
    const code = typeof query.bankAccount === 'string' ? query.bankAccount : accounts[0]?.code;
    const fund =
      typeof query.fund === 'string' ? query.fund : (accounts[0]?.fund_code ?? 'WSIS-TF');
    const queue = LINE_STATUSES.find((s) => s === query.status) ?? 'unmatched';
    let data: LinesResponse | null = null;
    let error: string | null = null;
    if (code !== undefined) {
      try {
        const request = await validated(ListLinesQuery, { fund, bankAccount: code, status: queue });
        data = await this.matching.lines(viewer.actor as Actor, request);
      } catch (caught) {
        if (!(caught instanceof AppError)) throw caught;
        error = caught.detail;
      }
    }
    const canAct = (viewer.actor?.roles ?? []).includes('finance_officer');
    const donors =
      canAct && queue === 'unmatched' && (data?.lines.length ?? 0) > 0
        ? (await this.donors.list(viewer.actor as Actor, { limit: DONOR_CHOICES, offset: 0 })).items
        : [];
    const back = (s: LineStatus) =>
      `/bank-reconciliation?fund=${encodeURIComponent(fund)}&bankAccount=${encodeURIComponent(code ?? '')}&status=${s}`;
    const queueLabel = (s: LineStatus) => uiText(`bank.workbench.queueLabels.${s}`);
    // A refusal of an action without a form of its own (confirm, reject, a line not there) is
    // said at the top; one of a line's forms is said beside its fields too.
    const formAction =
      state?.action === 'create-receipt' || state?.action === 'not-contribution'
        ? state.action
        : undefined;
    const errorSummary =
      state !== undefined && formAction !== undefined
        ? Object.entries(state.errors).map(([name, message]) => ({
            href: `#${FIELD_PREFIX[formAction]}-${state.lineId}-${name}`,
            message,
          }))
        : [];
    if (state?.formError != null) error = state.formError;
    const formOf = (lineId: string, action: FormAction, defaults: Record<string, string>) => {
      const mine = state?.lineId === lineId && state.action === action ? state : undefined;
      const values: Record<string, string | boolean> = {
        ...defaults,
        confirm: false,
        ...(mine?.values ?? {}),
      };
      return {
        open: mine !== undefined,
        values,
        errors: mine?.errors ?? {},
      };
    };
    const currency = data?.currency ?? '';
    return this.views.render(
      'matching-workbench',
      {
        title: uiText('bank.workbench.title'),
        active: 'bank-reconciliation',
        error,
        errorSummary,
        notice:
          typeof query.done === 'string' && hasUiText(`bank.workbench.done.${query.done}`)
            ? uiText(`bank.workbench.done.${query.done}`)
            : null,
        noAccounts: accounts.length === 0,
        fund,
        accountOptions: accounts.map((a) => ({
          value: a.code,
          label: `${a.fund_code} · ${a.code} (${a.currency})`,
          selected: a.code === code,
        })),
        queues: LINE_STATUSES.map((s) => ({
          href: back(s),
          label: queueLabel(s),
          count: data?.counts[s] ?? 0,
          current: s === queue,
        })),
        linesTitle: uiText('bank.workbench.linesTitle', { queue: queueLabel(queue) }),
        canAct: canAct && queue === 'unmatched',
        lines: (data?.lines ?? []).map((line) => {
          const create = formOf(line.id, 'create-receipt', { donorId: '' });
          const notContribution = formOf(line.id, 'not-contribution', {
            classification: CLASSIFICATIONS[0],
            account: NOT_CONTRIBUTION_ACCOUNTS[0],
            description: '',
          });
          return {
            ...line,
            valueDate: line.valueDate ?? line.bookingDate,
            amountText: money({ currency: line.currency, amount: line.amount }),
            counterpartyName: line.counterpartyName ?? '',
            remittanceText: line.remittanceText ?? '',
            bankReference: line.bankReference ?? '',
            credit: !line.amount.startsWith('-'),
            confirmHref: `/bank-reconciliation/lines/${line.id}/confirm`,
            rejectHref: `/bank-reconciliation/lines/${line.id}/reject`,
            notContributionHref: `/bank-reconciliation/lines/${line.id}/not-contribution`,
            createReceiptHref: `/bank-reconciliation/lines/${line.id}/create-receipt`,
            suggestions: line.suggestions.map((s) => ({
              ...s,
              single: s.receipts.length === 1 && s.lineIds.length === 1,
              firstReceipt: s.receipts[0]?.id ?? '',
              receiptIds: s.receipts.map((r) => r.id).join(','),
              receiptLabel: s.receipts
                .map((r) => `${r.number} (${money({ currency: line.currency, amount: r.amount })})`)
                .join(' + '),
              scoreText: formatNumber(s.score.toFixed(2)),
              reasons: s.reasons.map(reasonText),
            })),
            matches: line.matches.map((m) => ({
              ...m,
              kindLabel: labelOf(`bank.workbench.matchKinds.${m.kind}`, m.kind),
              receiptNumber: m.receiptNumber ?? '',
              classificationLabel:
                m.classification === null
                  ? ''
                  : labelOf(`bank.workbench.classifications.${m.classification}`, m.classification),
              amountText: money({ currency: line.currency, amount: m.amount }),
            })),
            createForm: {
              ...create,
              donorOptions: donors.map((donor) => ({
                value: donor.id,
                label: donor.name,
                selected: donor.id === create.values.donorId,
              })),
            },
            notContributionForm: {
              ...notContribution,
              classificationOptions: CLASSIFICATIONS.map((value) => ({
                value,
                label: uiText(`bank.workbench.classifications.${value}`),
                selected: value === notContribution.values.classification,
              })),
              accountOptions: NOT_CONTRIBUTION_ACCOUNTS.map((value) => ({
                value,
                label: uiText(`bank.workbench.accounts.${value}`),
                selected: value === notContribution.values.account,
              })),
            },
          };
        }),
        receipts:
          data?.openReceipts.map((r) => ({
            ...r,
            netText: money({ currency: r.currency, amount: r.net }),
            donor: r.donor ?? r.remitterName ?? '—',
          })) ?? [],
        currency,
        returnTo: back(queue),
      },
      viewer,
    );
  }

  async act(id: string, action: string, body: FormBody, viewer: Viewer): Promise<PageResult> {
    const returnTo = field(body, 'returnTo').startsWith('/bank-reconciliation')
      ? field(body, 'returnTo')
      : '/bank-reconciliation';
    const actor = viewer.actor as Actor;
    const join = (extra: string) => `${returnTo}${returnTo.includes('?') ? '&' : '?'}${extra}`;
    // A refusal shows the workbench again (the language switch leads back to it, not here).
    const again = (state: ActionState, status: number): Promise<PageResult> =>
      this.workbench(queryOf(returnTo), { ...viewer, path: returnTo }, state).then((html) => ({
        status,
        html,
      }));
    if (!(ACTIONS as readonly string[]).includes(action)) {
      return again(
        {
          lineId: id,
          action: 'confirm',
          values: {},
          errors: {},
          formError: uiText('bank.workbench.unknownAction'),
        },
        404,
      );
    }
    const confirmed = body.confirm !== undefined;
    const values: Record<string, string | boolean> = { confirm: confirmed };
    try {
      let status = 200;
      if (action === 'confirm') {
        const request = await validated(ConfirmLineRequest, {
          receiptIds: field(body, 'receiptIds')
            .split(',')
            .filter((s) => s !== ''),
        });
        status = (await this.matching.confirm(actor, id, request, undefined)).status;
      } else if (action === 'reject') {
        const request = await validated(RejectSuggestionRequest, {
          receiptId: field(body, 'receiptId'),
        });
        await this.matching.reject(actor, id, request, undefined);
      } else if (action === 'not-contribution') {
        values.classification = field(body, 'classification');
        values.account = field(body, 'account');
        values.description = field(body, 'description').trim();
        // The line is posted to the ledger: asked for with the box ticked, checked here.
        const extra: FieldError[] = confirmed
          ? []
          : [
              pageCheck(
                'confirm',
                'confirmed',
                uiText('bank.workbench.notContribution.confirmMissing'),
              ),
            ];
        const request = await validatedWith(
          NotContributionRequest,
          {
            classification: values.classification,
            account: values.account,
            description: values.description,
          },
          extra,
        );
        await this.matching.notContribution(actor, id, request, undefined);
      } else {
        const donorId = field(body, 'donorId').trim();
        values.donorId = donorId;
        // A receipt is recorded in the ledger: asked for with the box ticked, checked here.
        const extra: FieldError[] = confirmed
          ? []
          : [pageCheck('confirm', 'confirmed', uiText('bank.workbench.create.confirmMissing'))];
        const request = await validatedWith(
          CreateReceiptFromLineRequest,
          donorId === '' ? {} : { donorId, allocation: 'auto' },
          extra,
        );
        await this.matching.createReceipt(actor, id, request, undefined);
      }
      return { redirect: join(`done=${status === 202 ? 'approval' : action}`) };
    } catch (error) {
      if (!(error instanceof AppError) || error.status >= 500) throw error;
      const fields = FORM_FIELDS[action as FormAction] ?? [];
      const errors: Record<string, string> = {};
      const others: string[] = [];
      for (const fieldError of error.errors ?? []) {
        // Beside the field when the form has it; else said at the top, with the rest.
        if (fields.includes(fieldError.field)) errors[fieldError.field] ??= messageOf(fieldError);
        else others.push(messageOf(fieldError));
      }
      const formError =
        others.length > 0
          ? others.join('; ')
          : Object.keys(errors).length > 0
            ? null
            : error.detail;
      return again(
        { lineId: id, action: action as Action, values, errors, formError },
        error.status,
      );
    }
  }
}

/** The workbench's query (account, queue) from the address a form came from. */
function queryOf(returnTo: string): Record<string, unknown> {
  return Object.fromEntries(new URL(returnTo, 'http://workbench.invalid').searchParams);
}
