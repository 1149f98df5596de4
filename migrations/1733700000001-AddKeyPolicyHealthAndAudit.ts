import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * §8: key health and the HMAC fingerprint beside each stored key; fallback policies per owner and
 * provider in their own table (a policy exists without a key; `owner_kind` leaves room for teams, §9);
 * and the audit log, ordered by time and then `seq` (events of one millisecond keep the order they happened in). Audit rows keep the actor's id and email as they were: the log outlives a deleted
 * account, so there is no foreign key.
 */
export class AddKeyPolicyHealthAndAudit1733700000001 implements MigrationInterface {
  name = 'AddKeyPolicyHealthAndAudit1733700000001';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE user_provider_keys
        ADD COLUMN health varchar(20) NOT NULL DEFAULT 'unverified',
        ADD COLUMN health_reason varchar(300),
        ADD COLUMN health_until timestamptz,
        ADD COLUMN fingerprint varchar(64),
        ADD CONSTRAINT user_provider_keys_health_check CHECK (health IN ('unverified', 'ok', 'rejected', 'rate_limited', 'quota_exhausted'))`);
    // What the old boolean said carries over: a key the provider refused stays skipped until it is fixed.
    await queryRunner.query(`UPDATE user_provider_keys SET health = 'ok' WHERE last_test_ok = true`);
    await queryRunner.query(
      `UPDATE user_provider_keys SET health = 'rejected', health_reason = 'The provider refused this key before UniRoute kept key health.' WHERE last_test_ok = false`,
    );
    await queryRunner.query(`CREATE INDEX idx_user_provider_keys_fingerprint ON user_provider_keys (fingerprint)`);

    await queryRunner.query(`
      CREATE TABLE provider_key_policies (
        owner_kind varchar(10) NOT NULL,
        owner_id uuid NOT NULL,
        provider varchar(50) NOT NULL,
        fallback_policy varchar(20) NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (owner_kind, owner_id, provider),
        CONSTRAINT provider_key_policies_owner_kind_check CHECK (owner_kind IN ('user', 'team')),
        CONSTRAINT provider_key_policies_provider_check CHECK (provider IN ('openai', 'anthropic', 'google')),
        CONSTRAINT provider_key_policies_policy_check CHECK (fallback_policy IN ('byok_only', 'byok_then_server', 'server_only'))
      )`);

    await queryRunner.query(`
      CREATE TABLE audit_events (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        seq bigint GENERATED ALWAYS AS IDENTITY,
        at timestamptz NOT NULL DEFAULT now(),
        actor_id uuid,
        actor_email varchar(320),
        team_id uuid,
        action varchar(64) NOT NULL,
        provider varchar(50),
        outcome varchar(16) NOT NULL,
        ip varchar(64),
        user_agent varchar(512),
        detail jsonb NOT NULL DEFAULT '{}'::jsonb
      )`);
    await queryRunner.query(`CREATE INDEX idx_audit_events_actor_at ON audit_events (actor_id, at DESC, seq DESC)`);
    await queryRunner.query(`CREATE INDEX idx_audit_events_at ON audit_events (at)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE audit_events`);
    await queryRunner.query(`DROP TABLE provider_key_policies`);
    await queryRunner.query(`DROP INDEX idx_user_provider_keys_fingerprint`);
    await queryRunner.query(`
      ALTER TABLE user_provider_keys
        DROP CONSTRAINT user_provider_keys_health_check,
        DROP COLUMN health, DROP COLUMN health_reason, DROP COLUMN health_until, DROP COLUMN fingerprint`);
  }
}
