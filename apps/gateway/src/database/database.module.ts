import { Module, type DynamicModule } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ALL_MIGRATIONS } from '@uniroute/migrations';
import type { AppConfig } from '../config/app-config.js';
import { ApiKeyEntity } from '../api-keys/api-key.entity.js';
import { ProviderKeyPolicyEntity } from '../provider-keys/provider-key-policy.entity.js';
import { ProviderKeyEntity } from '../provider-keys/provider-key.entity.js';
import { UserEntity } from '../users/user.entity.js';
import { DATABASE_HANDLE } from './database.tokens.js';
import { MigrationRunner } from './migration-runner.js';
import type { DatabaseHandle } from './open-database.js';

export const ENTITIES = [UserEntity, ApiKeyEntity, ProviderKeyEntity, ProviderKeyPolicyEntity];

/** TypeORM over `pg` for both databases; the pending migrations run on start. */
@Module({})
export class DatabaseModule {
  static forRoot(config: AppConfig, database: DatabaseHandle): DynamicModule {
    return {
      module: DatabaseModule,
      global: true,
      imports: [
        TypeOrmModule.forRoot({
          type: 'postgres',
          url: database.url,
          entities: ENTITIES,
          migrations: ALL_MIGRATIONS,
          migrationsRun: false, // MigrationRunner runs them under a lock shared by every replica
          synchronize: false,
          uuidExtension: 'pgcrypto',
          logging: false,
          retryAttempts: 1,
          extra: { max: database.poolSize, connectionTimeoutMillis: 10_000 },
        }),
      ],
      providers: [{ provide: DATABASE_HANDLE, useValue: database }, MigrationRunner],
      exports: [DATABASE_HANDLE],
    };
  }
}
