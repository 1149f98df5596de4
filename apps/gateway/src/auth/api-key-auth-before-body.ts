import { Injectable, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance } from 'fastify';
import { isGatewayRoute } from '../common/http/http-limits.js';
import { ApiKeyAuthGuard } from './api-key-auth.guard.js';

/**
 * Gateway routes take bodies of up to BODY_LIMIT_BYTES (20 MiB): a stranger must not get that much
 * read, buffered and parsed before the key is checked (§12). A Fastify `preParsing` hook (after
 * routing, before the body) runs the same check as the guard, which then finds the principal set.
 * Nest guards run only after the body is parsed, hence the hook.
 */
@Injectable()
export class ApiKeyAuthBeforeBody implements OnModuleInit {
  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly guard: ApiKeyAuthGuard,
  ) {}

  onModuleInit(): void {
    const fastify = this.adapterHost.httpAdapter.getInstance<FastifyInstance>();
    fastify.addHook('preParsing', async (request, _reply, payload) => {
      // Matched gateway routes only: an unknown URL is a 404 whoever asks.
      const route = request.routeOptions.url;
      if (route !== undefined && isGatewayRoute(route)) await this.guard.authenticate(request);
      return payload;
    });
  }
}
