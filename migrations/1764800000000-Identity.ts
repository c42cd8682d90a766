import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Users, their roles and donor links, browser sessions, personal access tokens, and the counters
 * that slow down and then refuse repeated failed sign-ins. Secrets are stored only as hashes:
 * argon2id for passwords, HMAC-SHA-256 for session and token values.
 */
export class Identity1764800000000 implements MigrationInterface {
  name = 'Identity1764800000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE app_user (
        id uuid NOT NULL DEFAULT gen_random_uuid(),
        username text NOT NULL,
        display_name text NOT NULL,
        password_hash text,
        disabled_at timestamptz,
        created_by text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT app_user_pkey PRIMARY KEY (id),
        CONSTRAINT app_user_username_key UNIQUE (username),
        CONSTRAINT app_user_username_format CHECK (username ~ '^[a-z0-9][a-z0-9._@-]{2,99}$')
      )`);
    await queryRunner.query(`
      CREATE TABLE user_role (
        user_id uuid NOT NULL,
        role text NOT NULL,
        CONSTRAINT user_role_pkey PRIMARY KEY (user_id, role),
        CONSTRAINT user_role_user_fk FOREIGN KEY (user_id) REFERENCES app_user (id),
        CONSTRAINT user_role_valid CHECK (role IN
          ('admin', 'finance_officer', 'approver', 'management', 'auditor', 'donor'))
      )`);
    // donor_id gains its foreign key when donors arrive (issue 5).
    await queryRunner.query(`
      CREATE TABLE user_donor (
        user_id uuid NOT NULL,
        donor_id uuid NOT NULL,
        CONSTRAINT user_donor_pkey PRIMARY KEY (user_id, donor_id),
        CONSTRAINT user_donor_user_fk FOREIGN KEY (user_id) REFERENCES app_user (id)
      )`);
    await queryRunner.query(`
      CREATE TABLE user_session (
        id text NOT NULL,
        user_id uuid NOT NULL,
        csrf_token text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        last_seen_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz NOT NULL,
        revoked_at timestamptz,
        client_address text,
        CONSTRAINT user_session_pkey PRIMARY KEY (id),
        CONSTRAINT user_session_user_fk FOREIGN KEY (user_id) REFERENCES app_user (id)
      )`);
    await queryRunner.query(`CREATE INDEX user_session_user_idx ON user_session (user_id)`);
    await queryRunner.query(`
      CREATE TABLE access_token (
        id uuid NOT NULL DEFAULT gen_random_uuid(),
        user_id uuid NOT NULL,
        name text NOT NULL,
        token_hash text NOT NULL,
        prefix text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz NOT NULL,
        revoked_at timestamptz,
        last_used_at timestamptz,
        CONSTRAINT access_token_pkey PRIMARY KEY (id),
        CONSTRAINT access_token_hash_key UNIQUE (token_hash),
        CONSTRAINT access_token_user_fk FOREIGN KEY (user_id) REFERENCES app_user (id)
      )`);
    await queryRunner.query(`CREATE INDEX access_token_user_idx ON access_token (user_id)`);
    await queryRunner.query(`
      CREATE TABLE sign_in_throttle (
        key text NOT NULL,
        failures integer NOT NULL,
        window_started_at timestamptz NOT NULL,
        CONSTRAINT sign_in_throttle_pkey PRIMARY KEY (key)
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE sign_in_throttle`);
    await queryRunner.query(`DROP TABLE access_token`);
    await queryRunner.query(`DROP TABLE user_session`);
    await queryRunner.query(`DROP TABLE user_donor`);
    await queryRunner.query(`DROP TABLE user_role`);
    await queryRunner.query(`DROP TABLE app_user`);
  }
}
