import type { IncomingHttpHeaders } from 'node:http';
import { planAnswer } from '../../conversation/plan-answer.js';
import { randomToken } from '../../ids.js';
import { crlfDataEvent } from '../../http/sse-event.js';
import { isRecord } from '../../json/json-readers.js';
import type { AnswerSettings, JsonReply, ProviderApi, ProviderEndpoint, ProviderReply, StandInFailure } from '../provider-api.js';
import { GEMINI_JSON_HEADERS, GEMINI_MID_STREAM_ERROR, geminiErrorReply, geminiFailureReply, geminiModelNotFound } from './gemini-errors.js';
import { canGenerateContent, findGeminiModel, GEMINI_MODELS, renderGeminiModel } from './gemini-models.js';
import { planGeminiReasoning } from './gemini-thinking.js';
import { answerGeminiEmbeddings } from './answer-gemini-embeddings.js';
import { readGeminiRequest } from './read-gemini-request.js';
import { renderGeminiResponse, renderGeminiStreamEvents } from './render-gemini-response.js';

const GENERATE_PATH = /^\/v1(?:beta)?\/models\/([^/:]+):(generateContent|streamGenerateContent)$/;
const EMBED_PATH = /^\/v1(?:beta)?\/models\/([^/:]+):(embedContent|batchEmbedContents)$/;
const MODEL_PATH = /^\/v1(?:beta)?\/models\/([^/:]+)$/;
const LIST_PATH = /^\/v1(?:beta)?\/models$/;

/**
 * The Gemini API stand-in under `/google`: the SDK base URL is that prefix and
 * the SDK adds `/v1beta/models/…`.
 * @see https://ai.google.dev/api
 */
export const geminiApi: ProviderApi = {
  provider: 'google',
  pathPrefix: '/google',

  matchEndpoint(method: string, path: string): ProviderEndpoint | null {
    const generate = GENERATE_PATH.exec(path);
    if (method === 'POST' && generate?.[1] !== undefined) {
      return { operation: 'chat', pathModel: decodeURIComponent(generate[1]), pathStream: generate[2] === 'streamGenerateContent' };
    }
    const embed = EMBED_PATH.exec(path);
    if (method === 'POST' && embed?.[1] !== undefined) return { operation: 'embed', pathModel: decodeURIComponent(embed[1]), batch: embed[2] === 'batchEmbedContents' };
    if (method === 'GET' && LIST_PATH.test(path)) return { operation: 'list-models' };
    const model = MODEL_PATH.exec(path);
    if (method === 'GET' && model?.[1] !== undefined) return { operation: 'get-model', pathModel: decodeURIComponent(model[1]) };
    return null;
  },

  /** The SDK sends `x-goog-api-key`; plain REST users often put `?key=` in the URL. */
  readApiKey(headers: IncomingHttpHeaders, query: URLSearchParams): string | null {
    const header = headers['x-goog-api-key'];
    if (typeof header === 'string' && header.trim() !== '') return header.trim();
    const key = query.get('key');
    return key !== null && key.trim() !== '' ? key.trim() : null;
  },

  checkRequiredHeaders(): JsonReply | null {
    return null;
  },

  describe(endpoint: ProviderEndpoint): { model: string | null; stream: boolean } {
    switch (endpoint.operation) {
      case 'chat':
        return { model: endpoint.pathModel, stream: endpoint.pathStream === true };
      case 'get-model':
      case 'embed':
        return { model: endpoint.pathModel, stream: false };
      default:
        return { model: null, stream: false };
    }
  },

  failureReply(failure: StandInFailure): JsonReply {
    return geminiFailureReply(failure);
  },

  midStreamErrorEvent(): string {
    return crlfDataEvent(GEMINI_MID_STREAM_ERROR);
  },

  answer(endpoint: ProviderEndpoint, body: unknown, settings: AnswerSettings): ProviderReply {
    switch (endpoint.operation) {
      case 'list-models':
        return json({ models: GEMINI_MODELS.map(renderGeminiModel) });
      case 'get-model': {
        const model = findGeminiModel(endpoint.pathModel);
        return model === null ? geminiErrorReply(404, 'NOT_FOUND', `Model is not found: models/${endpoint.pathModel} for api version v1beta`) : json(renderGeminiModel(model));
      }
      case 'chat':
        return answerGenerate(endpoint.pathModel ?? '', endpoint.pathStream === true, body, settings);
      case 'embed':
        return answerGeminiEmbeddings(endpoint.pathModel ?? '', endpoint.batch, body);
      default:
        return geminiErrorReply(404, 'NOT_FOUND', `Method not found: ${endpoint.operation}`);
    }
  },
};

function answerGenerate(modelName: string, stream: boolean, body: unknown, settings: AnswerSettings): ProviderReply {
  const model = findGeminiModel(modelName);
  if (model === null || !canGenerateContent(model)) {
    return geminiModelNotFound(modelName, stream ? 'streamGenerateContent' : 'generateContent');
  }
  const read = readGeminiRequest(body);
  if (!read.ok) return read.reply;
  const answer = planAnswer(read.conversation);
  const thinking = planGeminiReasoning(isRecord(body) ? body : {}, model, read.conversation, answer, settings.signatures);
  if (!thinking.ok) return thinking.reply;
  const identity = { responseId: randomToken(23), modelVersion: model.id };
  if (!stream) return json(renderGeminiResponse(answer, identity, thinking.reasoning));
  return {
    kind: 'stream',
    headers: { 'content-type': 'text/event-stream' },
    events: renderGeminiStreamEvents(answer, identity, { streamChunks: settings.streamChunks }, thinking.reasoning),
  };
}

function json(body: unknown): JsonReply {
  return { kind: 'json', status: 200, headers: GEMINI_JSON_HEADERS, body };
}
