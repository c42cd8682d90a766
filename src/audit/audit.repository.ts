import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { AuditContent, JsonValue } from './audit-hash';

/**
 * The key of the one advisory lock every writer of the audit trail takes. Any fixed number
 * works, as long as every instance uses the same one (7_310_020_001 is the migration lock).
 */
export const AUDIT_CHAIN_LOCK_KEY = 7_310_020_002;

/** A row of audit_log as the application reads it. */
export interface AuditRow {
  id: string;
  /** UTC with microseconds, no zone: 2026-03-31T14:05:09.123000 (see auditTimestamp). */
  at: string;
  actor: string;
  actor_user_id: string | null;
  action: string;
  entity_type: string;
  entity_id: string;
  before: JsonValue;
  after: JsonValue;
  request_id: string | null;
  client_address: string | null;
  prev_hash: string | null;
  hash: string;
}

export interface AuditQuery {
  entityType: string | null;
  entityId: string | null;
  actor: string | null;
  action: string | null;
  /** Inclusive lower bound, an ISO-8601 timestamp. */
  from: string | null;
  /** Exclusive upper bound, an ISO-8601 timestamp. */
  before: string | null;
  limit: number;
  offset: number;
}

// Timestamps leave as text with all six fractional digits: a Date would drop microseconds, and
// with them a change to `at` that the verifier must see. Queries ORDER BY audit_log.id: a bare
// `id` would be the text alias, which sorts 10 before 9.
const COLUMNS = `
  id::text AS id,
  to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US') AS at,
  actor, actor_user_id::text AS actor_user_id, action, entity_type, entity_id,
  before, after, request_id, client_address, prev_hash, hash`;

@Injectable()
export class AuditRepository {
  /**
   * Appends a record after the newest one, in one round trip (audit_append, migration
   * AuditAppend): takes the chain's lock, held until the caller's transaction ends, reads the
   * last hash after it, and stores the record with prev_hash and the hash of the canonical JSON
   * whose two parts around prev_hash's value are given.
   */
  async append(
    manager: EntityManager,
    content: Omit<AuditContent, 'prev_hash'>,
    [canonicalBefore, canonicalAfter]: [string, string],
  ): Promise<{ id: string; prev_hash: string | null; hash: string }> {
    const [row] = await manager.query<{ id: string; prev_hash: string | null; hash: string }[]>(
      `SELECT id, prev_hash, hash
         FROM audit_append($1::bigint, $2::timestamptz, $3, $4::uuid, $5, $6, $7, $8::jsonb,
                           $9::jsonb, $10, $11, $12, $13)`,
      [
        AUDIT_CHAIN_LOCK_KEY,
        content.at,
        content.actor,
        content.actor_user_id,
        content.action,
        content.entity_type,
        content.entity_id,
        jsonParameter(content.before),
        jsonParameter(content.after),
        content.request_id,
        content.client_address,
        canonicalBefore,
        canonicalAfter,
      ],
    );
    return row;
  }

  /** Up to `limit` records after id `afterId`, oldest first: the verifier pages through these. */
  page(manager: EntityManager, afterId: string, limit: number): Promise<AuditRow[]> {
    return manager.query<AuditRow[]>(
      `SELECT ${COLUMNS} FROM audit_log WHERE id > $1::bigint ORDER BY audit_log.id LIMIT $2`,
      [afterId, limit],
    );
  }

  /**
   * Newest first (the chain's order, which is the order of commit). Only the filters given are
   * put in the SQL, so that the planner can use the index that fits them.
   */
  find(manager: EntityManager, query: AuditQuery): Promise<AuditRow[]> {
    const conditions: string[] = [];
    const parameters: unknown[] = [];
    const where = (sql: (placeholder: string) => string, value: string | null): void => {
      if (value === null) return;
      parameters.push(value);
      conditions.push(sql(`$${parameters.length}`));
    };
    where((p) => `entity_type = ${p}`, query.entityType);
    where((p) => `entity_id = ${p}`, query.entityId);
    where((p) => `actor = ${p}`, query.actor);
    where((p) => `action = ${p}`, query.action);
    where((p) => `at >= ${p}::timestamptz`, query.from);
    where((p) => `at < ${p}::timestamptz`, query.before);
    parameters.push(query.limit, query.offset);
    return manager.query<AuditRow[]>(
      `SELECT ${COLUMNS} FROM audit_log
        ${conditions.length === 0 ? '' : `WHERE ${conditions.join(' AND ')}`}
        ORDER BY audit_log.id DESC
        LIMIT $${parameters.length - 1} OFFSET $${parameters.length}`,
      parameters,
    );
  }
}

// JSON null and "no value" are both stored as SQL NULL, and both read back as null.
function jsonParameter(value: JsonValue): string | null {
  return value === null ? null : JSON.stringify(value);
}
