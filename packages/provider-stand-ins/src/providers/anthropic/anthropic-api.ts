import type { IncomingHttpHeaders } from 'node:http';
import { planAnswer } from '../../conversation/plan-answer.js';
import { randomToken } from '../../ids.js';
import { namedEvent } from '../../http/sse-event.js';
import { isRecord, readArray, readNumber, readString, recordsOf } from '../../json/json-readers.js';
import type { AnswerSettings, JsonReply, ProviderApi, ProviderEndpoint, ProviderReply, StandInFailure } from '../provider-api.js';
import {
  ANTHROPIC_MID_STREAM_ERROR,
  anthropicErrorReply,
  anthropicFailureReply,
  anthropicModelNotFound,
  anthropicResponseHeaders,
} from './anthropic-errors.js';
import { checkAnthropicThinking, planAnthropicReasoning } from './anthropic-thinking.js';
import { ANTHROPIC_MODELS, findAnthropicModel, renderAnthropicModel } from './anthropic-models.js';
import { readAnthropicMessagesRequest } from './read-anthropic-messages-request.js';
import { renderAnthropicMessage, renderAnthropicStreamEvents } from './render-anthropic-message.js';

/**
 * The Anthropic stand-in under `/anthropic`: the SDK base URL is that origin-like
 * prefix and the SDK adds `/v1/messages`.
 * @see https://docs.anthropic.com/en/api/messages
 */
export const anthropicApi: ProviderApi = {
  provider: 'anthropic',
  pathPrefix: '/anthropic',

  matchEndpoint(method: string, path: string): ProviderEndpoint | null {
    if (method === 'POST' && path === '/v1/messages') return { operation: 'chat', pathModel: null, pathStream: null };
    if (method === 'GET' && path === '/v1/models') return { operation: 'list-models' };
    const modelMatch = /^\/v1\/models\/([^/]+)$/.exec(path);
    if (method === 'GET' && modelMatch?.[1] !== undefined) return { operation: 'get-model', pathModel: decodeURIComponent(modelMatch[1]) };
    return null;
  },

  /**
   * The documented header is `x-api-key`; the 1.x SDK sends the same key as
   * `Authorization: Bearer`, which the API accepts too.
   */
  readApiKey(headers: IncomingHttpHeaders): string | null {
    const key = headers['x-api-key'];
    if (typeof key === 'string' && key.trim() !== '') return key.trim();
    const bearer = /^Bearer\s+(\S.*)$/i.exec(headers.authorization ?? '');
    return bearer?.[1]?.trim() ?? null;
  },

  /** @see https://docs.anthropic.com/en/api/versioning */
  checkRequiredHeaders(headers: IncomingHttpHeaders): JsonReply | null {
    const version = headers['anthropic-version'];
    if (typeof version === 'string' && version.trim() !== '') return null;
    return anthropicErrorReply(400, 'invalid_request_error', 'anthropic-version: header is required');
  },

  describe(endpoint: ProviderEndpoint, body: unknown): { model: string | null; stream: boolean } {
    if (endpoint.operation === 'get-model') return { model: endpoint.pathModel, stream: false };
    if (endpoint.operation === 'list-models' || !isRecord(body)) return { model: null, stream: false };
    return { model: readString(body, 'model'), stream: body['stream'] === true };
  },

  failureReply(failure: StandInFailure): JsonReply {
    return anthropicFailureReply(failure);
  },

  midStreamErrorEvent(): string {
    return namedEvent('error', ANTHROPIC_MID_STREAM_ERROR);
  },

  answer(endpoint: ProviderEndpoint, body: unknown, settings: AnswerSettings): ProviderReply {
    switch (endpoint.operation) {
      case 'list-models': {
        const data = ANTHROPIC_MODELS.map(renderAnthropicModel);
        return json({ data, has_more: false, first_id: ANTHROPIC_MODELS[0]?.id ?? null, last_id: ANTHROPIC_MODELS[ANTHROPIC_MODELS.length - 1]?.id ?? null });
      }
      case 'get-model': {
        const model = findAnthropicModel(endpoint.pathModel);
        return model === null ? anthropicModelNotFound(endpoint.pathModel) : json(renderAnthropicModel(model));
      }
      case 'chat':
        return answerMessages(body, settings);
      default:
        // Anthropic has no embeddings or Responses API; matchEndpoint never names them.
        return anthropicFailureReply({ kind: 'route-not-found', method: 'POST', path: endpoint.operation });
    }
  },
};

function answerMessages(body: unknown, settings: AnswerSettings): ProviderReply {
  const read = readAnthropicMessagesRequest(body);
  if (!read.ok) return read.reply;
  const { request } = read;
  // The reader accepted the body, so it is an object with messages and max_tokens.
  const record = isRecord(body) ? body : {};
  const thinking = checkAnthropicThinking(record, recordsOf(readArray(record, 'messages')), readNumber(record, 'max_tokens') ?? 0, settings.signatures);
  if (!thinking.ok) return thinking.reply;
  const reasoning = thinking.enabled ? planAnthropicReasoning(request.conversation, settings.signatures) : null;
  const answer = planAnswer(request.conversation);
  const identity = { id: `msg_01${randomToken(22)}`, model: request.model, toolUseId: `toolu_01${randomToken(22)}` };
  if (!request.stream) return json(renderAnthropicMessage(answer, identity, reasoning));
  return {
    kind: 'stream',
    headers: { ...anthropicResponseHeaders(), 'content-type': 'text/event-stream; charset=utf-8' },
    events: renderAnthropicStreamEvents(answer, identity, { streamChunks: settings.streamChunks }, reasoning),
  };
}

function json(body: unknown): JsonReply {
  return { kind: 'json', status: 200, headers: anthropicResponseHeaders(), body };
}
