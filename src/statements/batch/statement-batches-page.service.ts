import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { AppError } from '../../common/errors/app-error';
import { FieldError } from '../../common/errors/problem';
import { FundsService } from '../../funds/funds.service';
import { field, formKey, validatedWith } from '../../web/page-forms';
import { FormBody, pageLinks, PageResult } from '../../web/page-response';
import { Viewer, ViewRenderer } from '../../web/view-renderer';
import { fieldMessage, uiText } from '../../web/ui-i18n';
import { DOCUMENT_ISSUERS } from '../document-access';
import { languageName } from '../pages/statements-page.service';
import { UN_LANGUAGES } from '../statement-data.types';
import {
  BATCH_STATUSES,
  CreateStatementBatchRequest,
  StatementBatchResponse,
  StatementBatchStatus,
  StatementBatchSummaryResponse,
} from './dto/statement-batch.dto';
import { StatementBatchesService } from './statement-batches.service';

const PAGE_SIZE = 25;
/** How often a batch's page asks for its progress while the batch runs (htmx). */
const POLL_SECONDS = 2;

/** A batch's status as the interface says it ("Finished with failures"). */
function statusLabel(status: StatementBatchStatus): string {
  return uiText(`statements.batches.status.${status}`);
}
const STATUS_BADGES: Record<StatementBatchStatus, string> = {
  queued: 'status-announced',
  running: 'status-partially-paid',
  completed: 'status-paid',
  failed: 'status-overdue',
};

/** The notices a redirect asks for (?done=…), by their catalogue keys. */
const DONE_NOTICES: ReadonlySet<string> = new Set(['created', 'retried']);

/** The labels the error summary names the fields by. */
const FIELD_LABELS: Record<string, string> = {
  fund: 'statements.common.fund',
  from: 'statements.batches.form.from',
  to: 'statements.batches.form.to',
  language: 'statements.common.language',
};

interface NewForm {
  fund: string;
  from: string;
  to: string;
  language: string;
  confirm: boolean;
}

/**
 * The pages of statement batches: the list, the form that starts one, and a batch's page with a
 * progress bar that follows the work (htmx asks for the page again and swaps the progress in,
 * until the batch has finished). Forms go through the API's validation and service.
 */
@Injectable()
export class StatementBatchesPageService {
  constructor(
    private readonly batches: StatementBatchesService,
    private readonly funds: FundsService,
    private readonly views: ViewRenderer,
  ) {}

  async list(query: Record<string, unknown>, viewer: Viewer): Promise<string> {
    const status =
      typeof query.status === 'string' &&
      (BATCH_STATUSES as readonly string[]).includes(query.status)
        ? (query.status as StatementBatchStatus)
        : undefined;
    const offsetValue = typeof query.offset === 'string' ? Number(query.offset) : 0;
    const offset = Number.isSafeInteger(offsetValue) && offsetValue > 0 ? offsetValue : 0;
    const page = await this.batches.list({ status, limit: PAGE_SIZE, offset });
    const href = (at: number): string => {
      const params = new URLSearchParams();
      if (status !== undefined) params.set('status', status);
      if (at > 0) params.set('offset', String(at));
      const search = params.toString();
      return search === '' ? '/statements/batches' : `/statements/batches?${search}`;
    };
    return this.views.render(
      'statement-batches/list',
      {
        title: uiText('statements.batches.title'),
        active: 'statements',
        statusOptions: BATCH_STATUSES.map((value) => ({
          value,
          label: statusLabel(value),
          selected: value === status,
        })),
        batches: page.items.map(toRow),
        ...pageLinks(page, offset, PAGE_SIZE, href),
        canCreate: mayIssue(viewer),
      },
      viewer,
    );
  }

  newForm(viewer: Viewer): Promise<string> {
    const year = new Date().getUTCFullYear();
    return this.renderNew(
      { fund: 'WSIS-TF', from: `${year}-01-01`, to: `${year}-12-31`, language: '', confirm: false },
      undefined,
      viewer,
    );
  }

  async create(body: FormBody, viewer: Viewer): Promise<PageResult> {
    const form: NewForm = {
      fund: field(body, 'fund').trim(),
      from: field(body, 'from').trim(),
      to: field(body, 'to').trim(),
      language: field(body, 'language'),
      confirm: field(body, 'confirm') === 'yes',
    };
    const request = Object.fromEntries(
      Object.entries(form).filter(
        ([name, value]) => name !== 'confirm' && (value !== '' || name !== 'language'),
      ),
    );
    // Starting a batch issues numbered, final statements: the box must be ticked.
    const extra: FieldError[] = form.confirm
      ? []
      : [
          {
            field: 'confirm',
            rule: 'confirmed',
            reason: uiText('statements.batches.form.confirmRequired'),
          },
        ];
    try {
      const valid = await validatedWith(CreateStatementBatchRequest, request, extra);
      const created = await this.batches.create(
        viewer.actor!,
        valid,
        formKey(body, '/statements/batches', request),
      );
      return { redirect: `/statements/batches/${created.body.id}?done=created` };
    } catch (error) {
      if (!(error instanceof AppError) || error.status >= 500 || error.status === 404) throw error;
      return { status: error.status, html: await this.renderNew(form, error, viewer) };
    }
  }

  async detail(id: string, query: Record<string, unknown>, viewer: Viewer): Promise<string> {
    const batch = await this.batches.get(id);
    const done = batch.issued + batch.failed;
    const running = batch.status === 'queued' || batch.status === 'running';
    return this.views.render(
      'statement-batches/detail',
      {
        title: uiText('statements.batches.detail.title', {
          fund: batch.fund,
          from: batch.from,
          to: batch.to,
        }),
        active: 'statements',
        batch: toRow(batch),
        notice:
          typeof query.done === 'string' && DONE_NOTICES.has(query.done)
            ? uiText(`statements.batches.detail.done.${query.done}`)
            : null,
        done,
        percent: batch.total === 0 ? 100 : Math.floor((done * 100) / batch.total),
        running,
        pollSeconds: POLL_SECONDS,
        items: batch.items.map((item) => ({
          ...item,
          statusLabel: uiText(`statements.batches.item.${item.status}`),
          badge:
            item.status === 'issued'
              ? 'status-paid'
              : item.status === 'failed'
                ? 'status-overdue'
                : 'status-announced',
        })),
        canRetry: batch.status === 'failed' && mayIssue(viewer),
        formKey: randomUUID(),
      },
      viewer,
    );
  }

  async retry(id: string, body: FormBody, viewer: Viewer): Promise<PageResult> {
    await this.batches.retry(
      viewer.actor!,
      id,
      formKey(body, `/statements/batches/${id}/retry`, {}),
    );
    return { redirect: `/statements/batches/${id}?done=retried` };
  }

  private async renderNew(
    form: NewForm,
    error: AppError | undefined,
    viewer: Viewer,
  ): Promise<string> {
    const funds = await this.funds.list();
    const errors: Record<string, string> = {};
    const summary: { href: string; message: string }[] = [];
    for (const problem of error?.errors ?? ([] as FieldError[])) {
      if (errors[problem.field] !== undefined) continue;
      const message = fieldMessage(problem);
      errors[problem.field] = message;
      const label = FIELD_LABELS[problem.field];
      summary.push({
        href: `#${problem.field}`,
        message:
          label === undefined
            ? message
            : uiText('statements.common.errorItem', { field: uiText(label), message }),
      });
    }
    return this.views.render(
      'statement-batches/new',
      {
        title: uiText('statements.batches.form.title'),
        active: 'statements',
        form,
        formError: error !== undefined && summary.length === 0 ? error.detail : null,
        errorSummary: summary,
        errors,
        fundOptions: funds.map((fund) => ({
          value: fund.code,
          label: `${fund.code} — ${fund.name}`,
          selected: fund.code === form.fund,
        })),
        languageOptions: UN_LANGUAGES.map((language) => ({
          value: language,
          label: languageName(language),
          selected: language === form.language,
        })),
        formKey: randomUUID(),
      },
      viewer,
    );
  }
}

function mayIssue(viewer: Viewer): boolean {
  return viewer.actor?.roles.some((role) => DOCUMENT_ISSUERS.includes(role)) ?? false;
}

function toRow(batch: StatementBatchSummaryResponse | StatementBatchResponse) {
  return {
    id: batch.id,
    href: `/statements/batches/${batch.id}`,
    fund: batch.fund,
    from: batch.from,
    to: batch.to,
    language:
      batch.language === null
        ? uiText('statements.languages.eachDonor')
        : languageName(batch.language),
    status: batch.status,
    statusLabel: statusLabel(batch.status),
    badge: STATUS_BADGES[batch.status],
    total: batch.total,
    issued: batch.issued,
    failed: batch.failed,
    pending: batch.pending,
    requestedBy: batch.requestedBy,
    requestedAt: batch.requestedAt,
    finishedAt: batch.finishedAt,
  };
}
