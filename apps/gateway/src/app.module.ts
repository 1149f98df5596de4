import { Module, type DynamicModule } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import type { Logger } from 'pino';
import { AdminUsersModule } from './admin-users/admin-users.module.js';
import { ApiKeysModule } from './api-keys/api-keys.module.js';
import { AuditModule } from './audit/audit.module.js';
import { AuthModule } from './auth/auth.module.js';
import { CacheInvalidationModule } from './cache-invalidation/cache-invalidation.module.js';
import { OpenAIErrorFilter } from './common/errors/openai-error.filter.js';
import { LoggingModule } from './common/logging/logging.module.js';
import type { AppConfig } from './config/app-config.js';
import { ConfigModule } from './config/config.module.js';
import { CryptoModule } from './crypto/crypto.module.js';
import { DatabaseModule } from './database/database.module.js';
import { EmbeddingsModule } from './embeddings/embeddings.module.js';
import type { DatabaseHandle } from './database/open-database.js';
import { HealthModule } from './health/health.module.js';
import { MetricsModule } from './metrics/metrics.module.js';
import { NativeModule } from './native/native.module.js';
import { ProviderKeyModule } from './provider-keys/provider-key.module.js';
import { ResponsesModule } from './responses/responses.module.js';
import { RouterModule } from './router/router.module.js';
import { TeamsModule } from './teams/teams.module.js';
import { UsageModule } from './usage/usage.module.js';
import { WebModule } from './web/web.module.js';

/** Everything the app is started with, prepared before Nest runs (configuration, database, logger). */
export interface AppDependencies {
  readonly config: AppConfig;
  readonly database: DatabaseHandle;
  readonly logger: Logger;
}

@Module({})
export class AppModule {
  static forRoot({ config, database, logger }: AppDependencies): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        LoggingModule.forRoot(logger),
        DatabaseModule.forRoot(config, database),
        CryptoModule,
        MetricsModule,
        CacheInvalidationModule,
        UsageModule,
        AuditModule,
        AuthModule,
        AdminUsersModule,
        ApiKeysModule,
        ProviderKeyModule,
        TeamsModule,
        RouterModule,
        EmbeddingsModule,
        ResponsesModule,
        NativeModule,
        HealthModule,
        // Last: its catch-all GET route must not shadow anything above.
        WebModule,
      ],
      providers: [{ provide: APP_FILTER, useClass: OpenAIErrorFilter }],
    };
  }
}
