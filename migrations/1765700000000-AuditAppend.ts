import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Appending to the audit trail in one round trip instead of three (lock, read the last hash,
 * insert): the chain's advisory lock is held until the transaction ends, so every round trip
 * after it made every other writer wait longer.
 *
 * audit_append takes the lock, then reads the newest record and inserts the new one. It is
 * VOLATILE, so under READ COMMITTED each statement in it takes a fresh snapshot: the read comes
 * after the lock is granted and sees the record of the writer that held it before. The hash is the
 * one src/audit/audit-hash.ts defines, hex(SHA-256(prev_hash + "\n" + canonical JSON)). The
 * application sends the canonical JSON in two parts, before and after the value of "prev_hash",
 * which only the database knows; AuditService checks the answer against its own computation.
 */
export class AuditAppend1765700000000 implements MigrationInterface {
  name = 'AuditAppend1765700000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE FUNCTION audit_append(
        p_lock_key bigint, p_at timestamptz, p_actor text, p_actor_user_id uuid, p_action text,
        p_entity_type text, p_entity_id text, p_before jsonb, p_after jsonb, p_request_id text,
        p_client_address text, p_canonical_before_prev text, p_canonical_after_prev text)
      RETURNS TABLE (id text, prev_hash text, hash text)
      LANGUAGE plpgsql VOLATILE AS $$
      DECLARE
        v_prev text;
        v_hash text;
        v_id bigint;
      BEGIN
        PERFORM pg_advisory_xact_lock(p_lock_key);
        SELECT a.hash INTO v_prev FROM audit_log a ORDER BY a.id DESC LIMIT 1;
        v_hash := encode(sha256(convert_to(
          coalesce(v_prev, '') || E'\\n' || p_canonical_before_prev
            || coalesce('"' || v_prev || '"', 'null') || p_canonical_after_prev,
          'UTF8')), 'hex');
        INSERT INTO audit_log AS a (at, actor, actor_user_id, action, entity_type, entity_id,
                                    before, after, request_id, client_address, prev_hash, hash)
        VALUES (p_at, p_actor, p_actor_user_id, p_action, p_entity_type, p_entity_id, p_before,
                p_after, p_request_id, p_client_address, v_prev, v_hash)
        RETURNING a.id INTO v_id;
        RETURN QUERY SELECT v_id::text, v_prev, v_hash;
      END $$`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `DROP FUNCTION audit_append(bigint, timestamptz, text, uuid, text, text, text, jsonb, jsonb,
                                  text, text, text, text)`,
    );
  }
}
