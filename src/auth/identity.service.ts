import { Inject, Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import { Actor } from '../common/actor';
import { isUuid } from '../common/uuid';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { driverError } from '../database/sql-state';
import { TransactionRunner } from '../database/transaction-runner';
import {
  SignInFailedError,
  TokenNotFoundError,
  TooManySignInAttemptsError,
  UsernameTakenError,
  UserNotFoundError,
} from './auth.errors';
import { IdentityRepository, TokenRow, UserRow } from './identity.repository';
import { PasswordService } from './password.service';
import { Role } from './roles';
import { randomSecret, secretDigest } from './secrets';

// Its own key: the audit chain's lock must only ever be taken last in a unit of work.
const FIRST_ADMIN_LOCK_KEY = 7_310_020_003;

export const SESSION_IDLE_SECONDS = 30 * 60;
export const SESSION_ABSOLUTE_SECONDS = 12 * 60 * 60;
export const TOKEN_MAX_DAYS = 366;

/** Failed sign-ins are counted per account and per address over a window of 15 minutes. */
const THROTTLE_WINDOW_SECONDS = 15 * 60;
const THROTTLE = {
  user: { slowAfter: 5, refuseAfter: 10 },
  address: { slowAfter: 20, refuseAfter: 50 },
};
const MAX_DELAY_MS = 5000;

export interface NewUser {
  username: string;
  displayName: string;
  password?: string;
  roles: readonly Role[];
  donorIds?: readonly string[];
}

export interface IssuedSession {
  token: string;
  csrfToken: string;
  expiresAt: Date;
}

export interface IssuedToken {
  token: string;
  row: TokenRow;
}

/** What the audit trail keeps of a user: never the password hash. */
export function auditedUser(user: UserRow): Record<string, unknown> {
  return {
    username: user.username,
    displayName: user.display_name,
    roles: user.roles,
    donorIds: user.donor_ids,
    disabled: user.disabled_at !== null,
  };
}

export function toActor(user: UserRow): Actor {
  return { id: user.username, userId: user.id, roles: user.roles, donorIds: user.donor_ids };
}

/**
 * Who people are and how they prove it: users and roles, password sign-in with throttling,
 * browser sessions, personal access tokens. Authorization (which role may call what) is the
 * AccessGuard's; this service only answers "who is this?".
 */
@Injectable()
export class IdentityService {
  private readonly key: string;

  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    private readonly dataSource: DataSource,
    private readonly transactions: TransactionRunner,
    private readonly repository: IdentityRepository,
    private readonly passwords: PasswordService,
    private readonly audit: AuditService,
  ) {
    this.key = config.session.secret;
  }

  /** Creates a user in the caller's transaction. */
  async createUser(manager: EntityManager, actor: Actor, user: NewUser): Promise<UserRow> {
    const username = user.username.toLowerCase();
    let hash: string | null = null;
    if (user.password !== undefined) {
      this.passwords.assertAcceptable(user.password, username);
      hash = await this.passwords.hash(user.password);
    }
    try {
      const id = await this.repository.insertUser(manager, {
        username,
        displayName: user.displayName,
        passwordHash: hash,
        createdBy: actor.id,
      });
      await this.repository.setRoles(manager, id, user.roles);
      await this.repository.setDonors(manager, id, user.donorIds ?? []);
      const created = (await this.repository.findUserById(manager, id)) as UserRow;
      await this.audit.record(manager, actor, {
        action: 'user.create',
        entityType: 'user',
        entityId: created.id,
        after: auditedUser(created),
      });
      return created;
    } catch (error) {
      if (driverError(error)?.constraint === 'app_user_username_key')
        throw new UsernameTakenError(username);
      throw error;
    }
  }

  async requireUser(manager: EntityManager, id: string): Promise<UserRow> {
    const user = isUuid(id) ? await this.repository.findUserById(manager, id) : undefined;
    if (user === undefined) throw new UserNotFoundError(id);
    return user;
  }

  /** The actor behind a personal access token, if the token and its user are valid now. */
  async actorForToken(token: string): Promise<Actor | undefined> {
    const user = await this.repository.userByToken(
      this.dataSource.manager,
      secretDigest(this.key, token),
    );
    return user === undefined ? undefined : toActor(user);
  }

  /** The actor and CSRF token of a live session of an active user. */
  async actorForSession(token: string): Promise<{ actor: Actor; csrfToken: string } | undefined> {
    const manager = this.dataSource.manager;
    const session = await this.repository.touchSession(
      manager,
      secretDigest(this.key, token),
      SESSION_IDLE_SECONDS,
    );
    if (session === undefined) return undefined;
    const user = await this.repository.activeUser(manager, session.user_id);
    return user === undefined ? undefined : { actor: toActor(user), csrfToken: session.csrf_token };
  }

  /**
   * Password sign-in. Failures are counted per account and per address: after a few the answer
   * is slowed, after more it is refused with 429 until the window passes. The error is the same
   * whether the account exists, is disabled, or the password is wrong.
   */
  async signIn(username: string, password: string, clientAddress: string): Promise<IssuedSession> {
    const name = username.trim().toLowerCase();
    const userKey = `user:${name}`;
    const addressKey = `address:${clientAddress}`;
    const manager = this.dataSource.manager;
    // Counted before the password is checked: counted after, guesses sent in parallel would all
    // read the same count, and none would be slowed or refused.
    const [perUser, perAddress] = await Promise.all([
      this.repository.countAttempt(manager, userKey, THROTTLE_WINDOW_SECONDS),
      this.repository.countAttempt(manager, addressKey, THROTTLE_WINDOW_SECONDS),
    ]);
    const refused =
      perUser.failures > THROTTLE.user.refuseAfter
        ? perUser
        : perAddress.failures > THROTTLE.address.refuseAfter
          ? perAddress
          : undefined;
    if (refused !== undefined) {
      // A refused attempt tests no password, so it does not count as a failure.
      await this.repository.uncountAttempt(manager, [userKey, addressKey]);
      throw new TooManySignInAttemptsError(refused.secondsLeft);
    }
    const excess = Math.max(
      perUser.failures - THROTTLE.user.slowAfter,
      perAddress.failures - THROTTLE.address.slowAfter,
      0,
    );
    if (excess > 0)
      await new Promise((resolve) => setTimeout(resolve, Math.min(MAX_DELAY_MS, excess * 1000)));

    const user = await this.repository.findUserByUsername(manager, name);
    const valid = await this.passwords.verify(user?.password_hash, password);
    if (!valid || user === undefined || user.disabled_at !== null) throw new SignInFailedError();
    await this.repository.clearFailures(manager, userKey);
    await this.repository.uncountAttempt(manager, [addressKey]);
    const token = randomSecret('tfs_');
    const session: IssuedSession = {
      token,
      csrfToken: randomSecret(''),
      expiresAt: new Date(Date.now() + SESSION_ABSOLUTE_SECONDS * 1000),
    };
    await this.transactions.run(async (tx) => {
      await this.repository.insertSession(tx, {
        digest: secretDigest(this.key, token),
        userId: user.id,
        csrfToken: session.csrfToken,
        expiresAt: session.expiresAt,
        clientAddress,
      });
      await this.audit.record(tx, toActor(user), {
        action: 'session.sign-in',
        entityType: 'user',
        entityId: user.id,
        after: { clientAddress, expiresAt: session.expiresAt.toISOString() },
      });
    });
    return session;
  }

  /** Ends the session of this cookie value; `actor` is who it belonged to, when it was live. */
  async signOut(token: string, actor?: Actor): Promise<void> {
    await this.transactions.run(async (manager) => {
      await this.repository.revokeSession(manager, secretDigest(this.key, token));
      if (actor?.userId !== undefined) {
        await this.audit.record(manager, actor, {
          action: 'session.sign-out',
          entityType: 'user',
          entityId: actor.userId,
        });
      }
    });
  }

  /** A new personal access token; its value is returned here once and never stored. */
  async createToken(
    manager: EntityManager,
    actor: Actor,
    name: string,
    days: number,
  ): Promise<IssuedToken> {
    const token = randomSecret('tft_');
    const row = await this.repository.insertToken(manager, {
      userId: actor.userId as string,
      name,
      digest: secretDigest(this.key, token),
      prefix: token.slice(0, 12),
      expiresAt: new Date(Date.now() + days * 24 * 60 * 60 * 1000),
    });
    // The token's value is never recorded, only what identifies it.
    await this.audit.record(manager, actor, {
      action: 'token.create',
      entityType: 'access_token',
      entityId: row.id,
      after: { name: row.name, prefix: row.prefix, expiresAt: row.expires_at },
    });
    return { token, row };
  }

  listTokens(actor: Actor): Promise<TokenRow[]> {
    return this.repository.listTokens(this.dataSource.manager, actor.userId as string);
  }

  async revokeToken(manager: EntityManager, actor: Actor, tokenId: string): Promise<TokenRow> {
    const row = isUuid(tokenId)
      ? await this.repository.revokeToken(manager, actor.userId as string, tokenId)
      : undefined;
    if (row === undefined) throw new TokenNotFoundError(tokenId);
    await this.audit.record(manager, actor, {
      action: 'token.revoke',
      entityType: 'access_token',
      entityId: row.id,
      after: { name: row.name, prefix: row.prefix, revokedAt: row.revoked_at },
    });
    return row;
  }

  async hasActiveAdmin(): Promise<boolean> {
    return (await this.repository.countActiveAdmins(this.dataSource.manager)) > 0;
  }

  /** For the CLI and the first start: an admin, unless an active one exists already. */
  async bootstrapAdmin(
    username: string,
    password: string,
    displayName: string,
  ): Promise<UserRow | undefined> {
    return this.transactions.run(async (manager) => {
      // One bootstrap at a time, even from several instances starting together.
      await manager.query(`SELECT pg_advisory_xact_lock($1)`, [FIRST_ADMIN_LOCK_KEY]);
      if ((await this.repository.countActiveAdmins(manager)) > 0) return undefined;
      const system: Actor = { id: 'system:bootstrap', roles: ['admin'], donorIds: [] };
      return this.createUser(manager, system, {
        username,
        displayName,
        password,
        roles: ['admin'],
      });
    });
  }
}
