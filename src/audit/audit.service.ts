import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { Actor } from '../common/actor';
import { requestContext } from '../common/request-context';
import { AuditRecordResponse } from './dto/audit.dto';
import {
  AuditContent,
  auditHash,
  auditTimestamp,
  canonicalAroundPrevHash,
  toJsonValue,
} from './audit-hash';
import { auditPeriod } from './audit-period';
import { AuditChainError, AuditOutsideTransactionError } from './audit.errors';
import { AuditRepository, AuditRow } from './audit.repository';
import { AuditChange, AuditFilter, AuditRecordRef, AuditVerification } from './audit.types';

/** How many records the verifier reads at a time: memory stays flat however long the trail. */
export const VERIFY_PAGE_SIZE = 1000;
const DEFAULT_LIMIT = 100;

/**
 * The audit trail: who changed what, when, from where, with the entity before and after.
 *
 * Every service that changes something calls `record` inside its own transaction, with the same
 * manager, so that the record commits with the change or not at all. Records are hash-chained:
 * each holds the hash of the one before and the hash of its own content (audit-hash.ts).
 */
@Injectable()
export class AuditService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly repository: AuditRepository,
  ) {}

  /** Appends one record in the caller's transaction (see recordMany). */
  async record(manager: EntityManager, actor: Actor, change: AuditChange): Promise<AuditRecordRef> {
    const [ref] = await this.recordMany(manager, actor, [change]);
    return ref;
  }

  /**
   * Appends records, in order, in the caller's transaction, one round trip each. The chain's
   * advisory lock is taken with the first and held until that transaction ends, so that no other
   * writer (of this instance or another) reads the same last hash: the chain stays one line under
   * any concurrency.
   *
   * Call it last in the unit of work, after every row lock the unit takes: the lock is held
   * briefly, and a holder never waits for a row that another writer holds while that writer
   * waits for the chain (a deadlock). The transaction must be READ COMMITTED (TransactionRunner's
   * default), so that the last hash is read after the lock; under a snapshot taken earlier the
   * unique prev_hash would refuse the fork rather than let it in.
   */
  async recordMany(
    manager: EntityManager,
    actor: Actor,
    changes: readonly AuditChange[],
  ): Promise<AuditRecordRef[]> {
    if (manager.queryRunner?.isTransactionActive !== true) throw new AuditOutsideTransactionError();
    if (changes.length === 0) return [];
    const { requestId, clientAddress } = requestContext();
    const refs: AuditRecordRef[] = [];
    for (const change of changes) {
      const content: Omit<AuditContent, 'prev_hash'> = {
        at: new Date().toISOString(),
        actor: actor.id,
        // uuid comes back from the database in lower case; hash what will come back.
        actor_user_id: actor.userId?.toLowerCase() ?? null,
        action: change.action,
        entity_type: change.entityType,
        entity_id: change.entityId,
        before: toJsonValue(change.before),
        after: toJsonValue(change.after),
        request_id: requestId ?? null,
        client_address: clientAddress ?? null,
      };
      const row = await this.repository.append(manager, content, canonicalAroundPrevHash(content));
      // The database hashed what the verifier will hash, or the change does not commit.
      const previous = refs.at(-1);
      if (
        auditHash({ ...content, prev_hash: row.prev_hash }) !== row.hash ||
        (previous !== undefined && row.prev_hash !== previous.hash)
      ) {
        throw new AuditChainError(row.id);
      }
      refs.push({ id: row.id, hash: row.hash });
    }
    return refs;
  }

  /**
   * Walks the whole chain in id order, a page at a time, and names the first record whose link
   * to the one before or whose own hash does not hold. Outside any transaction: records appended
   * meanwhile are simply checked too.
   */
  async verify(): Promise<AuditVerification> {
    const manager = this.dataSource.manager;
    let checked = 0;
    let previous: AuditRow | undefined;
    for (;;) {
      const rows = await this.repository.page(manager, previous?.id ?? '0', VERIFY_PAGE_SIZE);
      for (const row of rows) {
        checked++;
        const reason = brokenLink(row, previous);
        if (reason !== undefined) {
          return { ok: false, checked, firstBroken: { id: row.id, reason }, ...last(previous) };
        }
        previous = row;
      }
      if (rows.length < VERIFY_PAGE_SIZE) return { ok: true, checked, ...last(previous) };
    }
  }

  /** Records matching every filter given, newest first. */
  async find(filter: AuditFilter): Promise<AuditRecordResponse[]> {
    const period = auditPeriod(filter.from, filter.to);
    const rows = await this.repository.find(this.dataSource.manager, {
      entityType: filter.entityType ?? null,
      entityId: filter.entityId ?? null,
      actor: filter.actor ?? null,
      action: filter.action ?? null,
      from: period.from,
      before: period.before,
      limit: filter.limit ?? DEFAULT_LIMIT,
      offset: filter.offset ?? 0,
    });
    return rows.map(toAuditRecordResponse);
  }
}

/** Why `row` does not follow `previous` (undefined: `row` is the first), or undefined if it does. */
function brokenLink(row: AuditRow, previous: AuditRow | undefined): string | undefined {
  if (previous === undefined && row.prev_hash !== null) {
    return 'the first record refers to a record before it (prev_hash is set): earlier records were removed';
  }
  if (previous !== undefined && row.prev_hash !== previous.hash) {
    return (
      `prev_hash does not match the hash of record ${previous.id}, the record before it: ` +
      'a record between them was removed, or a hash was rewritten'
    );
  }
  if (auditHash(contentOf(row)) !== row.hash) {
    return 'the record’s content does not match its hash: the record was changed after it was written';
  }
  return undefined;
}

function contentOf(row: AuditRow): AuditContent {
  return {
    at: auditTimestamp(row.at),
    actor: row.actor,
    actor_user_id: row.actor_user_id,
    action: row.action,
    entity_type: row.entity_type,
    entity_id: row.entity_id,
    before: row.before,
    after: row.after,
    request_id: row.request_id,
    client_address: row.client_address,
    prev_hash: row.prev_hash,
  };
}

function last(row: AuditRow | undefined): { lastId?: string; lastHash?: string } {
  return row === undefined ? {} : { lastId: row.id, lastHash: row.hash };
}

export function toAuditRecordResponse(row: AuditRow): AuditRecordResponse {
  return {
    id: row.id,
    at: auditTimestamp(row.at),
    actor: row.actor,
    actorUserId: row.actor_user_id,
    action: row.action,
    entityType: row.entity_type,
    entityId: row.entity_id,
    before: row.before,
    after: row.after,
    requestId: row.request_id,
    clientAddress: row.client_address,
    prevHash: row.prev_hash,
    hash: row.hash,
  };
}
