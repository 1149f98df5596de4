import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { Module, type DynamicModule } from '@nestjs/common';
import type { AppDependencies } from '../app.module.js';
import { AuditModule } from '../audit/audit.module.js';
import { CacheInvalidationModule } from '../cache-invalidation/cache-invalidation.module.js';
import { LoggingModule } from '../common/logging/logging.module.js';
import { ConfigModule } from '../config/config.module.js';
import { CryptoModule } from '../crypto/crypto.module.js';
import { DatabaseModule } from '../database/database.module.js';
import { MetricsModule } from '../metrics/metrics.module.js';
import { ProviderKeyModule } from '../provider-keys/provider-key.module.js';
import { UsageModule } from '../usage/usage.module.js';
import { createLogger } from '../common/logging/logger.js';
import { NestPinoLogger } from '../common/logging/nest-logger.js';
import { loadConfig } from '../config/app-config.js';
import { openDatabase } from '../database/open-database.js';
import { ProviderKeysService } from '../provider-keys/provider-keys.service.js';

/**
 * `pnpm keys:rotate` (from the repository root): re-encrypts every stored provider key with the
 * current master key (the first entry of UNIROUTE_MASTER_KEYS). Safe while gateways serve: rows are
 * swapped one by one with an optimistic check, and every version in the ring still decrypts.
 * With the embedded database it attaches to the running gateway's, or opens it if none runs.
 */
/** What rotation needs: the provider-key service and its dependencies, no HTTP server. */
@Module({})
class RotationModule {
  static forRoot({ config, database, logger }: AppDependencies): DynamicModule {
    return {
      module: RotationModule,
      imports: [
        ConfigModule.forRoot(config),
        LoggingModule.forRoot(logger),
        DatabaseModule.forRoot(config, database),
        MetricsModule,
        CryptoModule,
        CacheInvalidationModule,
        UsageModule,
        // Each re-encrypted key is an audit event for its owner (`provider_key.rotated`), written before the context closes.
        AuditModule,
        ProviderKeyModule,
      ],
    };
  }
}

async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger({ level: config.logLevel === 'info' ? 'warn' : config.logLevel });
  const database = await openDatabase(config, { attach: true });
  const context = await NestFactory.createApplicationContext(RotationModule.forRoot({ config, database, logger }), { logger: new NestPinoLogger(logger) });
  try {
    const report = await context.get(ProviderKeysService).rotateAll();
    console.log(`keys:rotate: ${report.rotated} re-encrypted to master key v${config.masterKeys.currentVersion}, ${report.skipped} changed meanwhile (already current), ${report.failed} could not be decrypted`);
    process.exitCode = report.failed > 0 ? 2 : 0;
  } finally {
    await context.close();
    await database.stop();
  }
}

main().catch((error: unknown) => {
  console.error(`keys:rotate failed: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`);
  process.exit(1);
});
