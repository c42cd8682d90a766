import { AppError } from '../errors/app-error';

export class IdempotencyKeyReusedError extends AppError {
  constructor() {
    super(
      422,
      'idempotency-key-reused',
      'Idempotency-Key already used for another request',
      'This Idempotency-Key was already used with a different request (method, path or body). ' +
        'Use a new key for a new request; resend the same request unchanged to get its original answer.',
    );
  }
}

export class InvalidIdempotencyKeyError extends AppError {
  constructor() {
    super(
      422,
      'validation-failed',
      'Your request is not valid',
      'Idempotency-Key: must be 1 to 255 visible ASCII characters',
      [
        {
          field: 'header:Idempotency-Key',
          rule: 'format',
          reason: 'must be 1 to 255 visible ASCII characters',
        },
      ],
    );
  }
}
