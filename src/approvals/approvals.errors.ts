import { AppError } from '../common/errors/app-error';

export class ApprovalNotFoundError extends AppError {
  constructor(id: string) {
    super(
      404,
      'approval-not-found',
      'Approval request not found',
      `There is no approval request ${id}.`,
    );
  }
}

/** Someone decided first (or the maker cancelled): a request is decided once. */
export class ApprovalAlreadyDecidedError extends AppError {
  constructor(id: string, status: string) {
    super(
      409,
      'approval-already-decided',
      'Approval request already decided',
      `Approval request ${id} is already ${status}; a request is approved, rejected or cancelled once.`,
      undefined,
      { approvalStatus: status },
    );
  }
}

/** Four eyes: the maker can never be the checker, whatever roles they hold. */
export class MakerCannotDecideError extends AppError {
  constructor(verb: 'approve' | 'reject') {
    super(
      403,
      `maker-cannot-${verb}`,
      'You made this request',
      `The person who made a request cannot ${verb} it: another approver must. ` +
        (verb === 'reject' ? 'To withdraw your own request, cancel it.' : ''),
    );
  }
}

export class ApproverRoleRequiredError extends AppError {
  constructor() {
    super(
      403,
      'approver-role-required',
      'Approver role required',
      'Only a user with the approver role may approve or reject a request.',
    );
  }
}

export class OnlyMakerCanCancelError extends AppError {
  constructor() {
    super(
      403,
      'only-maker-can-cancel',
      'Only the maker can cancel',
      'A request can be cancelled only by the person who made it; an approver may reject it.',
    );
  }
}

export class ApprovalAlreadyPendingError extends AppError {
  constructor(kind: string, subject: string) {
    super(
      409,
      'approval-already-pending',
      'A request is already pending',
      `A ${kind} request for ${subject} is already waiting for approval: ` +
        'have it approved or rejected, or cancel it, before asking again.',
      undefined,
      { kind, subject },
    );
  }
}

/** A stored request whose kind no module handles (any more): nothing can run it. */
export class ApprovalKindUnknownError extends AppError {
  constructor(kind: string) {
    super(
      500,
      'approval-kind-unknown',
      'No handler for this kind of request',
      `No part of the application executes requests of kind ${kind}.`,
    );
  }
}
