import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Teams and shared provider keys (§9).
 *
 * - `team_members`: at most one `owner` per team is a partial unique index; the service keeps "at least one"
 *   (ownership is only ever transferred, in one transaction).
 * - `team_invitations`: only the token's SHA-256, single use (`used_at`), email-bound, `admin` or `member`.
 * - Team provider keys live in `user_provider_keys` with `team_id` set instead of `user_id` (exactly one of the
 *   two): one table, one repository, one rotation scan and one master-key check for both owners. A team's keys,
 *   invitations and team API keys go with the team (`ON DELETE CASCADE`): a team API key must never outlive its
 *   team and silently become a personal key.
 */
export class CreateTeams1733800000000 implements MigrationInterface {
  name = 'CreateTeams1733800000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE teams (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        name varchar(100) NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(`
      CREATE TABLE team_members (
        team_id uuid NOT NULL REFERENCES teams(id) ON DELETE CASCADE,
        user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        role varchar(10) NOT NULL,
        joined_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (team_id, user_id),
        CONSTRAINT team_members_role_check CHECK (role IN ('owner', 'admin', 'member'))
      )`);
    await queryRunner.query(`CREATE UNIQUE INDEX team_members_one_owner ON team_members (team_id) WHERE role = 'owner'`);
    await queryRunner.query(`CREATE INDEX idx_team_members_user_id ON team_members (user_id)`);
    await queryRunner.query(`
      CREATE TABLE team_invitations (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        team_id uuid NOT NULL REFERENCES teams(id) ON DELETE CASCADE,
        token_hash char(64) NOT NULL,
        email varchar(320) NOT NULL,
        role varchar(10) NOT NULL,
        created_by uuid REFERENCES users(id) ON DELETE SET NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz NOT NULL,
        used_at timestamptz,
        used_by uuid REFERENCES users(id) ON DELETE SET NULL,
        CONSTRAINT team_invitations_token_hash_key UNIQUE (token_hash),
        CONSTRAINT team_invitations_role_check CHECK (role IN ('admin', 'member'))
      )`);
    await queryRunner.query(`CREATE INDEX idx_team_invitations_team_id ON team_invitations (team_id, expires_at)`);

    await queryRunner.query(`
      ALTER TABLE user_provider_keys
        ALTER COLUMN user_id DROP NOT NULL,
        ADD COLUMN team_id uuid REFERENCES teams(id) ON DELETE CASCADE,
        ADD CONSTRAINT user_provider_keys_one_owner CHECK ((user_id IS NULL) <> (team_id IS NULL)),
        ADD CONSTRAINT user_provider_keys_team_id_provider_key UNIQUE (team_id, provider)`);
    await queryRunner.query(`CREATE INDEX idx_user_provider_keys_team_id ON user_provider_keys (team_id)`);

    await queryRunner.query(`ALTER TABLE api_keys ADD COLUMN team_id uuid REFERENCES teams(id) ON DELETE CASCADE`);
    await queryRunner.query(`CREATE INDEX idx_api_keys_team_id ON api_keys (team_id) WHERE team_id IS NOT NULL`);
    await queryRunner.query(`CREATE INDEX idx_audit_events_team_at ON audit_events (team_id, at DESC, seq DESC) WHERE team_id IS NOT NULL`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX idx_audit_events_team_at`);
    await queryRunner.query(`DROP INDEX idx_api_keys_team_id`);
    await queryRunner.query(`ALTER TABLE api_keys DROP COLUMN team_id`);
    await queryRunner.query(`DELETE FROM user_provider_keys WHERE team_id IS NOT NULL`);
    await queryRunner.query(`DROP INDEX idx_user_provider_keys_team_id`);
    await queryRunner.query(`
      ALTER TABLE user_provider_keys
        DROP CONSTRAINT user_provider_keys_team_id_provider_key,
        DROP CONSTRAINT user_provider_keys_one_owner,
        DROP COLUMN team_id,
        ALTER COLUMN user_id SET NOT NULL`);
    await queryRunner.query(`DROP TABLE team_invitations`);
    await queryRunner.query(`DROP TABLE team_members`);
    await queryRunner.query(`DROP TABLE teams`);
  }
}
