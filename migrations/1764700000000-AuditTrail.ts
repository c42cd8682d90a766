import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The audit trail: one row per change, written in the same transaction as the change, never
 * changed or removed (the database refuses UPDATE, DELETE and TRUNCATE), and hash-chained: each
 * row holds the hash of the row before it and the hash of its own content (src/audit/audit-hash.ts
 * says exactly what is hashed), so that a row changed or removed behind the application's back is
 * found by `audit:verify`.
 *
 * The chain is linear because writers take one advisory lock before appending (AuditService);
 * the unique constraints on prev_hash and on the first row make a fork fail instead of pass.
 */
export class AuditTrail1764700000000 implements MigrationInterface {
  name = 'AuditTrail1764700000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE audit_log (
        id bigserial NOT NULL,
        at timestamptz NOT NULL,
        actor text NOT NULL,
        actor_user_id uuid,
        action text NOT NULL,
        entity_type text NOT NULL,
        entity_id text NOT NULL,
        before jsonb,
        after jsonb,
        request_id text,
        client_address text,
        prev_hash text,
        hash text NOT NULL,
        CONSTRAINT audit_log_pkey PRIMARY KEY (id),
        CONSTRAINT audit_log_hash_key UNIQUE (hash),
        CONSTRAINT audit_log_prev_hash_key UNIQUE (prev_hash),
        CONSTRAINT audit_log_hash_format CHECK (hash ~ '^[0-9a-f]{64}$'),
        CONSTRAINT audit_log_prev_hash_format CHECK (prev_hash ~ '^[0-9a-f]{64}$'),
        CONSTRAINT audit_log_action_format CHECK (action ~ '^[a-z][a-z0-9_-]*(\\.[a-z][a-z0-9_-]*)+$')
      )`);
    // Only one row may start the chain.
    await queryRunner.query(`
      CREATE UNIQUE INDEX audit_log_first_key ON audit_log ((true)) WHERE prev_hash IS NULL`);
    await queryRunner.query(
      `CREATE INDEX audit_log_entity_idx ON audit_log (entity_type, entity_id, id)`,
    );
    await queryRunner.query(`CREATE INDEX audit_log_actor_idx ON audit_log (actor, id)`);
    await queryRunner.query(`CREATE INDEX audit_log_at_idx ON audit_log (at)`);

    // Ordinary (not ALWAYS) triggers: the database owner can still bypass them on purpose, with
    // session_replication_role = replica, which is exactly what the hash chain is there to catch.
    await queryRunner.query(`
      CREATE FUNCTION audit_log_refuse_change() RETURNS trigger
      LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION '% on audit_log is refused: the audit trail is append-only', TG_OP
          USING ERRCODE = '55000';
      END $$`);
    await queryRunner.query(`
      CREATE TRIGGER audit_log_immutable BEFORE UPDATE OR DELETE ON audit_log
        FOR EACH ROW EXECUTE FUNCTION audit_log_refuse_change()`);
    await queryRunner.query(`
      CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
        FOR EACH STATEMENT EXECUTE FUNCTION audit_log_refuse_change()`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE audit_log`);
    await queryRunner.query(`DROP FUNCTION audit_log_refuse_change()`);
  }
}
