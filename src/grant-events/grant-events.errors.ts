import { AppError } from '../common/errors/app-error';
import { FieldError } from '../common/errors/problem';
import { DuplicateParticipantResponse } from './dto/participant.dto';

/** An event set-up refused field by field; nothing was written. */
export class InvalidGrantEventError extends AppError {
  constructor(errors: FieldError[]) {
    super(
      422,
      'invalid-grant-event',
      'The event is not valid',
      errors.length === 1
        ? `${errors[0].field}: ${errors[0].reason}`
        : `${errors.length} fields are not valid; see errors.`,
      errors,
    );
  }
}

export class GrantEventNotFoundError extends AppError {
  constructor(id: string) {
    super(404, 'grant-event-not-found', 'Event not found', `There is no event ${id}.`);
  }
}

/** The fund already has an event with this code. */
export class GrantEventCodeTakenError extends AppError {
  constructor(fund: string, code: string, existing?: string) {
    super(
      409,
      'grant-event-code-taken',
      'Event code already used',
      `Fund ${fund} already has an event coded ${code}` +
        `${existing === undefined ? '' : ` (${existing})`}; choose another code.`,
      [{ field: 'code', rule: 'unique', reason: `${code} is already the code of an event` }],
      { field: 'code' },
    );
  }
}

/** A participant request refused field by field; nothing was written. */
export class InvalidParticipantError extends AppError {
  constructor(errors: FieldError[]) {
    super(
      422,
      'invalid-participant',
      'The participant is not valid',
      errors.length === 1
        ? `${errors[0].field}: ${errors[0].reason}`
        : `${errors.length} fields are not valid; see errors.`,
      errors,
    );
  }
}

export class ParticipantNotFoundError extends AppError {
  constructor(id: string) {
    super(404, 'participant-not-found', 'Participant not found', `There is no participant ${id}.`);
  }
}

/**
 * The same person seems to be recorded already (same name in the same country, or same e-mail).
 * Nothing was written; the same request with `confirmDuplicate: true` records the participant.
 */
export class ParticipantDuplicateError extends AppError {
  constructor(readonly duplicates: DuplicateParticipantResponse[]) {
    const first = duplicates[0];
    super(
      409,
      'participant-duplicate',
      'Participant already recorded',
      `${first.name} (${first.country}, ${first.organisation}) is already recorded as participant ` +
        `${first.id}${duplicates.length > 1 ? ` (and ${duplicates.length - 1} more)` : ''}: ` +
        'request the grant for that participant, or, if this is a different person, send the ' +
        'request again with confirmDuplicate: true.',
      undefined,
      { duplicates },
    );
  }
}
