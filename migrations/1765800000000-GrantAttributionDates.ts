import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * grant_attribution gets a date of its own, `attributed_on`: the date from which a row counts in
 * reports and donor statements "as of" a date. Until now reports derived it from the latest grant
 * step recorded at or before the row, which is right for the rows a grant step writes (approval,
 * settlement, cancellation) but wrong for those a receipt's reversal writes when it moves a
 * grant's attribution to other money of the earmark: they took the date of the grant's last step,
 * long before the money left.
 *
 * Existing rows are backfilled with exactly that rule (what reports showed so far). The table
 * refuses UPDATE (grant_attribution_immutable): the trigger is disabled for the backfill only,
 * inside the migration's transaction, and enabled again before the column becomes NOT NULL.
 */
export class GrantAttributionDates1765800000000 implements MigrationInterface {
  name = 'GrantAttributionDates1765800000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE grant_attribution ADD COLUMN attributed_on date`);
    await queryRunner.query(
      `ALTER TABLE grant_attribution DISABLE TRIGGER grant_attribution_immutable`,
    );
    await queryRunner.query(`
      UPDATE grant_attribution ga
         SET attributed_on = coalesce(
               (SELECT s.effective_on FROM grant_step s
                 WHERE s.grant_id = ga.grant_id AND s.at <= ga.created_at
                 ORDER BY s.at DESC, s.id DESC LIMIT 1),
               g.decision_date)
        FROM participation_grant g
       WHERE g.id = ga.grant_id`);
    await queryRunner.query(
      `ALTER TABLE grant_attribution ENABLE TRIGGER grant_attribution_immutable`,
    );
    await queryRunner.query(
      `ALTER TABLE grant_attribution ALTER COLUMN attributed_on SET NOT NULL`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE grant_attribution DROP COLUMN attributed_on`);
  }
}
