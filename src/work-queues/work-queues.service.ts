import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { CalendarDate, todayUtc } from '../common/calendar-date';
import { Actor } from '../common/actor';
import { PledgeViewsService } from '../pledges/pledge-views.service';
import { PledgesRepository } from '../pledges/pledges.repository';
import { uiText } from '../web/ui-i18n';
import { Viewer, ViewRenderer } from '../web/view-renderer';
import {
  RejectedRequestRow,
  UnmatchedLinesRow,
  WorkQueuesRepository,
} from './work-queues.repository';

/** How far back a rejected request still shows, and how many of them are listed. */
export const REJECTED_DAYS = 30;
const REJECTED_LISTED = 10;

/** What waits for an officer, queue by queue. */
export interface WorkQueues {
  unidentifiedReceipts: number;
  unappliedReceipts: number;
  bankLines: number;
  bankAccounts: UnmatchedLinesRow[];
  overdueInstalments: number;
  overduePledges: number;
  pendingRequests: number;
  rejectedRequests: number;
  rejected: RejectedRequestRow[];
  failedStatements: number;
  failedBatches: number;
}

/** The page of a request's object (a grant, a receipt, a pledge), when it has one. */
function subjectHref(subject: string | null): string | null {
  const match = /^(grant|receipt|pledge):([0-9a-f-]{36})$/.exec(subject ?? '');
  return match === null ? null : `/${match[1]}s/${match[2]}`;
}

/**
 * The officers' start page: how much waits in each queue, each linked to the list where the
 * work is done. Counts of what is stored come from SQL; overdue instalments are derived from
 * the ledger as the pledge pages derive them (a status is never stored).
 */
@Injectable()
export class WorkQueuesService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly repository: WorkQueuesRepository,
    private readonly pledges: PledgesRepository,
    private readonly pledgeViews: PledgeViewsService,
    private readonly views: ViewRenderer,
  ) {}

  async queues(actor: Actor, now: Date = new Date()): Promise<WorkQueues> {
    const manager = this.dataSource.manager;
    const since = new Date(now.getTime() - REJECTED_DAYS * 24 * 3600 * 1000);
    const counts = await this.repository.counts(manager, actor.id, since);
    const bankAccounts = await this.repository.unmatchedLines(manager);
    const rejected = await this.repository.rejectedRequests(
      manager,
      actor.id,
      since,
      REJECTED_LISTED,
    );
    const overdue = await this.overdue(manager, todayUtc(now));
    return {
      unidentifiedReceipts: counts.unidentified_receipts,
      unappliedReceipts: counts.unapplied_receipts,
      bankLines: bankAccounts.reduce((total, account) => total + account.lines, 0),
      bankAccounts,
      overdueInstalments: overdue.instalments,
      overduePledges: overdue.pledges,
      pendingRequests: counts.own_pending_requests,
      rejectedRequests: counts.own_rejected_requests,
      rejected,
      failedStatements: counts.failed_statements,
      failedBatches: counts.failed_batches,
    };
  }

  async page(viewer: Viewer): Promise<string> {
    const queues = await this.queues(viewer.actor as Actor);
    const text = (count: number): string => String(count);
    return this.views.render(
      'work/index',
      {
        title: uiText('work.title'),
        active: 'work',
        queues: {
          unidentifiedReceipts: text(queues.unidentifiedReceipts),
          unappliedReceipts: text(queues.unappliedReceipts),
          bankLines: text(queues.bankLines),
          overdueInstalments: text(queues.overdueInstalments),
          overduePledges: text(queues.overduePledges),
          pendingRequests: text(queues.pendingRequests),
          rejectedRequests: text(queues.rejectedRequests),
          failedStatements: text(queues.failedStatements),
          failedBatches: text(queues.failedBatches),
        },
        bankAccounts: queues.bankAccounts.map((account) => ({
          fund: account.fund_code,
          account: account.bank_account_code,
          currency: account.currency,
          lines: account.lines,
          href: `/bank-reconciliation?${new URLSearchParams({
            fund: account.fund_code,
            bankAccount: account.bank_account_code,
            status: 'unmatched',
          }).toString()}`,
        })),
        rejectedDays: REJECTED_DAYS,
        rejected: queues.rejected.map((request) => ({
          summary: request.summary,
          href: subjectHref(request.subject),
          checker: request.checker,
          decidedAt: request.decided_at,
          comment: request.comment,
        })),
        moreRejected: Math.max(0, queues.rejectedRequests - queues.rejected.length),
      },
      viewer,
    );
  }

  /**
   * Instalments past due and not fully paid, in pledges still open: derived as of today from
   * the receivable, as /pledges?status=overdue derives them. Only agreed, unended pledges can
   * be overdue, so only those are derived.
   */
  private async overdue(
    manager: EntityManager,
    today: CalendarDate,
  ): Promise<{ instalments: number; pledges: number }> {
    const { rows } = await this.pledges.list(
      manager,
      { announcedBy: today },
      { by: 'reference', descending: false },
    );
    const open = rows.filter(
      (row) =>
        row.agreed_on !== null &&
        row.agreed_on <= today &&
        (row.ending_on === null || row.ending_on > today),
    );
    let instalments = 0;
    let pledges = 0;
    for (const { view } of await this.pledgeViews.views(manager, open, today)) {
      if (view.status !== 'overdue') continue;
      pledges += 1;
      instalments += view.instalments.filter(
        (instalment) => instalment.status === 'overdue',
      ).length;
    }
    return { instalments, pledges };
  }
}
