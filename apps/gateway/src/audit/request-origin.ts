import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';

/** Where a management call came from, as the audit log keeps it. */
export interface RequestOrigin {
  /** `request.ip`: the client address as `TRUST_PROXY` says to read it. */
  readonly ip: string | null;
  readonly userAgent: string | null;
}

const MAX_USER_AGENT_LENGTH = 512;

/** Reads the origin of a Fastify request. */
export function requestOriginOf(request: Pick<FastifyRequest, 'ip' | 'headers'>): RequestOrigin {
  const agent = request.headers['user-agent'];
  return { ip: request.ip || null, userAgent: typeof agent === 'string' && agent !== '' ? agent.slice(0, MAX_USER_AGENT_LENGTH) : null };
}

/** Injects the caller's `RequestOrigin` into a route handler. */
export const CurrentOrigin = createParamDecorator((_data: unknown, context: ExecutionContext): RequestOrigin => {
  return requestOriginOf(context.switchToHttp().getRequest<FastifyRequest>());
});
