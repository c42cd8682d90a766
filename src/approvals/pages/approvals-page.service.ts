import { Injectable } from '@nestjs/common';
import { AppError } from '../../common/errors/app-error';
import { field, isFormRefusal, validated } from '../../web/page-forms';
import { FormBody, PageResult } from '../../web/page-response';
import { Viewer, ViewRenderer } from '../../web/view-renderer';
import { ApprovalsService } from '../approvals.service';
import { ApprovalResponse, ApproveRequest, RejectRequest } from '../dto/approval.dto';

const QUEUE_SIZE = 200;

export const APPROVAL_DECISIONS = ['approve', 'reject'] as const;
export type ApprovalDecision = (typeof APPROVAL_DECISIONS)[number];

const DONE_NOTICES: Record<string, string> = {
  approved: 'Approved: the request was executed.',
  rejected: 'Rejected: the maker will see your reason.',
};

/** What the grant, receipt… of a request is: a link to its page, when there is one. */
function subjectHref(subject: string | null): string | null {
  const match = /^(grant|receipt|pledge):([0-9a-f-]{36})$/.exec(subject ?? '');
  return match === null ? null : `/${match[1]}s/${match[2]}`;
}

interface DecisionState {
  id: string;
  decision: ApprovalDecision;
  comment: string;
  error: string;
}

/**
 * The approval queue: what waits for a second person, and for those holding the approver role
 * the buttons that approve or reject it. The service decides who may: the maker of a request is
 * refused, and the page shows why.
 */
@Injectable()
export class ApprovalsPageService {
  constructor(
    private readonly approvals: ApprovalsService,
    private readonly views: ViewRenderer,
  ) {}

  async queue(query: Record<string, unknown>, viewer: Viewer): Promise<string> {
    const done = typeof query.done === 'string' ? query.done : '';
    return this.render(viewer, { notice: DONE_NOTICES[done] ?? null });
  }

  async decide(
    id: string,
    decision: ApprovalDecision,
    body: FormBody,
    viewer: Viewer,
  ): Promise<PageResult> {
    const comment = field(body, 'comment').trim();
    const actor = viewer.actor!;
    try {
      if (decision === 'approve') {
        const valid = await validated(ApproveRequest, comment === '' ? {} : { comment });
        await this.approvals.approve(actor, id, valid.comment);
        return { redirect: '/approvals?done=approved' };
      }
      const valid = await validated(RejectRequest, { comment });
      await this.approvals.reject(actor, id, valid.comment);
      return { redirect: '/approvals?done=rejected' };
    } catch (error) {
      if (!isFormRefusal(error)) throw error;
      const html = await this.render(viewer, {
        notice: null,
        state: { id, decision, comment, error: message(error) },
      });
      return { status: error.status, html };
    }
  }

  private async render(
    viewer: Viewer,
    options: { notice: string | null; state?: DecisionState },
  ): Promise<string> {
    const pending = await this.approvals.list({ status: 'pending', limit: QUEUE_SIZE });
    const actor = viewer.actor!;
    const mayDecide = actor.roles.includes('approver');
    const state = options.state;
    return this.views.render(
      'approvals',
      {
        title: 'Approvals',
        active: 'approvals',
        notice: options.notice,
        // A decision on a request no longer in the queue (decided meanwhile) is shown at the top.
        error:
          state !== undefined && !pending.some((request) => request.id === state.id)
            ? state.error
            : null,
        requests: pending.map((request) => toRow(request, actor.id, mayDecide, state)),
        mayDecide,
      },
      viewer,
    );
  }
}

function toRow(
  request: ApprovalResponse,
  viewerId: string,
  mayDecide: boolean,
  state: DecisionState | undefined,
): Record<string, unknown> {
  const mine = state?.id === request.id ? state : undefined;
  return {
    id: request.id,
    kind: request.kind,
    summary: request.summary,
    subjectHref: subjectHref(request.subject),
    fund: request.fund,
    maker: request.maker,
    createdAt: request.createdAt,
    ownRequest: request.maker === viewerId,
    mayDecide,
    comment: mine?.comment ?? '',
    error: mine?.error ?? null,
  };
}

function message(error: AppError): string {
  const reasons = (error.errors ?? []).map((failed) => failed.reason);
  return reasons.length > 0 ? `${error.detail} (${reasons.join('; ')})` : error.detail;
}
