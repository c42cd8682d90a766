import { AppError } from '../common/errors/app-error';

export class UnauthenticatedError extends AppError {
  constructor(detail = 'Sign in, or send a valid personal access token as a Bearer token.') {
    super(401, 'unauthenticated', 'Authentication required', detail);
  }
}

export class ForbiddenError extends AppError {
  constructor(detail = 'Your roles do not allow this.') {
    super(403, 'forbidden', 'Forbidden', detail);
  }
}

/** The same words whether the account exists or not, and whatever was wrong. */
export class SignInFailedError extends AppError {
  constructor() {
    super(401, 'sign-in-failed', 'Sign-in failed', 'The user name or password is not correct.');
  }
}

export class TooManySignInAttemptsError extends AppError {
  constructor(readonly retryAfterSeconds: number) {
    super(
      429,
      'too-many-sign-in-attempts',
      'Too many sign-in attempts',
      `Too many failed sign-ins. Try again in ${Math.ceil(retryAfterSeconds / 60)} minutes.`,
    );
  }
}

export class CsrfError extends AppError {
  constructor() {
    super(
      403,
      'csrf-token-invalid',
      'Form expired',
      'The form’s security token is missing or does not match your session. Reload the page and try again.',
    );
  }
}

export class WeakPasswordError extends AppError {
  constructor(reason: string) {
    super(422, 'validation-failed', 'Your request is not valid', `password: ${reason}`, [
      { field: 'password', rule: 'passwordPolicy', reason },
    ]);
  }
}

export class UserNotFoundError extends AppError {
  constructor(id: string) {
    super(404, 'user-not-found', 'User not found', `There is no user ${id}.`);
  }
}

export class UsernameTakenError extends AppError {
  constructor(username: string) {
    super(409, 'username-taken', 'User name already used', `A user ${username} exists.`);
  }
}

export class TokenNotFoundError extends AppError {
  constructor(id: string) {
    super(404, 'token-not-found', 'Token not found', `You have no access token ${id}.`);
  }
}

/** A page asked for by someone not signed in: the filter answers with a redirect to sign in. */
export class SignInRequired extends AppError {
  constructor(readonly next: string) {
    super(401, 'unauthenticated', 'Authentication required', 'Sign in to see this page.');
  }
}
