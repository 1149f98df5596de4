import { Controller, Get, Headers, Inject, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiProduces, ApiTags, ApiUnauthorizedResponse } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Public } from '../auth/public.decorator.js';
import { GatewayError } from '../common/errors/gateway-error.js';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { CryptoService } from '../crypto/crypto.service.js';
import { MetricsService } from './metrics.service.js';

/** `GET /metrics` for Prometheus: public, or behind `METRICS_TOKEN` when the operator sets one. */
@ApiTags('Operations')
@Public()
@Controller()
export class MetricsController {
  /** SHA-256 of the token: comparing fixed-length digests tells a timing attacker nothing about the token. */
  private readonly tokenHash: string | undefined;

  constructor(
    private readonly metrics: MetricsService,
    private readonly crypto: CryptoService,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.tokenHash = config.metricsToken === undefined ? undefined : crypto.sha256(config.metricsToken);
  }

  @Get('metrics')
  @ApiBearerAuth('metrics')
  @ApiProduces('text/plain')
  @ApiOkResponse({ description: 'Prometheus text exposition format (version 0.0.4).', schema: { type: 'string', example: 'uniroute_requests_total{provider="openai",model="gpt-4o-mini",key_source="user",status="200"} 42' } })
  @ApiUnauthorizedResponse({ description: 'METRICS_TOKEN is set and the bearer token is missing or wrong.' })
  async scrape(@Headers('authorization') authorization: string | undefined, @Res() reply: FastifyReply): Promise<void> {
    if (this.tokenHash !== undefined) {
      const token = /^Bearer\s+(.+)$/i.exec(authorization ?? '')?.[1]?.trim();
      if (!token || this.crypto.sha256(token) !== this.tokenHash) {
        throw new GatewayError('unauthenticated', 'GET /metrics needs Authorization: Bearer <METRICS_TOKEN>.');
      }
    }
    await reply.header('content-type', this.metrics.contentType).header('cache-control', 'no-store').send(await this.metrics.render());
  }
}
