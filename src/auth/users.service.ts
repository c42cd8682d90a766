import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import { Actor } from '../common/actor';
import { TransactionRunner } from '../database/transaction-runner';
import {
  CreateTokenRequest,
  CreateUserRequest,
  IssuedTokenResponse,
  SetDonorsRequest,
  SetRolesRequest,
  TokenResponse,
  UserResponse,
} from './dto/identity.dto';
import { IdentityRepository, TokenRow, UserRow } from './identity.repository';
import { auditedUser, IdentityService } from './identity.service';

const DEFAULT_TOKEN_DAYS = 90;

/** User administration (admins) and each user's own access tokens. */
@Injectable()
export class UsersService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly transactions: TransactionRunner,
    private readonly identity: IdentityService,
    private readonly repository: IdentityRepository,
    private readonly audit: AuditService,
  ) {}

  create(actor: Actor, request: CreateUserRequest): Promise<UserResponse> {
    return this.transactions.run(async (manager) =>
      toUserResponse(await this.identity.createUser(manager, actor, request)),
    );
  }

  async list(): Promise<UserResponse[]> {
    return (await this.repository.listUsers(this.dataSource.manager)).map(toUserResponse);
  }

  async get(id: string): Promise<UserResponse> {
    return toUserResponse(await this.identity.requireUser(this.dataSource.manager, id));
  }

  setRoles(actor: Actor, id: string, request: SetRolesRequest): Promise<UserResponse> {
    return this.change(actor, id, 'user.roles.set', (manager, userId) =>
      this.repository.setRoles(manager, userId, request.roles),
    );
  }

  setDonors(actor: Actor, id: string, request: SetDonorsRequest): Promise<UserResponse> {
    return this.change(actor, id, 'user.donors.set', (manager, userId) =>
      this.repository.setDonors(manager, userId, request.donorIds),
    );
  }

  /** Takes effect at once: every request re-reads the user behind its session or token. */
  setDisabled(actor: Actor, id: string, disabled: boolean): Promise<UserResponse> {
    return this.change(actor, id, disabled ? 'user.disable' : 'user.enable', (manager, userId) =>
      this.repository.setDisabled(manager, userId, disabled),
    );
  }

  /** One audited change of a user: read, change, read again, record before and after. */
  private change(
    actor: Actor,
    id: string,
    action: string,
    apply: (manager: EntityManager, userId: string) => Promise<void>,
  ): Promise<UserResponse> {
    return this.transactions.run(async (manager) => {
      const before = await this.identity.requireUser(manager, id);
      await apply(manager, before.id);
      const after = await this.identity.requireUser(manager, id);
      await this.audit.record(manager, actor, {
        action,
        entityType: 'user',
        entityId: after.id,
        before: auditedUser(before),
        after: auditedUser(after),
      });
      return toUserResponse(after);
    });
  }

  async me(actor: Actor): Promise<UserResponse> {
    return toUserResponse(
      await this.identity.requireUser(this.dataSource.manager, actor.userId as string),
    );
  }

  createToken(actor: Actor, request: CreateTokenRequest): Promise<IssuedTokenResponse> {
    return this.transactions.run(async (manager) => {
      const issued = await this.identity.createToken(
        manager,
        actor,
        request.name,
        request.expiresInDays ?? DEFAULT_TOKEN_DAYS,
      );
      return { ...toTokenResponse(issued.row), token: issued.token };
    });
  }

  async tokens(actor: Actor): Promise<TokenResponse[]> {
    return (await this.identity.listTokens(actor)).map(toTokenResponse);
  }

  revokeToken(actor: Actor, id: string): Promise<TokenResponse> {
    return this.transactions.run(async (manager) =>
      toTokenResponse(await this.identity.revokeToken(manager, actor, id)),
    );
  }
}

const iso = (value: Date | null): string | null =>
  value === null ? null : new Date(value).toISOString();

export function toUserResponse(user: UserRow): UserResponse {
  return {
    id: user.id,
    username: user.username,
    displayName: user.display_name,
    roles: user.roles,
    donorIds: user.donor_ids,
    disabled: user.disabled_at !== null,
    createdBy: user.created_by,
    createdAt: new Date(user.created_at).toISOString(),
  };
}

function toTokenResponse(row: TokenRow): TokenResponse {
  return {
    id: row.id,
    name: row.name,
    prefix: row.prefix,
    createdAt: new Date(row.created_at).toISOString(),
    expiresAt: new Date(row.expires_at).toISOString(),
    revokedAt: iso(row.revoked_at),
    lastUsedAt: iso(row.last_used_at),
  };
}
