import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Server-key rationing across replicas (§12): per user and minute, how many server-key requests the
 * replicas together have been granted. Replicas take leases of a few at a time in the background, so a
 * warm request never waits for this table; `last_grant` is what the latest claim on the row actually got.
 */
export class CreateServerKeyRations1733320000001 implements MigrationInterface {
  name = 'CreateServerKeyRations1733320000001';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE server_key_rations (
        user_id uuid NOT NULL,
        window_minute bigint NOT NULL,
        granted integer NOT NULL,
        last_grant integer NOT NULL,
        PRIMARY KEY (user_id, window_minute)
      )`);
    await queryRunner.query(`CREATE INDEX server_key_rations_window_minute ON server_key_rations (window_minute)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE server_key_rations`);
  }
}
