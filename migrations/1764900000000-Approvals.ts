import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Maker-checker: an action that needs a second person is stored as a pending request with what
 * it will execute (payload); a different user with the approver role approves it (and it runs,
 * in the same transaction) or rejects it; the maker may cancel it. A decided request is final:
 * a trigger refuses any change to it, and any change to what was asked for, so that an approved
 * request runs exactly once and the record of who asked and who agreed cannot be rewritten.
 */
export class Approvals1764900000000 implements MigrationInterface {
  name = 'Approvals1764900000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE approval_request (
        id uuid NOT NULL DEFAULT gen_random_uuid(),
        kind text NOT NULL,
        summary text NOT NULL,
        payload jsonb NOT NULL,
        fund_id uuid,
        subject text,
        maker text NOT NULL,
        maker_user_id uuid,
        created_at timestamptz NOT NULL DEFAULT now(),
        status text NOT NULL DEFAULT 'pending',
        checker text,
        checker_user_id uuid,
        decided_at timestamptz,
        comment text,
        result jsonb,
        CONSTRAINT approval_request_pkey PRIMARY KEY (id),
        CONSTRAINT approval_request_fund_fk FOREIGN KEY (fund_id) REFERENCES fund (id),
        CONSTRAINT approval_request_maker_user_fk
          FOREIGN KEY (maker_user_id) REFERENCES app_user (id),
        CONSTRAINT approval_request_checker_user_fk
          FOREIGN KEY (checker_user_id) REFERENCES app_user (id),
        CONSTRAINT approval_request_kind_format CHECK (kind ~ '^[a-z][a-z0-9-]*(\\.[a-z][a-z0-9-]*)+$'),
        CONSTRAINT approval_request_status_valid
          CHECK (status IN ('pending', 'executed', 'rejected', 'cancelled')),
        CONSTRAINT approval_request_checker_not_maker
          CHECK (checker <> maker AND checker_user_id <> maker_user_id),
        CONSTRAINT approval_request_decided
          CHECK ((status = 'pending') = (decided_at IS NULL)),
        CONSTRAINT approval_request_checker_decides
          CHECK ((status IN ('executed', 'rejected')) = (checker IS NOT NULL)),
        CONSTRAINT approval_request_rejection_reason
          CHECK (status <> 'rejected' OR comment IS NOT NULL),
        CONSTRAINT approval_request_result_when_executed
          CHECK (status = 'executed' OR result IS NULL)
      )`);
    await queryRunner.query(
      `CREATE INDEX approval_request_status_idx ON approval_request (status, created_at)`,
    );
    await queryRunner.query(
      `CREATE INDEX approval_request_fund_idx ON approval_request (fund_id, created_at)`,
    );
    // At most one pending request per object (a period, later a pledge or a grant).
    await queryRunner.query(`
      CREATE UNIQUE INDEX approval_request_pending_subject_key
        ON approval_request (kind, subject) WHERE status = 'pending'`);
    await queryRunner.query(`
      CREATE FUNCTION approval_request_final() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP = 'DELETE' THEN
          RAISE EXCEPTION 'approval requests are kept: they cannot be deleted'
            USING ERRCODE = '23514', CONSTRAINT = 'approval_request_final';
        END IF;
        IF OLD.status <> 'pending' THEN
          RAISE EXCEPTION 'approval request % is already %', OLD.id, OLD.status
            USING ERRCODE = '23514', CONSTRAINT = 'approval_request_final';
        END IF;
        IF NEW.id <> OLD.id OR NEW.kind <> OLD.kind OR NEW.summary <> OLD.summary
           OR NEW.payload <> OLD.payload OR NEW.fund_id IS DISTINCT FROM OLD.fund_id
           OR NEW.subject IS DISTINCT FROM OLD.subject OR NEW.maker <> OLD.maker
           OR NEW.maker_user_id IS DISTINCT FROM OLD.maker_user_id
           OR NEW.created_at <> OLD.created_at THEN
          RAISE EXCEPTION 'what approval request % asks for cannot be changed', OLD.id
            USING ERRCODE = '23514', CONSTRAINT = 'approval_request_final';
        END IF;
        RETURN NEW;
      END $$`);
    await queryRunner.query(`
      CREATE TRIGGER approval_request_final BEFORE UPDATE OR DELETE ON approval_request
        FOR EACH ROW EXECUTE FUNCTION approval_request_final()`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TRIGGER approval_request_final ON approval_request`);
    await queryRunner.query(`DROP FUNCTION approval_request_final()`);
    await queryRunner.query(`DROP TABLE approval_request`);
  }
}
