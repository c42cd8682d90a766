import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { Role } from './roles';

export interface UserRow {
  id: string;
  username: string;
  display_name: string;
  password_hash: string | null;
  disabled_at: Date | null;
  created_by: string;
  created_at: Date;
  roles: Role[];
  donor_ids: string[];
}

export interface SessionRow {
  id: string;
  user_id: string;
  csrf_token: string;
  last_seen_at: Date;
  expires_at: Date;
}

export interface TokenRow {
  id: string;
  name: string;
  prefix: string;
  created_at: Date;
  expires_at: Date;
  revoked_at: Date | null;
  last_used_at: Date | null;
}

const USER_SELECT = `
  SELECT u.id, u.username, u.display_name, u.password_hash, u.disabled_at, u.created_by,
         u.created_at,
         coalesce((SELECT array_agg(r.role ORDER BY r.role) FROM user_role r WHERE r.user_id = u.id),
                  '{}') AS roles,
         coalesce((SELECT array_agg(d.donor_id::text ORDER BY d.donor_id) FROM user_donor d
                    WHERE d.user_id = u.id), '{}') AS donor_ids
    FROM app_user u`;

/** SQL of users, roles, donor links, sessions, access tokens and sign-in counters. */
@Injectable()
export class IdentityRepository {
  async insertUser(
    manager: EntityManager,
    user: { username: string; displayName: string; passwordHash: string | null; createdBy: string },
  ): Promise<string> {
    const [row] = await manager.query<{ id: string }[]>(
      `INSERT INTO app_user (username, display_name, password_hash, created_by)
       VALUES ($1, $2, $3, $4) RETURNING id`,
      [user.username, user.displayName, user.passwordHash, user.createdBy],
    );
    return row.id;
  }

  async setRoles(manager: EntityManager, userId: string, roles: readonly Role[]): Promise<void> {
    await manager.query(`DELETE FROM user_role WHERE user_id = $1`, [userId]);
    if (roles.length > 0) {
      await manager.query(`INSERT INTO user_role (user_id, role) SELECT $1, unnest($2::text[])`, [
        userId,
        [...new Set(roles)],
      ]);
    }
  }

  async setDonors(
    manager: EntityManager,
    userId: string,
    donorIds: readonly string[],
  ): Promise<void> {
    await manager.query(`DELETE FROM user_donor WHERE user_id = $1`, [userId]);
    if (donorIds.length > 0) {
      await manager.query(
        `INSERT INTO user_donor (user_id, donor_id) SELECT $1, unnest($2::uuid[])`,
        [userId, [...new Set(donorIds)]],
      );
    }
  }

  async setDisabled(manager: EntityManager, userId: string, disabled: boolean): Promise<void> {
    await manager.query(
      `UPDATE app_user SET disabled_at = CASE WHEN $2 THEN coalesce(disabled_at, now()) END
        WHERE id = $1`,
      [userId, disabled],
    );
  }

  async findUserById(manager: EntityManager, id: string): Promise<UserRow | undefined> {
    const rows = await manager.query<UserRow[]>(`${USER_SELECT} WHERE u.id = $1`, [id]);
    return rows[0];
  }

  async findUserByUsername(manager: EntityManager, username: string): Promise<UserRow | undefined> {
    const rows = await manager.query<UserRow[]>(`${USER_SELECT} WHERE u.username = $1`, [username]);
    return rows[0];
  }

  listUsers(manager: EntityManager): Promise<UserRow[]> {
    return manager.query<UserRow[]>(`${USER_SELECT} ORDER BY u.username`);
  }

  async countActiveAdmins(manager: EntityManager): Promise<number> {
    const [row] = await manager.query<{ n: number }[]>(
      `SELECT count(*)::int AS n FROM app_user u JOIN user_role r ON r.user_id = u.id
        WHERE r.role = 'admin' AND u.disabled_at IS NULL`,
    );
    return row.n;
  }

  /** The active user behind a valid, unexpired, unrevoked token; marks the token used. */
  // last_used_at is kept to the minute: writing it on every request made every call of a token
  // queue on its row and wait for a commit of its own (under load, the slowest step of a request).
  async userByToken(manager: EntityManager, digest: string): Promise<UserRow | undefined> {
    const rows = await manager.query<{ user_id: string }[]>(
      `WITH token AS (
         SELECT id, user_id, last_used_at FROM access_token
          WHERE token_hash = $1 AND revoked_at IS NULL AND expires_at > now()),
       touched AS (
         UPDATE access_token t SET last_used_at = now() FROM token
          WHERE t.id = token.id
            AND (token.last_used_at IS NULL OR token.last_used_at < now() - interval '1 minute'))
       SELECT user_id FROM token`,
      [digest],
    );
    return rows[0] === undefined ? undefined : this.activeUser(manager, rows[0].user_id);
  }

  async activeUser(manager: EntityManager, userId: string): Promise<UserRow | undefined> {
    const user = await this.findUserById(manager, userId);
    return user === undefined || user.disabled_at !== null ? undefined : user;
  }

  async insertToken(
    manager: EntityManager,
    token: { userId: string; name: string; digest: string; prefix: string; expiresAt: Date },
  ): Promise<TokenRow> {
    const [row] = await manager.query<TokenRow[]>(
      `INSERT INTO access_token (user_id, name, token_hash, prefix, expires_at)
       VALUES ($1, $2, $3, $4, $5)
       RETURNING id, name, prefix, created_at, expires_at, revoked_at, last_used_at`,
      [token.userId, token.name, token.digest, token.prefix, token.expiresAt],
    );
    return row;
  }

  listTokens(manager: EntityManager, userId: string): Promise<TokenRow[]> {
    return manager.query<TokenRow[]>(
      `SELECT id, name, prefix, created_at, expires_at, revoked_at, last_used_at
         FROM access_token WHERE user_id = $1 ORDER BY created_at DESC`,
      [userId],
    );
  }

  async revokeToken(
    manager: EntityManager,
    userId: string,
    tokenId: string,
  ): Promise<TokenRow | undefined> {
    const rows = await manager.query<TokenRow[]>(
      `WITH revoked AS (
         UPDATE access_token SET revoked_at = coalesce(revoked_at, now())
          WHERE id = $2 AND user_id = $1
          RETURNING id, name, prefix, created_at, expires_at, revoked_at, last_used_at)
       SELECT * FROM revoked`,
      [userId, tokenId],
    );
    return rows[0];
  }

  async insertSession(
    manager: EntityManager,
    session: {
      digest: string;
      userId: string;
      csrfToken: string;
      expiresAt: Date;
      clientAddress?: string;
    },
  ): Promise<void> {
    await manager.query(
      `INSERT INTO user_session (id, user_id, csrf_token, expires_at, client_address)
       VALUES ($1, $2, $3, $4, $5)`,
      [
        session.digest,
        session.userId,
        session.csrfToken,
        session.expiresAt,
        session.clientAddress ?? null,
      ],
    );
  }

  /**
   * The session, if neither revoked nor past its absolute expiry nor idle for longer than
   * `idleSeconds`; its last-seen time moves forward (at most once a minute, to spare writes).
   */
  async touchSession(
    manager: EntityManager,
    digest: string,
    idleSeconds: number,
  ): Promise<SessionRow | undefined> {
    const rows = await manager.query<SessionRow[]>(
      `WITH live AS (
         SELECT id FROM user_session
          WHERE id = $1 AND revoked_at IS NULL AND expires_at > now()
            AND last_seen_at > now() - make_interval(secs => $2)
       ), touched AS (
         UPDATE user_session s SET last_seen_at = now()
           FROM live WHERE s.id = live.id AND s.last_seen_at < now() - interval '1 minute'
       )
       SELECT s.id, s.user_id, s.csrf_token, s.last_seen_at, s.expires_at
         FROM user_session s JOIN live ON live.id = s.id`,
      [digest, idleSeconds],
    );
    return rows[0];
  }

  async revokeSession(manager: EntityManager, digest: string): Promise<void> {
    await manager.query(
      `UPDATE user_session SET revoked_at = coalesce(revoked_at, now()) WHERE id = $1`,
      [digest],
    );
  }

  /**
   * Counts a sign-in attempt under `key` before its password is checked, and returns the count
   * with this attempt and the seconds left in the window. One atomic statement: guesses sent in
   * parallel cannot all read the same count. A window older than `windowSeconds` starts again.
   */
  async countAttempt(
    manager: EntityManager,
    key: string,
    windowSeconds: number,
  ): Promise<{ failures: number; secondsLeft: number }> {
    const [row] = await manager.query<{ failures: number; seconds_left: number }[]>(
      `INSERT INTO sign_in_throttle (key, failures, window_started_at) VALUES ($1, 1, now())
       ON CONFLICT (key) DO UPDATE SET
         failures = CASE WHEN sign_in_throttle.window_started_at < now() - make_interval(secs => $2)
                         THEN 1 ELSE sign_in_throttle.failures + 1 END,
         window_started_at = CASE WHEN sign_in_throttle.window_started_at < now() - make_interval(secs => $2)
                         THEN now() ELSE sign_in_throttle.window_started_at END
       RETURNING failures,
                 ceil(extract(epoch FROM window_started_at + make_interval(secs => $2) - now()))::int
                   AS seconds_left`,
      [key, windowSeconds],
    );
    return { failures: row.failures, secondsLeft: Math.max(1, row.seconds_left) };
  }

  /** Takes back an attempt counted under `keys` that was no failure (refused, or a success). */
  async uncountAttempt(manager: EntityManager, keys: readonly string[]): Promise<void> {
    await manager.query(
      `UPDATE sign_in_throttle SET failures = failures - 1
        WHERE key = ANY($1::text[]) AND failures > 0`,
      [keys],
    );
  }

  async clearFailures(manager: EntityManager, key: string): Promise<void> {
    await manager.query(`DELETE FROM sign_in_throttle WHERE key = $1`, [key]);
  }
}
