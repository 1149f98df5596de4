import type { UsageEndpoint } from '@uniroute/shared';
import type { Principal } from '../auth/principal.js';
import { GatewayError } from '../common/errors/gateway-error.js';
import { CLIENT_CLOSED_REQUEST, NOT_ROUTED, type ChatCompletionOutcome } from '../metrics/metrics.service.js';
import { emptyUsage } from './token-usage.js';
import type { UsageRecord } from './usage-recorder.js';

/** The error type the usage log keeps for a failure: a code from the gateway's fixed list, never a message. */
export function usageErrorType(error: unknown): string {
  return error instanceof GatewayError ? error.code : 'internal_error';
}

/**
 * A finished request's outcome as a usage record, or null when it never reached a credential (a bad body, an
 * unknown model, no key for the provider): nothing was sent to a provider, nothing to bill.
 */
export function usageRecordOf(principal: Principal, endpoint: UsageEndpoint, outcome: ChatCompletionOutcome): UsageRecord | null {
  if (outcome.provider === NOT_ROUTED || outcome.keySource === NOT_ROUTED || outcome.keyId === undefined) return null;
  const failed = outcome.status >= 400;
  return {
    at: outcome.startedAtWall,
    userId: principal.userId,
    teamId: principal.teamId ?? null,
    apiKeyId: principal.apiKeyId ?? null,
    endpoint,
    provider: outcome.provider,
    model: outcome.model === NOT_ROUTED ? null : outcome.model,
    stream: outcome.stream,
    keySource: outcome.keySource,
    keyId: outcome.keyId,
    status: outcome.status,
    latencyMs: performance.now() - outcome.startedAt,
    ttfbMs: outcome.firstByteAt === undefined ? null : outcome.firstByteAt - outcome.startedAt,
    usage: outcome.tokens ?? emptyUsage(),
    errorType: failed ? (outcome.errorType ?? (outcome.status === CLIENT_CLOSED_REQUEST ? 'client_closed_request' : 'upstream_error')) : null,
  };
}
