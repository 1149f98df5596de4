import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * BYOK storage (§4): the original design's `user_provider_keys` table plus what the settings
 * view needs. `api_key_encrypted` holds AES-256-GCM output only; `key_version` names the master
 * key that wrapped it so the key ring can rotate.
 */
export class CreateUserProviderKeys1732700000001 implements MigrationInterface {
  name = 'CreateUserProviderKeys1732700000001';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE user_provider_keys (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        provider varchar(50) NOT NULL,
        api_key_encrypted text NOT NULL,
        key_version integer NOT NULL,
        key_last4 varchar(4) NOT NULL,
        is_active boolean NOT NULL DEFAULT true,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        last_used_at timestamptz,
        last_tested_at timestamptz,
        last_test_ok boolean,
        CONSTRAINT user_provider_keys_user_id_provider_key UNIQUE (user_id, provider),
        CONSTRAINT user_provider_keys_provider_check CHECK (provider IN ('openai', 'anthropic', 'google'))
      )`);
    await queryRunner.query(`CREATE INDEX idx_user_provider_keys_user_id ON user_provider_keys (user_id)`);
    await queryRunner.query(`CREATE INDEX idx_user_provider_keys_provider ON user_provider_keys (provider)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE user_provider_keys`);
  }
}
