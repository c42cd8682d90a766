import { Test, TestingModule } from '@nestjs/testing';
import { mkdtempSync } from 'node:fs';
import { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SMTPServer, SMTPServerAddress } from 'smtp-server';
import { loadConfig } from '../../src/config/app-config';
import { ConfigModule } from '../../src/config/config.module';
import { ConfigurationError } from '../../src/config/environment';
import { DocumentRenderer } from '../../src/documents/document-renderer';
import { sampleAcknowledgement } from '../../src/documents/document-samples';
import { MailDeliveryError, MailNotConfiguredError } from '../../src/mail/mail.errors';
import { MailModule } from '../../src/mail/mail.module';
import { MailService } from '../../src/mail/mail.service';

interface Received {
  raw: string;
  from: string;
  to: string[];
}

interface MimePart {
  headers: Map<string, string>;
  body: string;
  parts: MimePart[];
}

/** Just enough of RFC 2045/2046 to read back what nodemailer wrote. */
function parseMime(raw: string): MimePart {
  const split = raw.indexOf('\r\n\r\n');
  const head = raw.slice(0, split);
  const body = raw.slice(split + 4);
  const headers = new Map(
    head
      .replace(/\r\n[ \t]+/g, ' ')
      .split('\r\n')
      .map((line): [string, string] => {
        const colon = line.indexOf(':');
        return [line.slice(0, colon).toLowerCase(), line.slice(colon + 1).trim()];
      }),
  );
  const type = headers.get('content-type') ?? 'text/plain';
  const boundary = /boundary="?([^";]+)"?/i.exec(type)?.[1];
  const parts =
    type.startsWith('multipart/') && boundary !== undefined
      ? body
          .split(`--${boundary}`)
          .slice(1, -1)
          .map((part) => parseMime(part.replace(/^\r\n/, '')))
      : [];
  return { headers, body, parts };
}

const leaves = (part: MimePart): MimePart[] =>
  part.parts.length === 0 ? [part] : part.parts.flatMap(leaves);

function quotedPrintable(text: string, underscoreIsSpace = false): Buffer {
  const bytes: number[] = [];
  const source = text.replace(/=\r\n/g, '');
  for (let i = 0; i < source.length; i++) {
    if (source[i] === '=' && /^[0-9A-F]{2}$/i.test(source.slice(i + 1, i + 3))) {
      bytes.push(parseInt(source.slice(i + 1, i + 3), 16));
      i += 2;
    } else if (underscoreIsSpace && source[i] === '_') bytes.push(0x20);
    else bytes.push(...Buffer.from(source[i], 'utf8'));
  }
  return Buffer.from(bytes);
}

function content(part: MimePart): Buffer {
  switch (part.headers.get('content-transfer-encoding')?.toLowerCase()) {
    case 'base64':
      return Buffer.from(part.body.replace(/\s/g, ''), 'base64');
    case 'quoted-printable':
      return quotedPrintable(part.body);
    default:
      return Buffer.from(part.body, 'utf8');
  }
}

/** RFC 2047 encoded words (=?UTF-8?B?…?= / =?UTF-8?Q?…?=), adjacent ones joined before decoding. */
function decodeHeader(value: string): string {
  const joined = value.replace(/\?=\s+=\?/g, '?==?');
  let out = '';
  let bytes: Buffer[] = [];
  let last = 0;
  for (const match of joined.matchAll(/=\?utf-8\?([bq])\?([^?]*)\?=/gi)) {
    if (match.index > last) {
      out += Buffer.concat(bytes).toString('utf8') + joined.slice(last, match.index);
      bytes = [];
    }
    bytes.push(
      match[1].toLowerCase() === 'b'
        ? Buffer.from(match[2], 'base64')
        : quotedPrintable(match[2], true),
    );
    last = match.index + match[0].length;
  }
  return out + Buffer.concat(bytes).toString('utf8') + joined.slice(last);
}

const address = (value: SMTPServerAddress | false): string =>
  value === false ? '' : value.address;

describe(MailService.name, () => {
  const received: Received[] = [];
  let server: SMTPServer;
  let port: number;

  beforeAll(async () => {
    server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      onRcptTo(recipient, _session, callback) {
        callback(
          recipient.address.startsWith('unknown@') ? new Error('mailbox unavailable') : null,
        );
      },
      onData(stream, session, callback) {
        const chunks: Buffer[] = [];
        stream.on('data', (chunk: Buffer) => chunks.push(chunk));
        stream.on('end', () => {
          received.push({
            raw: Buffer.concat(chunks).toString('utf8'),
            from: address(session.envelope.mailFrom),
            to: session.envelope.rcptTo.map((rcpt) => rcpt.address),
          });
          callback();
        });
      },
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.server.address() as AddressInfo).port;
  });

  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  async function mailService(env: Record<string, string>): Promise<TestingModule> {
    const config = loadConfig({ DATA_DIR: mkdtempSync(join(tmpdir(), 'tf-mail-')), ...env });
    const moduleRef = await Test.createTestingModule({
      imports: [ConfigModule.forRoot(config), MailModule],
    }).compile();
    return moduleRef.init();
  }

  it('delivers a letter with its PDF attached, subject and text in the donor’s language', async () => {
    const moduleRef = await mailService({
      MAIL_URL: `smtp://127.0.0.1:${port}`,
      MAIL_FROM: 'WSIS Trust Fund <trust-fund@itu.example>',
    });
    const mail = moduleRef.get(MailService);
    const letter = sampleAcknowledgement('ru');
    const { html, title } = new DocumentRenderer().render(letter, {
      language: 'ru',
      draft: false,
      number: 'AK-2026-000003',
      issuedOn: '2026-03-13',
    });
    // Every byte value, so that an encoding that is not binary-safe would show.
    const pdf = Buffer.concat([
      Buffer.from('%PDF-1.7\n'),
      Buffer.from(Array.from({ length: 256 }, (_, i) => i)),
      Buffer.from('\n%%EOF\n'),
    ]);
    expect(mail.configured()).toBe(true);

    const { messageId } = await mail.send({
      to: ['finance@mincom.example', 'treasury@mincom.example'],
      subject: title,
      html,
      attachments: [
        { filename: 'AK-2026-000003-v1.pdf', content: pdf, contentType: 'application/pdf' },
      ],
    });
    await moduleRef.close();

    expect(received).toHaveLength(1);
    const [message] = received;
    expect(message.from).toBe('trust-fund@itu.example');
    expect(message.to).toEqual(['finance@mincom.example', 'treasury@mincom.example']);
    const mime = parseMime(message.raw);
    expect(mime.headers.get('message-id')).toBe(messageId);
    expect(decodeHeader(mime.headers.get('from') ?? '')).toBe(
      'WSIS Trust Fund <trust-fund@itu.example>',
    );
    expect(decodeHeader(mime.headers.get('subject') ?? '')).toBe(
      'Подтверждение получения взноса AK-2026-000003',
    );
    const [body, attachment] = leaves(mime);
    expect(body.headers.get('content-type')).toMatch(/^text\/html; charset=utf-8/i);
    expect(content(body).toString('utf8')).toContain(letter.donor.name);
    expect(attachment.headers.get('content-type')).toMatch(/^application\/pdf/);
    expect(attachment.headers.get('content-disposition')).toMatch(
      /^attachment; filename="?AK-2026-000003-v1\.pdf"?$/,
    );
    expect(content(attachment).equals(pdf)).toBe(true);
  });

  it('says so when the server refuses the message', async () => {
    const moduleRef = await mailService({ MAIL_URL: `smtp://127.0.0.1:${port}` });
    const sending = moduleRef.get(MailService).send({
      to: ['unknown@mincom.example'],
      subject: 'Payment reminder',
      html: '<p>x</p>',
    });
    await expect(sending).rejects.toBeInstanceOf(MailDeliveryError);
    await expect(sending).rejects.toMatchObject({ status: 502, code: 'mail-delivery-failed' });
    await moduleRef.close();
  });

  it('sends nothing and says so when MAIL_URL is not set', async () => {
    const before = received.length;
    const moduleRef = await mailService({});
    const mail = moduleRef.get(MailService);
    expect(mail.configured()).toBe(false);
    const sending = mail.send({ to: ['finance@mincom.example'], subject: 's', html: '<p>x</p>' });
    await expect(sending).rejects.toBeInstanceOf(MailNotConfiguredError);
    await expect(sending).rejects.toMatchObject({ status: 409, code: 'mail-not-configured' });
    expect(received).toHaveLength(before);
    await moduleRef.close();
  });
});

describe('mail configuration', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'tf-mail-config-'));
  const problems = (env: Record<string, string>): string[] => {
    try {
      loadConfig({ DATA_DIR: dataDir, ...env });
      return [];
    } catch (error) {
      if (error instanceof ConfigurationError) return error.problems;
      throw error;
    }
  };

  it('reads MAIL_URL and MAIL_FROM, with a default sender', () => {
    expect(loadConfig({ DATA_DIR: dataDir }).mail).toEqual({
      url: undefined,
      from: 'WSIS Trust Fund <trust-fund@localhost>',
    });
    expect(
      loadConfig({
        DATA_DIR: dataDir,
        MAIL_URL: 'smtps://fund:secret@mail.itu.example:465',
        MAIL_FROM: 'trust-fund@itu.example',
      }).mail,
    ).toEqual({ url: 'smtps://fund:secret@mail.itu.example:465', from: 'trust-fund@itu.example' });
  });

  it.each([
    ['MAIL_URL', 'http://mail.itu.example'],
    ['MAIL_URL', 'mail.itu.example:25'],
    ['MAIL_FROM', 'trust fund'],
    ['MAIL_FROM', 'Fund <not an address>'],
  ])('refuses %s=%j with a message naming it', (name, value) => {
    const found = problems({ [name]: value });
    expect(found).toHaveLength(1);
    expect(found[0]).toMatch(new RegExp(`^${name} must be`));
  });
});
