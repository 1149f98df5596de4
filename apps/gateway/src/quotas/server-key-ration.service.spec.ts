import { pino } from 'pino';
import type { DataSource } from 'typeorm';
import { describe, expect, it } from 'vitest';
import type { GatewayError } from '../common/errors/gateway-error.js';
import type { AppConfig } from '../config/app-config.js';
import { MetricsService } from '../metrics/metrics.service.js';
import { ServerKeyRationExceededError, ServerKeyRationRefusal, ServerKeyRationService } from './server-key-ration.service.js';

function serviceOver(query: (sql: string) => Promise<unknown>) {
  const config = { quotas: { serverKeyRpm: 10, redisUrl: undefined } } as unknown as AppConfig;
  return new ServerKeyRationService({ query } as unknown as DataSource, config, pino({ level: 'silent' }), new MetricsService());
}

describe(ServerKeyRationService.name, () => {
  it('answers 503 with Retry-After, not the 429 of a used-up minute, when the count cannot be read', async () => {
    const sut = serviceOver(async () => {
      throw new Error('connection terminated');
    });

    const refusal = await sut.admit('user-a', 'anthropic').catch((error: unknown) => error);

    expect(refusal).toBeInstanceOf(ServerKeyRationRefusal);
    expect(refusal).not.toBeInstanceOf(ServerKeyRationExceededError);
    expect((refusal as GatewayError).status).toBe(503);
    expect((refusal as GatewayError).headers).toEqual({ 'retry-after': '5' });
    expect((refusal as GatewayError).message).toMatch(/cannot count requests on its Anthropic server key/);
  });
});
