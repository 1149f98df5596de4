import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Roles and disabling (§12). The oldest existing account becomes the admin, as if it had been
 * created on the new code (the first account on an empty database is the admin).
 */
export class AddUserRoles1733300000000 implements MigrationInterface {
  name = 'AddUserRoles1733300000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE users ADD COLUMN role varchar(16) NOT NULL DEFAULT 'user' CHECK (role IN ('admin', 'user'))`);
    await queryRunner.query(`ALTER TABLE users ADD COLUMN disabled_at timestamptz`);
    await queryRunner.query(`UPDATE users SET role = 'admin' WHERE id = (SELECT id FROM users ORDER BY created_at, id LIMIT 1)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE users DROP COLUMN disabled_at`);
    await queryRunner.query(`ALTER TABLE users DROP COLUMN role`);
  }
}
