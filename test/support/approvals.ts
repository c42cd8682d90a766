import { NestExpressApplication } from '@nestjs/platform-express';
import request, { Response } from 'supertest';

type Auth = { Authorization: string };

/** Approves an approval request as `approver`: 200 with the request, executed, and its result. */
export function approve(
  app: NestExpressApplication,
  approvalId: string,
  approver: Auth,
  comment?: string,
): Promise<Response> {
  return request(app.getHttpServer())
    .post(`/api/v1/approvals/${approvalId}/approve`)
    .set(approver)
    .send(comment === undefined ? {} : { comment });
}

/** The outcome of asking for something and having it approved. */
export interface ApprovedOutcome {
  /** The request's status when it was refused (422…), else the approval's (200, or 409/422…). */
  readonly status: number;
  /** The refusal's problem, or, once executed, what the action returned (the posted entry…). */
  readonly body: Response['body'];
  /** The answer to the request itself: 202 with the pending approval request, or the refusal. */
  readonly requested: Response;
  readonly approved?: Response;
}

/**
 * Sends a request that needs approval as `maker`, then approves it as `approver`: two steps in
 * one, for tests about what the action does rather than about approving it.
 */
export async function requestAndApprove(
  app: NestExpressApplication,
  url: string,
  body: object,
  maker: Auth,
  approver: Auth,
): Promise<ApprovedOutcome> {
  const requested = await request(app.getHttpServer()).post(url).set(maker).send(body);
  if (requested.status !== 202)
    return { status: requested.status, body: requested.body, requested };
  const approved = await approve(app, requested.body.id as string, approver);
  return {
    status: approved.status,
    body: approved.status === 200 ? approved.body.result : approved.body,
    requested,
    approved,
  };
}

/** A manual adjustment entry, requested by `maker` and approved by `approver`: body is the entry. */
export function postAdjustment(
  app: NestExpressApplication,
  body: object,
  maker: Auth,
  approver: Auth,
  fund = 'WSIS-TF',
): Promise<ApprovedOutcome> {
  return requestAndApprove(app, `/api/v1/funds/${fund}/journal-entries`, body, maker, approver);
}
