import { Inject, Injectable, OnApplicationShutdown } from '@nestjs/common';
import { createTransport, Transporter } from 'nodemailer';
import { ValidationFailedError } from '../common/errors/app-error';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { MailDeliveryError, MailNotConfiguredError } from './mail.errors';

export interface MailAttachment {
  filename: string;
  content: Buffer;
  contentType: string;
}

export interface MailMessage {
  to: string[];
  subject: string;
  html: string;
  /** A plain-text alternative; without it the message is HTML only. */
  text?: string;
  attachments?: MailAttachment[];
}

/**
 * Sends e-mail through the SMTP server named by MAIL_URL, from MAIL_FROM. One transport for the
 * process, opened on the first message (a server that is down does not stop the application)
 * and closed at shutdown.
 */
@Injectable()
export class MailService implements OnApplicationShutdown {
  private transport?: Transporter;

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  configured(): boolean {
    return this.config.mail.url !== undefined;
  }

  async send(message: MailMessage): Promise<{ messageId: string }> {
    const url = this.config.mail.url;
    if (url === undefined) throw new MailNotConfiguredError();
    if (message.to.length === 0) {
      throw new ValidationFailedError([
        { field: 'to', reason: 'needs at least one recipient', rule: 'arrayNotEmpty' },
      ]);
    }
    this.transport ??= createTransport({
      url,
      // An unreachable server fails a send within seconds rather than nodemailer's minutes.
      connectionTimeout: 15_000,
      greetingTimeout: 15_000,
      socketTimeout: 60_000,
    });
    try {
      const info = (await this.transport.sendMail({
        from: this.config.mail.from,
        to: message.to,
        subject: message.subject,
        html: message.html,
        text: message.text,
        attachments: message.attachments,
      })) as { messageId: string };
      return { messageId: info.messageId };
    } catch (error) {
      throw new MailDeliveryError(error instanceof Error ? error.message : String(error));
    }
  }

  onApplicationShutdown(): void {
    this.transport?.close();
    this.transport = undefined;
  }
}
