import { AppError } from '../common/errors/app-error';

/** E-mail was asked for but MAIL_URL is not set. */
export class MailNotConfiguredError extends AppError {
  constructor() {
    super(
      409,
      'mail-not-configured',
      'E-mail is not configured',
      'This installation sends no e-mail: set MAIL_URL (and MAIL_FROM) to an SMTP server. The documents can still be downloaded.',
    );
  }
}

/** The SMTP server refused the message or could not be reached. */
export class MailDeliveryError extends AppError {
  constructor(reason: string) {
    super(
      502,
      'mail-delivery-failed',
      'E-mail could not be sent',
      `The mail server did not accept the message: ${reason}`,
    );
  }
}
