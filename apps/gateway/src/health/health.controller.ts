import { Controller, Get, HttpCode } from '@nestjs/common';
import { ApiOkResponse, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { Public } from '../auth/public.decorator.js';
import { GatewayError } from '../common/errors/gateway-error.js';
import { DrainState } from './drain-state.js';

/** Liveness and readiness probes (§7). */
@ApiTags('Health')
@Public()
@Controller()
export class HealthController {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly drain: DrainState,
  ) {}

  /** The process is up. */
  @Get('healthz')
  @HttpCode(200)
  @ApiOkResponse({ schema: { type: 'object', properties: { status: { type: 'string', enum: ['ok'] } } } })
  health(): { status: 'ok' } {
    return { status: 'ok' };
  }

  /** The database answers and the process is not shutting down: a load balancer may send traffic. */
  @Get('readyz')
  @ApiOkResponse({ schema: { type: 'object', properties: { status: { type: 'string', enum: ['ready'] }, database: { type: 'string', enum: ['up'] } } } })
  @ApiServiceUnavailableResponse({ description: 'The database does not answer, or the process is draining after SIGTERM.' })
  async ready(): Promise<{ status: 'ready'; database: 'up' }> {
    if (this.drain.draining) throw new GatewayError('service_unavailable', 'Shutting down: not accepting new requests.');
    try {
      await this.dataSource.query('SELECT 1');
    } catch (error) {
      throw new GatewayError('service_unavailable', 'Database unreachable.', { cause: error });
    }
    return { status: 'ready', database: 'up' };
  }
}
