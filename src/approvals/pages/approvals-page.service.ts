import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { Actor } from '../../common/actor';
import { AppError } from '../../common/errors/app-error';
import { FieldError } from '../../common/errors/problem';
import { field, isFormRefusal, validated, validatedWith } from '../../web/page-forms';
import { FormBody, PageResult } from '../../web/page-response';
import { fieldMessage, hasUiText, uiText } from '../../web/ui-i18n';
import { Viewer, ViewRenderer } from '../../web/view-renderer';
import { ApprovalAlreadyDecidedError, MakerCannotDecideError } from '../approvals.errors';
import { ApprovalRow } from '../approvals.repository';
import { ApprovalsService, toApprovalResponse } from '../approvals.service';
import { ApprovalResponse, ApproveRequest, RejectRequest } from '../dto/approval.dto';
import {
  describePayload,
  kindLabel,
  PayloadView,
  ReferenceIds,
  referencedIds,
  References,
} from './approval-payloads';
import { ApprovalsPageRepository } from './approvals-page.repository';

/** The oldest requests shown at once; the count in the heading says how many wait in all. */
const QUEUE_SIZE = 200;
/** How many decisions the page recalls. */
const DECIDED_SIZE = 20;
const KIND = /^[a-z][a-z0-9-]*(\.[a-z][a-z0-9-]*)+$/;

export const APPROVAL_DECISIONS = ['approve', 'reject'] as const;
export type ApprovalDecision = (typeof APPROVAL_DECISIONS)[number];

const DONE = ['approved', 'rejected'] as const;

/** An approval executes at once and cannot be undone: the approver ticks a box to say so. */
const CONFIRM_MISSING: FieldError = {
  field: 'confirm',
  rule: 'confirmed',
  reason: 'tick the box to confirm: an approval is executed at once and cannot be undone',
};
const REASON_MISSING: FieldError = {
  field: 'comment',
  rule: 'required',
  reason: 'say why the request is rejected',
};

/** What the grant, receipt… of a request is: a link to its page, when there is one. */
function subjectHref(subject: string | null): string | null {
  const match = /^(grant|receipt|pledge):([0-9a-f-]{36})$/.exec(subject ?? '');
  return match === null ? null : `/${match[1]}s/${match[2]}`;
}

/** A refused decision, shown on its request's row with what was typed. */
interface DecisionState {
  id: string;
  decision: ApprovalDecision;
  comment: string;
  confirm: boolean;
  error: AppError;
}

interface Person {
  name: string;
  /** The login, shown beside the name when it differs from it. */
  login: string | null;
}

/**
 * The approvals inbox: every request waiting for a second person, oldest first, each told in
 * words (what it will do, on what, how much, named and linked), with the maker; for holders of
 * the approver role, a form to approve (once they confirm that it cannot be undone) or reject
 * (with the reason) — except on their own requests. Below, the latest decisions. The approvals
 * service decides who may decide: the page only asks first for what it can check itself.
 */
@Injectable()
export class ApprovalsPageService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly approvals: ApprovalsService,
    private readonly repository: ApprovalsPageRepository,
    private readonly views: ViewRenderer,
  ) {}

  async queue(query: Record<string, unknown>, viewer: Viewer): Promise<string> {
    const done = DONE.find((value) => value === query.done);
    return this.render(viewer, {
      notice: done === undefined ? null : uiText(`approvals.done.${done}`),
      kind: kindFilter(query.kind),
    });
  }

  async decide(
    id: string,
    decision: ApprovalDecision,
    body: FormBody,
    viewer: Viewer,
  ): Promise<PageResult> {
    const comment = field(body, 'comment').trim();
    const confirm = body.confirm !== undefined;
    const kind = kindFilter(body.kind);
    const actor = viewer.actor!;
    const back = (done: string): string =>
      `/approvals?${kind === null ? '' : `kind=${encodeURIComponent(kind)}&`}done=${done}`;
    try {
      if (decision === 'approve') {
        // Who may not decide at all is told so first: ticking the box would not help them.
        if (!confirm) await this.refuseIfNotTheirs(actor, id);
        const valid = await validatedWith(
          ApproveRequest,
          comment === '' ? {} : { comment },
          confirm ? [] : [CONFIRM_MISSING],
        );
        await this.approvals.approve(actor, id, valid.comment);
        return { redirect: back('approved') };
      }
      const valid =
        comment === ''
          ? await validatedWith(RejectRequest, { comment }, [REASON_MISSING])
          : await validated(RejectRequest, { comment });
      await this.approvals.reject(actor, id, valid.comment);
      return { redirect: back('rejected') };
    } catch (error) {
      if (!isFormRefusal(error)) throw error;
      const html = await this.render(viewer, {
        notice: null,
        kind,
        state: { id, decision, comment, confirm, error },
      });
      return { status: error.status, html };
    }
  }

  /** The refusals the approvals service would give whatever the form says, in its order. */
  private async refuseIfNotTheirs(actor: Actor, id: string): Promise<void> {
    const request = await this.approvals.get(id);
    if (request.maker === actor.id) throw new MakerCannotDecideError('approve');
    if (request.status !== 'pending') {
      throw new ApprovalAlreadyDecidedError(request.id, request.status);
    }
  }

  private async render(
    viewer: Viewer,
    options: { notice: string | null; kind: string | null; state?: DecisionState },
  ): Promise<string> {
    const manager = this.dataSource.manager;
    const actor = viewer.actor!;
    const pending = (await this.repository.pending(manager, options.kind, QUEUE_SIZE)).map(
      toApprovalResponse,
    );
    const counts = await this.repository.pendingCounts(manager);
    const decided = await this.repository.recentlyDecided(manager, DECIDED_SIZE);
    const refs = await this.references(manager, referencedIds(pending.map((r) => r.payload)));
    const people = await this.repository.displayNames(manager, [
      ...new Set([
        ...pending.map((request) => request.maker),
        ...decided.flatMap((row) => [row.maker, ...(row.checker === null ? [] : [row.checker])]),
      ]),
    ]);
    const person = (login: string): Person => {
      const name = people.get(login);
      return { name: name ?? login, login: name === undefined || name === login ? null : login };
    };
    const mayDecide = actor.roles.includes('approver');
    const state = options.state;
    const total = [...counts.values()].reduce((sum, n) => sum + n, 0);
    const waiting = options.kind === null ? total : (counts.get(options.kind) ?? 0);
    const kinds = [...counts]
      .map(([code, count]) => ({
        code,
        label: kindLabel(code),
        count,
        href: `/approvals?kind=${encodeURIComponent(code)}`,
        current: code === options.kind,
      }))
      .sort((a, b) => a.label.localeCompare(b.label));
    return this.views.render(
      'approvals',
      {
        title: uiText('approvals.title'),
        active: 'approvals',
        notice: options.notice,
        // A decision on a request no longer in the queue (decided meanwhile) is shown at the top.
        error:
          state !== undefined && !pending.some((request) => request.id === state.id)
            ? errorView(state).message
            : null,
        heading:
          options.kind === null
            ? uiText('approvals.pending.title', { count: waiting })
            : uiText('approvals.pending.titleOfKind', {
                kind: kindLabel(options.kind),
                count: waiting,
              }),
        oldestShown:
          pending.length < waiting
            ? uiText('approvals.pending.oldestShown', { shown: pending.length })
            : null,
        filter:
          kinds.length > 1 || options.kind !== null
            ? {
                all: { href: '/approvals', count: total, current: options.kind === null },
                kinds,
              }
            : null,
        kind: options.kind ?? '',
        requests: pending.map((request) => {
          const own = request.maker === actor.id;
          return pendingRow(request, {
            maker: person(request.maker),
            own,
            mayDecide: mayDecide && !own,
            payload: describePayload(request.kind, request.payload, refs),
            state: state?.id === request.id ? state : undefined,
          });
        }),
        mayDecide,
        decided: decided.map((row) => decidedRow(row, person)),
      },
      viewer,
    );
  }

  /** The names of everything the requests refer to, one query per kind of thing. */
  private async references(manager: EntityManager, ids: ReferenceIds): Promise<References> {
    const byId = <T extends { id: string }>(rows: T[]): Map<string, T> =>
      new Map(rows.map((row) => [row.id, row]));
    const funds = [...ids.funds];
    const pledges = byId(await this.repository.pledges(manager, [...ids.pledges]));
    const receipts = byId(await this.repository.receipts(manager, [...ids.receipts]));
    const grants = byId(await this.repository.grants(manager, [...ids.grants]));
    const bankLines = byId(await this.repository.bankLines(manager, [...ids.bankLines]));
    const entries = byId(await this.repository.entries(manager, [...ids.entries]));
    const donors = await this.repository.donors(manager, [...ids.donors]);
    const bankAccounts = await this.repository.bankAccounts(manager, [...ids.bankAccounts]);
    const accounts = await this.repository.accounts(manager, funds);
    const earmarks = await this.repository.earmarks(manager, funds);
    return {
      pledges,
      receipts,
      grants,
      bankLines,
      entries,
      donors: new Map(donors.map((row) => [row.id, row.name])),
      bankAccounts: new Map(bankAccounts.map((row) => [row.id, row.name])),
      accounts: new Map(accounts.map((row) => [`${row.fund_code}/${row.code}`, row.name])),
      earmarks: new Map(earmarks.map((row) => [`${row.fund_code}/${row.code}`, row.name])),
    };
  }
}

/** `?kind=` when it is a kind's code; anything else shows every kind. */
function kindFilter(value: unknown): string | null {
  return typeof value === 'string' && KIND.test(value) ? value : null;
}

function pendingRow(
  request: ApprovalResponse,
  row: {
    maker: Person;
    own: boolean;
    mayDecide: boolean;
    payload: PayloadView;
    state: DecisionState | undefined;
  },
): Record<string, unknown> {
  const { state } = row;
  const error = state === undefined ? undefined : errorView(state);
  return {
    id: request.id,
    kind: request.kind,
    kindLabel: kindLabel(request.kind),
    summary: request.summary,
    subjectHref: subjectHref(request.subject),
    fund: request.fund,
    maker: row.maker,
    createdAt: request.createdAt,
    ownRequest: row.own,
    mayDecide: row.mayDecide,
    formLabel: uiText('approvals.decision.formLabel', {
      kind: kindLabel(request.kind),
      date: request.createdAt.slice(0, 10),
    }),
    payload: row.payload,
    // Open when something went wrong with it, so that what was refused is in view.
    open: error !== undefined,
    comment: state?.comment ?? '',
    confirm: state?.confirm ?? false,
    error: error?.message ?? null,
    errorList: error?.list ?? [],
    errors: { comment: error?.comment ?? null, confirm: error?.confirm ?? null },
  };
}

function decidedRow(row: ApprovalRow, person: (login: string) => Person): Record<string, unknown> {
  return {
    kind: row.kind,
    kindLabel: kindLabel(row.kind),
    summary: row.summary,
    subjectHref: subjectHref(row.subject),
    maker: person(row.maker),
    status: row.status,
    statusLabel: uiText(`approvals.status.${row.status}`),
    // A cancelled request was withdrawn by its maker.
    decider: person(row.checker ?? row.maker),
    decidedAt: row.decided_at === null ? null : new Date(row.decided_at).toISOString(),
    comment: row.comment,
  };
}

/** A refusal in words: beside the fields it concerns, and in a list at the top of the row. */
function errorView(state: DecisionState): {
  message: string;
  list: Array<{ text: string; href: string | null }>;
  comment: string | null;
  confirm: string | null;
} {
  const { error, id } = state;
  const fieldErrors = error.errors ?? [];
  const messageOf = (failed: FieldError): string => {
    if (failed.field === 'confirm') return uiText('approvals.decision.confirmRequired');
    if (failed.field === 'comment' && failed.rule === 'required') {
      return uiText('approvals.decision.reasonRequired');
    }
    return fieldMessage(failed);
  };
  const first = (name: string): string | null => {
    const failed = fieldErrors.find((candidate) => candidate.field === name);
    return failed === undefined ? null : messageOf(failed);
  };
  const labels: Record<string, string> = {
    comment: uiText('approvals.decision.comment'),
    confirm: uiText('approvals.decision.confirmShort'),
  };
  return {
    message: fieldErrors.length > 0 ? uiText('approvals.decision.notRecorded') : refusal(error),
    list: fieldErrors.map((failed) => ({
      text: `${labels[failed.field] ?? failed.field}: ${messageOf(failed)}`,
      href: failed.field in labels ? `#${failed.field}-${id}` : null,
    })),
    comment: first('comment'),
    confirm: first('confirm'),
  };
}

/** Why the service refused, in the reader's language when the catalogue knows the refusal. */
function refusal(error: AppError): string {
  const key = `approvals.refusals.${error.code}`;
  if (!hasUiText(key)) return error.detail;
  const status = error.extensions.approvalStatus;
  const known = typeof status === 'string' && hasUiText(`approvals.status.${status}`);
  return uiText(key, {
    status: known ? uiText(`approvals.status.${status}`).toLowerCase() : '',
  });
}
