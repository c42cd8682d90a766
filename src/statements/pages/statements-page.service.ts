import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { STAFF } from '../../auth/roles';
import { todayUtc } from '../../common/calendar-date';
import { AppError } from '../../common/errors/app-error';
import { FieldError } from '../../common/errors/problem';
import { DonorsService } from '../../donors/donors.service';
import { FundsService } from '../../funds/funds.service';
import { MailService } from '../../mail/mail.service';
import { money } from '../../pledges/pledges-page.service';
import { ReceiptsService } from '../../receipts/receipts.service';
import { FormBody, pageLinks, PageResult } from '../../web/page-response';
import { field, formKey, isFormRefusal, validated, validatedWith } from '../../web/page-forms';
import { Viewer, ViewRenderer } from '../../web/view-renderer';
import { fieldMessage, uiText } from '../../web/ui-i18n';
import { AcknowledgementsService } from '../acknowledgements.service';
import { DOCUMENT_ISSUERS } from '../document-access';
import {
  CorrectDocumentRequest,
  IssueAcknowledgementRequest,
  IssuedDocumentResponse,
  IssueStatementRequest,
  ListDocumentsQuery,
  PreviewFormat,
  PreviewStatementRequest,
} from '../dto/issued-document.dto';
import { DocumentFile, IssuedDocumentsService } from '../issued-documents.service';
import { DocumentKind } from '../issued-documents.repository';
import { UN_LANGUAGES, UnLanguage } from '../statement-data.types';
import { StatementsService } from '../statements.service';

const PAGE_SIZE = 25;
const CHOICES = 200;

/**
 * A document language by its own name, and by its name in the interface's language for those
 * who do not read it ("Русский (Russian)", "Русский (russe)").
 */
export function languageName(language: UnLanguage): string {
  return uiText(`statements.languages.${language}`);
}

const KIND_TABS: { kind: DocumentKind; label: string }[] = [
  { kind: 'statement', label: 'statements.common.statements' },
  { kind: 'acknowledgement', label: 'statements.common.acknowledgements' },
];

/** The notices a redirect asks for (?done=…), by their catalogue keys. */
const DONE_NOTICES: ReadonlySet<string> = new Set(['issued', 'corrected', 'sent']);

/** The fields of the preview and issue forms, as typed. */
interface StatementForm {
  donorId: string;
  fund: string;
  from: string;
  to: string;
  language: string;
}

interface PageErrors {
  fields: Record<string, string>;
  summary: { href: string; message: string }[];
}

/** A required "I confirm" box that was not ticked, in the interface's language. */
function unconfirmed(body: FormBody, reasonKey: string): FieldError[] {
  return field(body, 'confirm') === 'yes'
    ? []
    : [{ field: 'confirm', rule: 'confirmed', reason: uiText(reasonKey) }];
}

/**
 * The pages of issued documents: the list (statements and acknowledgements, every version),
 * the statement preview with the Issue form, the acknowledgement form and a document's page
 * with its downloads, versions, correction and e-mail forms. Every form goes through the API's
 * validation and the same services, so a page can do nothing the API would refuse.
 */
@Injectable()
export class StatementsPageService {
  constructor(
    private readonly statements: StatementsService,
    private readonly acknowledgements: AcknowledgementsService,
    private readonly documents: IssuedDocumentsService,
    private readonly donors: DonorsService,
    private readonly funds: FundsService,
    private readonly receipts: ReceiptsService,
    private readonly mail: MailService,
    private readonly views: ViewRenderer,
  ) {}

  async list(query: Record<string, unknown>, viewer: Viewer): Promise<string> {
    const raw: Record<string, string> = {};
    for (const name of ['kind', 'donorId', 'fund', 'offset']) {
      const value = query[name];
      if (typeof value === 'string' && value.trim() !== '') raw[name] = value.trim();
    }
    const kind: DocumentKind = raw.kind === 'acknowledgement' ? 'acknowledgement' : 'statement';
    let refusal: AppError | null = null;
    let parsed: ListDocumentsQuery = {};
    try {
      parsed = await validated(ListDocumentsQuery, {
        donorId: raw.donorId,
        fund: raw.fund,
        offset: raw.offset,
      });
    } catch (caught) {
      if (!(caught instanceof AppError) || caught.status !== 422) throw caught;
      refusal = caught;
    }
    const placed = placeErrors(refusal?.errors ?? [], {
      donorId: 'filter-donor',
      fund: 'filter-fund',
    });
    const offset = parsed.offset ?? 0;
    const result =
      refusal === null
        ? await this.documents.list(viewer.actor!, kind, { ...parsed, limit: PAGE_SIZE, offset })
        : { items: [], total: 0 };
    const href = (changes: Record<string, string | null>): string => {
      const params = new URLSearchParams(Object.entries(raw).filter(([name]) => name !== 'offset'));
      for (const [name, value] of Object.entries(changes)) {
        if (value === null || value === '' || (name === 'offset' && value === '0')) {
          params.delete(name);
        } else params.set(name, value);
      }
      const search = params.toString();
      return search === '' ? '/statements' : `/statements?${search}`;
    };
    const donors = await this.donors.list(viewer.actor!, { limit: CHOICES, offset: 0 });
    const funds = await this.funds.list();
    return this.views.render(
      'statements/list',
      {
        title: uiText('statements.list.title'),
        active: 'statements',
        error: refusal?.detail ?? null,
        errors: placed.fields,
        errorSummary: placed.summary,
        kind,
        isStatement: kind === 'statement',
        tabs: KIND_TABS.map((tab) => ({
          label: uiText(tab.label),
          kind: tab.kind,
          href: href({ kind: tab.kind === 'statement' ? null : tab.kind }),
          current: tab.kind === kind,
        })),
        donorOptions: donors.items.map((donor) => ({
          value: donor.id,
          label: donor.name,
          selected: donor.id === raw.donorId,
        })),
        fundOptions: funds.map((fund) => ({
          value: fund.code,
          label: `${fund.code} — ${fund.name}`,
          selected: fund.code === raw.fund,
        })),
        clearHref: href({ donorId: null, fund: null }),
        documents: result.items.map((item) => toRow(item, isStaff(viewer))),
        ...pageLinks(result, offset, PAGE_SIZE, (next) => href({ offset: String(next) })),
        canIssue: mayIssue(viewer),
        isStaff: isStaff(viewer),
      },
      viewer,
    );
  }

  /**
   * The preview form; once a donor and period are chosen, the draft below it (in a frame) and,
   * for those who may, the form that issues exactly what was previewed.
   */
  async previewPage(query: Record<string, unknown>, viewer: Viewer): Promise<string> {
    const form = readStatementForm(query);
    if (form.donorId === '') {
      const year = todayUtc().slice(0, 4);
      return this.renderPreview({ ...form, from: `${year}-01-01`, to: todayUtc() }, viewer, {});
    }
    try {
      const request = await validated(PreviewStatementRequest, toStatementRequest(form));
      // Builds the data once, so that a mistake shows beside the form rather than in the frame.
      await this.statements.check(request);
      return this.renderPreview(form, viewer, { previewed: true });
    } catch (error) {
      if (!(error instanceof AppError) || error.status >= 500) throw error;
      return this.renderPreview(form, viewer, { error });
    }
  }

  async previewDocument(query: Record<string, unknown>): Promise<DocumentFile> {
    const form = readStatementForm(query);
    const request = await validated(PreviewStatementRequest, toStatementRequest(form));
    const format: PreviewFormat = query.format === 'pdf' ? 'pdf' : 'html';
    return this.statements.preview(request, format);
  }

  async issue(body: FormBody, viewer: Viewer): Promise<PageResult> {
    const form = readStatementForm(body);
    const request = toStatementRequest(form);
    const extra = unconfirmed(body, 'statements.preview.confirmRequired');
    try {
      const valid = await validatedWith(IssueStatementRequest, request, extra);
      const issued = await this.statements.issue(
        viewer.actor!,
        valid,
        formKey(body, '/statements', request),
      );
      return { redirect: `/documents/${issued.body.id}?done=issued` };
    } catch (error) {
      if (!(error instanceof AppError) || error.status >= 500) throw error;
      const html = await this.renderPreview(form, viewer, {
        error,
        previewed: error.errors?.every((e) => e.field === 'confirm') ?? false,
      });
      return { status: error.status === 404 ? 422 : error.status, html };
    }
  }

  async acknowledgeForm(query: Record<string, unknown>, viewer: Viewer): Promise<string> {
    return this.renderAcknowledge(
      {
        receiptId: typeof query.receiptId === 'string' ? query.receiptId : '',
        language: '',
        confirm: false,
      },
      viewer,
    );
  }

  async acknowledge(body: FormBody, viewer: Viewer): Promise<PageResult> {
    const form = {
      receiptId: field(body, 'receiptId'),
      language: field(body, 'language'),
      confirm: field(body, 'confirm') === 'yes',
    };
    const request = {
      receiptId: form.receiptId,
      ...(form.language === '' ? {} : { language: form.language }),
    };
    const extra = unconfirmed(body, 'statements.acknowledge.confirmRequired');
    try {
      const valid = await validatedWith(IssueAcknowledgementRequest, request, extra);
      const issued = await this.acknowledgements.issue(
        viewer.actor!,
        valid,
        formKey(body, '/acknowledgements', request),
      );
      return { redirect: `/documents/${issued.body.id}?done=issued` };
    } catch (error) {
      if (!(error instanceof AppError) || error.status >= 500) throw error;
      const html = await this.renderAcknowledge(form, viewer, error);
      return { status: error.status === 404 ? 422 : error.status, html };
    }
  }

  async document(id: string, query: Record<string, unknown>, viewer: Viewer): Promise<string> {
    const document = await this.documents.get(viewer.actor!, null, id);
    const done =
      typeof query.done === 'string' && DONE_NOTICES.has(query.done)
        ? uiText(`statements.document.done.${query.done}`)
        : null;
    return this.renderDocument(document, viewer, { notice: done });
  }

  async correct(id: string, body: FormBody, viewer: Viewer): Promise<PageResult> {
    const document = await this.documents.get(viewer.actor!, null, id);
    const form = {
      reason: field(body, 'reason'),
      language: field(body, 'language'),
      confirm: field(body, 'confirm') === 'yes',
    };
    const request = {
      reason: form.reason,
      ...(form.language === '' ? {} : { language: form.language }),
    };
    const extra = unconfirmed(body, 'statements.document.correctionConfirmRequired');
    try {
      const valid = await validatedWith(CorrectDocumentRequest, request, extra);
      const corrected = await this.documents.correct(
        viewer.actor!,
        null,
        id,
        valid,
        formKey(body, `/documents/${id}/corrections`, request),
      );
      return { redirect: `/documents/${corrected.body.id}?done=corrected` };
    } catch (error) {
      if (!isFormRefusal(error)) throw error;
      const html = await this.renderDocument(document, viewer, { correction: { form, error } });
      return { status: error.status, html };
    }
  }

  async send(id: string, body: FormBody, viewer: Viewer): Promise<PageResult> {
    const document = await this.documents.get(viewer.actor!, null, id);
    const refused = unconfirmed(body, 'statements.document.sendConfirmRequired');
    if (refused.length > 0) {
      const html = await this.renderDocument(document, viewer, {
        sendErrors: { confirm: fieldMessage(refused[0]) },
      });
      return { status: 422, html };
    }
    try {
      await this.documents.send(
        viewer.actor!,
        null,
        id,
        formKey(body, `/documents/${id}/send`, {}),
      );
      return { redirect: `/documents/${id}?done=sent` };
    } catch (error) {
      if (!isFormRefusal(error)) throw error;
      const html = await this.renderDocument(document, viewer, { sendError: error.detail });
      return { status: error.status, html };
    }
  }

  private async renderPreview(
    form: StatementForm,
    viewer: Viewer,
    state: { previewed?: boolean; error?: AppError },
  ): Promise<string> {
    const errors = state.error?.errors ?? [];
    const placed = placeErrors(errors);
    const donors = await this.donors.list(viewer.actor!, { limit: CHOICES, offset: 0 });
    const funds = await this.funds.list();
    const params = new URLSearchParams(
      Object.entries(form).filter(([, value]) => value !== ''),
    ).toString();
    return this.views.render(
      'statements/preview',
      {
        title: uiText('statements.preview.title'),
        active: 'statements',
        form,
        formError: state.error !== undefined && errors.length === 0 ? state.error.detail : null,
        errorSummary: placed.summary,
        errors: placed.fields,
        donorOptions: donors.items.map((donor) => ({
          value: donor.id,
          label: donor.name,
          selected: donor.id === form.donorId,
        })),
        fundOptions: funds.map((fund) => ({
          value: fund.code,
          label: `${fund.code} — ${fund.name}`,
          selected: fund.code === form.fund,
        })),
        languageOptions: languageOptions(form.language),
        previewed: state.previewed === true,
        previewHref: `/statements/preview/document?${params}`,
        previewPdfHref: `/statements/preview/document?${params}&format=pdf`,
        canIssue: mayIssue(viewer),
        formKey: randomUUID(),
      },
      viewer,
    );
  }

  private async renderAcknowledge(
    form: { receiptId: string; language: string; confirm: boolean },
    viewer: Viewer,
    error?: AppError,
  ): Promise<string> {
    const receipts = await this.receipts.list(viewer.actor!, { limit: CHOICES, offset: 0 });
    const letters = await this.documents.list(viewer.actor!, 'acknowledgement', {
      limit: CHOICES,
    });
    const thanked = new Map(letters.items.map((letter) => [letter.receipt?.id, letter.number]));
    const placed = placeErrors(error?.errors ?? []);
    return this.views.render(
      'statements/acknowledge',
      {
        title: uiText('statements.acknowledge.title'),
        active: 'statements',
        form,
        formError: error !== undefined && placed.summary.length === 0 ? error.detail : null,
        errorSummary: placed.summary,
        errors: placed.fields,
        receiptOptions: receipts.items
          .filter((receipt) => receipt.donor !== null && receipt.status !== 'reversed')
          .map((receipt) => {
            const letter = thanked.get(receipt.id);
            const option = uiText('statements.acknowledge.receiptOption', {
              number: receipt.number,
              donor: receipt.donor!.name,
              amount: money(receipt.gross),
              date: receipt.valueDate,
            });
            return {
              value: receipt.id,
              label:
                letter === undefined
                  ? option
                  : uiText('statements.acknowledge.acknowledged', { option, letter }),
              selected: receipt.id === form.receiptId,
            };
          }),
        languageOptions: languageOptions(form.language),
        formKey: randomUUID(),
      },
      viewer,
    );
  }

  private async renderDocument(
    document: IssuedDocumentResponse,
    viewer: Viewer,
    state: {
      notice?: string | null;
      correction?: {
        form: { reason: string; language: string; confirm: boolean };
        error: AppError;
      };
      sendError?: string;
      sendErrors?: Record<string, string>;
    },
  ): Promise<string> {
    const versions = await this.documents.list(viewer.actor!, document.kind, {
      number: document.number,
      limit: CHOICES,
    });
    const placed = placeErrors(state.correction?.error.errors ?? [], {
      language: 'correction-language',
      confirm: 'correction-confirm',
    });
    const correctionForm = state.correction?.form ?? {
      reason: '',
      language: document.language,
      confirm: false,
    };
    const canIssue = mayIssue(viewer);
    const isStatement = document.kind === 'statement';
    const heading = uiText(
      isStatement
        ? 'statements.document.statementTitle'
        : 'statements.document.acknowledgementTitle',
      { number: document.number },
    );
    return this.views.render(
      'statements/document',
      {
        title: heading,
        heading,
        active: 'statements',
        notice: state.notice ?? null,
        document: toRow(document, isStaff(viewer)),
        isStatement,
        listHref: `/statements${isStatement ? '' : '?kind=acknowledgement'}`,
        correctionReason: document.correctionReason,
        replacesHref: document.replacesId === null ? null : `/documents/${document.replacesId}`,
        replacesVersion: document.version - 1,
        versions: versions.items.map((version) => ({
          ...toRow(version, isStaff(viewer)),
          current: version.id === document.id,
        })),
        canCorrect: canIssue && !document.replaced,
        correction: {
          form: correctionForm,
          formError:
            state.correction !== undefined && placed.summary.length === 0
              ? state.correction.error.detail
              : null,
          errorSummary: placed.summary,
          errors: placed.fields,
          open: state.correction !== undefined,
        },
        languageOptions: languageOptions(correctionForm.language),
        canSend: canIssue,
        mailConfigured: this.mail.configured(),
        sendError: state.sendError ?? null,
        sendErrors: state.sendErrors ?? {},
        formKey: randomUUID(),
      },
      viewer,
    );
  }
}

function isStaff(viewer: Viewer): boolean {
  return viewer.actor?.roles.some((role) => STAFF.includes(role)) ?? false;
}

function mayIssue(viewer: Viewer): boolean {
  return viewer.actor?.roles.some((role) => DOCUMENT_ISSUERS.includes(role)) ?? false;
}

function readStatementForm(source: Record<string, unknown>): StatementForm {
  const text = (name: string): string => {
    const value = source[name];
    return typeof value === 'string' ? value.trim() : '';
  };
  return {
    donorId: text('donorId'),
    fund: text('fund'),
    from: text('from'),
    to: text('to'),
    language: text('language'),
  };
}

/** The request a form stands for: empty optional fields are left out. */
function toStatementRequest(form: StatementForm): Record<string, string> {
  return Object.fromEntries(
    Object.entries(form).filter(
      ([name, value]) => value !== '' || name === 'donorId' || name === 'from' || name === 'to',
    ),
  );
}

function languageOptions(selected: string): { value: string; label: string; selected: boolean }[] {
  return UN_LANGUAGES.map((language) => ({
    value: language,
    label: languageName(language),
    selected: language === selected,
  }));
}

/**
 * One message per field beside it, and the list at the top linking to each (to the control's
 * id, which is the field's name unless `ids` says otherwise), in the interface's language.
 */
function placeErrors(errors: readonly FieldError[], ids: Record<string, string> = {}): PageErrors {
  const fields: Record<string, string> = {};
  const summary: { href: string; message: string }[] = [];
  for (const error of errors) {
    if (fields[error.field] !== undefined) continue;
    const message = fieldMessage(error);
    fields[error.field] = message;
    summary.push({ href: `#${ids[error.field] ?? error.field}`, message });
  }
  return { fields, summary };
}

function toRow(document: IssuedDocumentResponse, staff: boolean): Record<string, unknown> {
  return {
    id: document.id,
    href: `/documents/${document.id}`,
    number: document.number,
    version: document.version,
    replaced: document.replaced,
    replacedByHref: document.replacedById === null ? null : `/documents/${document.replacedById}`,
    donor: { name: document.donor.name },
    fund: document.fund ?? uiText('statements.common.allFunds'),
    period: document.period === null ? null : `${document.period.from} – ${document.period.to}`,
    receiptNumber: document.receipt?.number ?? null,
    // Receipt pages are for staff; a donor user sees the number only.
    receiptHref: document.receipt === null || !staff ? null : `/receipts/${document.receipt.id}`,
    language: languageName(document.language),
    issuedOn: document.issuedOn,
    // Who issued it is the office's business: a donor user is not shown staff logins.
    issuedBy: staff ? document.issuedBy : uiText('statements.common.financeOffice'),
    sha256: document.sha256,
    pdfSize: document.pdfSize,
    pdfHref: document.links.pdf,
    htmlHref: document.links.html,
    dataHref: document.links.data,
  };
}
