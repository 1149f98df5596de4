import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Controller, Get, Header, Inject, Req } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { Public } from '../auth/public.decorator.js';
import { GatewayError } from '../common/errors/gateway-error.js';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';

/** Paths that belong to the APIs: an unknown one is a JSON 404, never the SPA. */
const API_PREFIXES = ['/v1/', '/v1?', '/anthropic/', '/google/', '/auth/', '/admin/', '/docs', '/metrics', '/healthz', '/readyz'];

/**
 * History-mode fallback for the settings SPA (§1): every other GET path answers with its
 * `index.html`, so `/settings/provider-keys` can be reloaded or bookmarked.
 */
@ApiExcludeController()
@Public()
@Controller()
export class SpaController {
  private readonly indexHtml: string | undefined;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    try {
      this.indexHtml = readFileSync(path.join(config.webDistDir, 'index.html'), 'utf8');
    } catch {
      this.indexHtml = undefined;
    }
  }

  @Get('*')
  @Header('cache-control', 'no-cache')
  @Header('content-type', 'text/html; charset=utf-8')
  index(@Req() request: FastifyRequest): string {
    const url = request.url;
    if (this.indexHtml === undefined || url === '/v1' || API_PREFIXES.some((prefix) => url.startsWith(prefix))) {
      throw new GatewayError('not_found', `Unknown route: GET ${url.split('?')[0]}`);
    }
    return this.indexHtml;
  }
}
