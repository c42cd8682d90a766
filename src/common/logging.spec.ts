import pino from 'pino';
import { Writable } from 'node:stream';
import { QueryFailedError } from 'typeorm';
import { REDACT_PATHS, redactUrl, serializeError } from './logging';

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

  it('never logs the parameters of a failed query (they carry digests and hashes)', () => {
    const driverError = Object.assign(new Error('timeout'), {
      code: '57014',
      parameters: ['secret-digest'],
    });
    const error = new QueryFailedError(
      'INSERT INTO user_session VALUES ($1)',
      ['secret-digest'],
      driverError,
    );
    const logged = JSON.stringify(serializeError(error));
    expect(logged).toContain('INSERT INTO user_session');
    expect(logged).not.toContain('secret-digest');
    expect((driverError as { parameters?: unknown }).parameters).toEqual(['secret-digest']);
  });
});
