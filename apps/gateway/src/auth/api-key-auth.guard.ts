import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { ApiKeysService } from '../api-keys/api-keys.service.js';
import { GatewayError } from '../common/errors/gateway-error.js';
import { PRINCIPAL, type AuthenticatedRequest } from './principal.js';

/**
 * Reads the key from `Authorization: Bearer ur_…`, `x-api-key: ur_…` (OpenAI and Anthropic SDKs) or
 * `x-goog-api-key: ur_…` (what `@google/genai` sends on the native `/google/*` routes).
 */
export function readApiKey(headers: FastifyRequest['headers']): string | undefined {
  const authorization = headers.authorization;
  if (typeof authorization === 'string' && authorization.length > 7 && authorization.slice(0, 7).toLowerCase() === 'bearer ') {
    return authorization.slice(7).trim();
  }
  const apiKey = headers['x-api-key'] ?? headers['x-goog-api-key'];
  return typeof apiKey === 'string' ? apiKey.trim() : undefined;
}

/**
 * Gateway routes (§5): a live UniRoute API key, looked up in memory once warm. The one place that
 * decides: `ApiKeyAuthBeforeBody` calls {@link authenticate} before the body is read, the guard
 * then finds the principal already set.
 */
@Injectable()
export class ApiKeyAuthGuard implements CanActivate {
  constructor(private readonly apiKeys: ApiKeysService) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    await this.authenticate(context.switchToHttp().getRequest<FastifyRequest & AuthenticatedRequest>());
    return true;
  }

  /** Sets the request's principal from its `ur_` key, or throws the 401. */
  async authenticate(request: FastifyRequest & AuthenticatedRequest): Promise<void> {
    if (request[PRINCIPAL]) return;
    const key = readApiKey(request.headers);
    if (!key) {
      throw new GatewayError('invalid_api_key', 'Missing UniRoute API key. Send it as `Authorization: Bearer ur_…` or `x-api-key: ur_…` (`x-goog-api-key` for the Google SDK).');
    }
    const principal = await this.apiKeys.authenticate(key, request.ip);
    if (!principal) throw new GatewayError('invalid_api_key', 'Invalid or revoked UniRoute API key.');
    request[PRINCIPAL] = principal;
  }
}
