import { Injectable, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyReply } from 'fastify';
import type { Observable } from 'rxjs';
import { PRINCIPAL, type AuthenticatedRequest } from '../auth/principal.js';
import { AUTH_KIND, type AuthKind } from '../auth/public.decorator.js';
import { InflightLimiter } from './inflight-limiter.js';

/**
 * Applies `MAX_INFLIGHT_PER_USER` to every gateway route (those authenticated by API key: `/v1/*` and the
 * native routes), counting until the response is closed: its last byte, a stream's end, an error or the
 * client going away all close it, so the count cannot leak.
 */
@Injectable()
export class InflightLimitInterceptor implements NestInterceptor {
  constructor(
    private readonly reflector: Reflector,
    private readonly limiter: InflightLimiter,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const kind = this.reflector.getAllAndOverride<AuthKind | undefined>(AUTH_KIND, [context.getHandler(), context.getClass()]);
    const principal = context.switchToHttp().getRequest<AuthenticatedRequest>()[PRINCIPAL];
    if (kind !== 'api-key' || !principal) return next.handle();
    const release = this.limiter.acquire(principal.userId);
    const raw = context.switchToHttp().getResponse<FastifyReply>().raw;
    if (raw.destroyed || raw.writableFinished) release();
    else raw.once('close', release);
    return next.handle();
  }
}
