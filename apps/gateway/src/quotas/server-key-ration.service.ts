import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { PROVIDER_LABELS, type ProviderId } from '@uniroute/shared';
import type { Logger } from 'pino';
import type { DataSource } from 'typeorm';
import { GatewayError } from '../common/errors/gateway-error.js';
import { APP_LOGGER } from '../common/logging/logging.module.js';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { MetricsService } from '../metrics/metrics.service.js';
import { LeasedRation } from './leased-ration.js';
import type { RationDecision } from './ration-window.js';
import { RedisRation } from './redis-ration.js';

/** A request refused the server key by its ration (used up, or not countable): the caller's to know, never swallowed. */
export class ServerKeyRationRefusal extends GatewayError {}

/** The 429 of an exhausted server-key ration, told apart from a provider's own 429. */
export class ServerKeyRationExceededError extends ServerKeyRationRefusal {}

/** Redis trouble is logged at most this often: a request storm must not become a log storm. */
const REDIS_WARNING_INTERVAL_MS = 30_000;

/**
 * `SERVER_KEY_RPM` (§12): each user's requests on the operator's server keys per minute, the same count on
 * every replica. With `REDIS_URL` an atomic Redis counter; without it (or while Redis is unreachable) leases
 * from the database, topped up in the background. A user's own keys are never rationed here.
 */
@Injectable()
export class ServerKeyRationService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly limit: number;
  private readonly leased: LeasedRation;
  private readonly redis: RedisRation | undefined;
  private lastRedisWarning = 0;

  constructor(
    @InjectDataSource() dataSource: DataSource,
    @Inject(APP_CONFIG) config: AppConfig,
    @Inject(APP_LOGGER) private readonly logger: Logger,
    private readonly metrics: MetricsService,
  ) {
    this.limit = config.quotas.serverKeyRpm;
    this.leased = new LeasedRation(dataSource, logger, this.limit);
    const redisUrl = config.quotas.redisUrl;
    this.redis = redisUrl && this.limit > 0 ? new RedisRation(redisUrl, this.limit, (error) => this.warnRedis(error)) : undefined;
  }

  onApplicationBootstrap(): void {
    if (this.limit > 0) this.leased.start();
  }

  async onApplicationShutdown(): Promise<void> {
    this.leased.stop();
    await this.redis?.close();
  }

  /** Counts one server-key request for `userId`; a `429` with `Retry-After` once their minute is used up. */
  async admit(userId: string, provider: ProviderId): Promise<void> {
    if (this.limit === 0) return;
    const decision = await this.decide(userId);
    if (decision.allowed) return;
    const label = PROVIDER_LABELS[provider];
    if (decision.unavailable) {
      this.metrics.limitRejected('server_key_rpm_unavailable');
      throw new ServerKeyRationRefusal(
        'service_unavailable',
        `This gateway cannot count requests on its ${label} server key right now (its database did not answer), so it does not use it. ` +
          `Retry in ${decision.retryAfterSeconds} s, or add your own ${label} key at /settings/provider-keys: your own keys are not rationed.`,
        { headers: { 'retry-after': String(decision.retryAfterSeconds) } },
      );
    }
    this.metrics.limitRejected('server_key_rpm');
    throw new ServerKeyRationExceededError(
      'rate_limit_exceeded',
      `This gateway's ${label} server key allows ${this.limit} requests per minute per user (SERVER_KEY_RPM), and you have used them. ` +
        `Retry in ${decision.retryAfterSeconds} s, or add your own ${label} key at /settings/provider-keys: your own keys are not rationed.`,
      { headers: { 'retry-after': String(decision.retryAfterSeconds) } },
    );
  }

  private async decide(userId: string): Promise<RationDecision> {
    if (this.redis) {
      try {
        return await this.redis.take(userId);
      } catch (error) {
        this.warnRedis(error);
      }
    }
    return this.leased.take(userId);
  }

  private warnRedis(error: unknown): void {
    const now = Date.now();
    if (now - this.lastRedisWarning < REDIS_WARNING_INTERVAL_MS) return;
    this.lastRedisWarning = now;
    const code = (error as { code?: unknown }).code;
    // Only the code: ioredis messages can carry the URL, and with it a password.
    this.logger.warn({ code: typeof code === 'string' ? code : undefined }, 'server-key ration: Redis unreachable, counting with database leases');
  }
}
