import { Injectable, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { GatewayError } from '../common/errors/gateway-error.js';
import { isGatewayRoute } from '../common/http/http-limits.js';
import { InflightLimiter } from '../quotas/inflight-limiter.js';
import { PRINCIPAL, type AuthenticatedRequest } from './principal.js';
import { ApiKeyAuthGuard } from './api-key-auth.guard.js';

/**
 * Gateway routes take bodies of up to BODY_LIMIT_BYTES (20 MiB): a stranger must not get that much
 * read, buffered and parsed before the key is checked (§12). A Fastify `preParsing` hook (after
 * routing, before the body) runs the same check as the guard, which then finds the principal set.
 * Nest guards and interceptors run only after the body is parsed, hence the hook. It also:
 * - answers a URL that matched no route with its 404 before the body is read: otherwise anyone
 *   could have 20 MiB buffered and parsed just to learn that `/v1/anything` does not exist;
 * - takes the caller's MAX_INFLIGHT_PER_USER slot, so one key cannot have hundreds of bodies
 *   uploaded at once (the slot is held until the response closes, see InflightLimiter).
 * A refusal here leaves the body unread; Node reads and drops it once the answer is sent.
 */
@Injectable()
export class ApiKeyAuthBeforeBody implements OnModuleInit {
  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly guard: ApiKeyAuthGuard,
    private readonly inflight: InflightLimiter,
  ) {}

  onModuleInit(): void {
    const fastify = this.adapterHost.httpAdapter.getInstance<FastifyInstance>();
    fastify.addHook('preParsing', async (request, reply, payload) => {
      // Fastify's not-found handler has no route pattern: an unknown URL is a 404 whoever asks.
      const route = request.routeOptions.url;
      if (route === undefined) throw new GatewayError('not_found', `Unknown route: ${request.method} ${request.url.split('?')[0]}`);
      if (!isGatewayRoute(route)) return payload;
      const authenticated: FastifyRequest & AuthenticatedRequest = request;
      await this.guard.authenticate(authenticated);
      const principal = authenticated[PRINCIPAL];
      if (principal) this.inflight.holdUntilClosed(principal.userId, reply.raw);
      return payload;
    });
  }
}
