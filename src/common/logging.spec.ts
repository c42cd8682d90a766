import pino from 'pino';
import { Writable } from 'node:stream';
import { REDACT_PATHS, redactUrl } from './logging';

function capture(): { logger: pino.Logger; text: () => string } {
  let out = '';
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      out += chunk.toString();
      done();
    },
  });
  const logger = pino({ redact: { paths: REDACT_PATHS, censor: '[redacted]' } }, stream);
  return { logger, text: () => out };
}

describe('log redaction', () => {
  it('hides secrets wherever an object carrying them is logged, up to three levels deep', () => {
    const { logger, text } = capture();
    logger.info({ password: 'p1', user: { name: 'Amina', password: 'p2' } }, 'sign-in');
    logger.info({ dto: { credentials: { token: 't1' } }, sessionSecret: 's1' }, 'nested');
    logger.info({ config: { DATABASE_URL: 'postgres://u:pw@h/db' } }, 'config');
    const logged = text();
    for (const secret of ['p1', 'p2', 't1', 's1', 'pw@h']) expect(logged).not.toContain(secret);
    expect(logged).toContain('Amina');
    expect(logged.match(/\[redacted\]/g)).toHaveLength(5);
  });

  it('masks secret query parameters in URLs and keeps the others', () => {
    expect(redactUrl('/api/v1/x?token=abc&page=2&API_KEY=k')).toBe(
      '/api/v1/x?token=%5Bredacted%5D&page=2&API_KEY=%5Bredacted%5D',
    );
    expect(redactUrl('/api/v1/x')).toBe('/api/v1/x');
  });
});
