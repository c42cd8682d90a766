import { Injectable } from '@nestjs/common';
import argon2 from 'argon2';
import { dictionary } from '@zxcvbn-ts/language-common';
import { WeakPasswordError } from './auth.errors';

export const PASSWORD_MIN_LENGTH = 12;
const PASSWORD_MAX_LENGTH = 256;

// OWASP's minimum for argon2id: 19 MiB, 2 iterations, 1 lane.
const ARGON2_OPTIONS = {
  type: argon2.argon2id,
  memoryCost: 19_456,
  timeCost: 2,
  parallelism: 1,
} as const;

const COMMON_PASSWORDS: ReadonlySet<string> = new Set(
  dictionary['passwords-common'].map((password) => password.toLowerCase()),
);

@Injectable()
export class PasswordService {
  /** A hash to verify against when the account does not exist, so both cases take as long. */
  private readonly decoy = argon2.hash('decoy-password-never-valid', ARGON2_OPTIONS);

  /** Throws WeakPasswordError with the reason when `password` may not be used. */
  assertAcceptable(password: string, username?: string): void {
    if (password.length < PASSWORD_MIN_LENGTH) {
      throw new WeakPasswordError(`must be at least ${PASSWORD_MIN_LENGTH} characters long`);
    }
    if (password.length > PASSWORD_MAX_LENGTH) {
      throw new WeakPasswordError(`must be at most ${PASSWORD_MAX_LENGTH} characters long`);
    }
    const lower = password.toLowerCase();
    if (COMMON_PASSWORDS.has(lower) || /^(.)\1+$/.test(password)) {
      throw new WeakPasswordError('is one of the most common passwords; choose another');
    }
    if (username !== undefined && lower.includes(username.toLowerCase())) {
      throw new WeakPasswordError('must not contain the user name');
    }
  }

  hash(password: string): Promise<string> {
    return argon2.hash(password, ARGON2_OPTIONS);
  }

  /** Verifies against `hash`, or against a decoy when there is no hash (no such account). */
  async verify(hash: string | null | undefined, password: string): Promise<boolean> {
    if (hash === null || hash === undefined) {
      await argon2.verify(await this.decoy, password);
      return false;
    }
    return argon2.verify(hash, password);
  }
}
