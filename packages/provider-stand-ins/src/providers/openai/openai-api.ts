import type { IncomingHttpHeaders } from 'node:http';
import { planAnswer } from '../../conversation/plan-answer.js';
import { randomToken, unixSeconds } from '../../ids.js';
import { dataEvent } from '../../http/sse-event.js';
import { isRecord, readString } from '../../json/json-readers.js';
import type { AnswerSettings, JsonReply, ProviderApi, ProviderEndpoint, ProviderReply, StandInFailure } from '../provider-api.js';
import { answerOpenAIEmbeddings } from './answer-openai-embeddings.js';
import { answerCreateResponse, answerDeleteResponse, answerGetResponse, responsesMidStreamError } from './answer-openai-responses.js';
import { OPENAI_MID_STREAM_ERROR, openAIErrorReply, openAIFailureReply, openAIResponseHeaders } from './openai-errors.js';
import { findOpenAIModel, OPENAI_MODELS, renderOpenAIModel } from './openai-models.js';
import { readOpenAIChatRequest } from './read-openai-chat-request.js';
import { renderOpenAICompletion, renderOpenAIStreamEvents } from './render-openai-completion.js';

/**
 * The OpenAI stand-in under `/openai`, so the SDK base URL is `…/openai/v1`.
 * @see https://platform.openai.com/docs/api-reference
 */
export const openAIApi: ProviderApi = {
  provider: 'openai',
  pathPrefix: '/openai',

  matchEndpoint(method: string, path: string, query: URLSearchParams): ProviderEndpoint | null {
    if (method === 'POST' && path === '/v1/chat/completions') return { operation: 'chat', pathModel: null, pathStream: null };
    if (method === 'POST' && path === '/v1/embeddings') return { operation: 'embed', pathModel: null, batch: true };
    if (method === 'POST' && path === '/v1/responses') return { operation: 'create-response' };
    const responseMatch = /^\/v1\/responses\/([^/]+)$/.exec(path);
    if (responseMatch?.[1] !== undefined) {
      const responseId = decodeURIComponent(responseMatch[1]);
      const startingAfter = query.get('starting_after');
      if (method === 'GET') return { operation: 'get-response', responseId, stream: query.get('stream') === 'true', startingAfter: startingAfter === null ? null : Number(startingAfter) };
      if (method === 'DELETE') return { operation: 'delete-response', responseId };
    }
    if (method === 'GET' && path === '/v1/models') return { operation: 'list-models' };
    const modelMatch = /^\/v1\/models\/([^/]+)$/.exec(path);
    if (method === 'GET' && modelMatch?.[1] !== undefined) return { operation: 'get-model', pathModel: decodeURIComponent(modelMatch[1]) };
    return null;
  },

  readApiKey(headers: IncomingHttpHeaders): string | null {
    const match = /^Bearer\s+(\S.*)$/i.exec(headers.authorization ?? '');
    return match?.[1]?.trim() ?? null;
  },

  checkRequiredHeaders(): JsonReply | null {
    return null;
  },

  describe(endpoint: ProviderEndpoint, body: unknown): { model: string | null; stream: boolean } {
    if (endpoint.operation === 'get-model') return { model: endpoint.pathModel, stream: false };
    if (endpoint.operation === 'get-response') return { model: null, stream: endpoint.stream };
    if (endpoint.operation === 'delete-response') return { model: null, stream: false };
    if (endpoint.operation === 'list-models' || !isRecord(body)) return { model: null, stream: false };
    return { model: readString(body, 'model'), stream: body['stream'] === true };
  },

  failureReply(failure: StandInFailure): JsonReply {
    return openAIFailureReply(failure);
  },

  midStreamErrorEvent(endpoint: ProviderEndpoint | null, eventsSent: number): string {
    const responses = endpoint?.operation === 'create-response' || endpoint?.operation === 'get-response';
    return responses ? responsesMidStreamError(eventsSent) : dataEvent(OPENAI_MID_STREAM_ERROR);
  },

  answer(endpoint: ProviderEndpoint, body: unknown, settings: AnswerSettings): ProviderReply {
    switch (endpoint.operation) {
      case 'list-models':
        return json({ object: 'list', data: OPENAI_MODELS.map(renderOpenAIModel) });
      case 'get-model': {
        const model = findOpenAIModel(endpoint.pathModel);
        if (model !== null) return json(renderOpenAIModel(model));
        return openAIErrorReply(404, {
          message: `The model '${endpoint.pathModel}' does not exist`,
          type: 'invalid_request_error',
          param: 'model',
          code: 'model_not_found',
        });
      }
      case 'chat':
        return answerChat(body, settings);
      case 'embed':
        return answerOpenAIEmbeddings(body);
      case 'create-response':
        return answerCreateResponse(body, settings);
      case 'get-response':
        return answerGetResponse(endpoint, settings.storedResponses);
      case 'delete-response':
        return answerDeleteResponse(endpoint.responseId, settings.storedResponses);
    }
  },
};

function answerChat(body: unknown, settings: AnswerSettings): ProviderReply {
  const read = readOpenAIChatRequest(body);
  if (!read.ok) return read.reply;
  const { request } = read;
  const answer = planAnswer(request.conversation);
  const identity = {
    id: `chatcmpl-${randomToken(29)}`,
    created: unixSeconds(),
    model: request.model.snapshot,
    toolCallId: `call_${randomToken(24)}`,
  };
  if (!request.stream) return json(renderOpenAICompletion(answer, identity));
  return {
    kind: 'stream',
    headers: { ...openAIResponseHeaders(), 'content-type': 'text/event-stream; charset=utf-8' },
    events: renderOpenAIStreamEvents(answer, identity, { streamChunks: settings.streamChunks, includeUsage: request.includeUsage }),
  };
}

function json(body: unknown): JsonReply {
  return { kind: 'json', status: 200, headers: openAIResponseHeaders(), body };
}
