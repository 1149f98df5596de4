import { Injectable } from '@nestjs/common';
import { PROVIDER_LABELS, type CreateEmbeddingResponse } from '@uniroute/shared';
import type { FastifyReply } from 'fastify';
import type { Principal } from '../auth/principal.js';
import { GatewayError } from '../common/errors/gateway-error.js';
import { joinUrl } from '../providers/adapter-runtime.js';
import {
  GOOGLE_MAX_BATCH_EMBED_REQUESTS,
  estimateEmbeddingTokens,
  fromGoogleBatchEmbedResponse,
  toGoogleBatchEmbedRequest,
} from '../providers/google/google-embeddings.js';
import { resolveModel } from '../providers/resolve-model.js';
import { UpstreamRelayService, type RoutedExchange, type StreamErrorEvent } from '../router/upstream-relay.service.js';
import { parseEmbeddingsRequest, type EmbeddingsRequest } from './embeddings-request.schema.js';
import { encodeEmbeddingBase64 } from './encode-embedding.js';

/** Models named in the 400 for a provider without embeddings, so the fix is one edit away. */
const EMBEDDING_MODELS_HINT = 'Use an OpenAI model (text-embedding-3-small, text-embedding-3-large) or a Google one (gemini-embedding-001, google/text-embedding-004).';

/** Gemini batches sent at once for one long input; more would only queue at the provider's rate limit. */
const GOOGLE_BATCH_CONCURRENCY = 4;

/** An embeddings answer is never a stream; should one break anyway, it ends the chat way. */
const NO_STREAM: StreamErrorEvent = (error) => `data: ${JSON.stringify(error.toBody())}\n\n`;

/**
 * `POST /v1/embeddings` (§11): OpenAI models are relayed (the answer as bytes); Gemini models are translated to
 * `batchEmbedContents` (in batches of 100, `dimensions` → `outputDimensionality`, `task_type` → `taskType`) and
 * back into OpenAI's `list` with an estimated `usage`, encoded as base64 when asked; Anthropic has no
 * embeddings API and gets a 400. Credentials, headers, errors and metrics are chat's (UpstreamRelayService).
 * @see https://platform.openai.com/docs/api-reference/embeddings/create
 * @see https://ai.google.dev/api/embeddings#method:-models.batchembedcontents
 */
@Injectable()
export class EmbeddingsService {
  constructor(private readonly relay: UpstreamRelayService) {}

  create(principal: Principal, body: unknown, reply: FastifyReply): Promise<void> {
    return this.relay.run('embeddings', principal, reply, async (exchange) => {
      const request = parseEmbeddingsRequest(body);
      const { provider, model } = resolveModel(request.model);
      if (provider === 'anthropic') {
        exchange.outcome.provider = provider;
        throw new GatewayError('invalid_request', `${PROVIDER_LABELS.anthropic} has no embeddings API. ${EMBEDDING_MODELS_HINT}`, { param: 'model' });
      }
      if (provider === 'openai' && request.task_type !== undefined) {
        throw new GatewayError('invalid_request', 'task_type is an option of Google Gemini embedding models; OpenAI models do not take it.', { param: 'task_type' });
      }
      const routed = await this.relay.route(exchange, provider, model);
      if (provider === 'openai') await this.relayOpenAI(routed, { ...request, model });
      else await this.translateGoogle(routed, { ...request, model });
    });
  }

  /** OpenAI speaks this API: the request goes up as it came (model prefix stripped) and the answer comes back as bytes. */
  private async relayOpenAI(exchange: RoutedExchange, request: EmbeddingsRequest): Promise<void> {
    const response = await this.relay.send(exchange, {
      method: 'POST',
      url: joinUrl(exchange.context.baseUrl, '/embeddings'),
      headers: { authorization: `Bearer ${exchange.context.apiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify(request),
    });
    await this.relay.relay(exchange, response, NO_STREAM);
  }

  private async translateGoogle(exchange: RoutedExchange, request: EmbeddingsRequest): Promise<void> {
    const texts = googleTexts(request.input);
    const batches: string[][] = [];
    for (let start = 0; start < texts.length; start += GOOGLE_MAX_BATCH_EMBED_REQUESTS) batches.push(texts.slice(start, start + GOOGLE_MAX_BATCH_EMBED_REQUESTS));
    // Routing counted the first call; on the server key every further batch is one more upstream call on the
    // operator's account (2,048 inputs = 21 calls), so each is rationed too — all before any is sent, so a request
    // over SERVER_KEY_RPM costs the operator no call at all.
    for (let extra = 1; extra < batches.length; extra += 1) await this.relay.rationServerKey(exchange);
    const options = { dimensions: request.dimensions, taskType: request.task_type };
    const vectors = (
      await mapWithConcurrency(batches, GOOGLE_BATCH_CONCURRENCY, async (batch) => {
        const response = await this.relay.send(exchange, toGoogleBatchEmbedRequest(request.model, batch, options, exchange.context));
        return fromGoogleBatchEmbedResponse(await this.relay.readJson(exchange, response), batch.length);
      })
    ).flat();
    const base64 = request.encoding_format === 'base64';
    const tokens = estimateEmbeddingTokens(texts);
    const answer: CreateEmbeddingResponse = {
      object: 'list',
      data: vectors.map((values, index) => ({
        object: 'embedding' as const,
        index,
        // The SDK type says number[]; with base64 the wire carries the encoded string, which the SDK decodes.
        embedding: (base64 ? encodeEmbeddingBase64(values) : values) as number[],
      })),
      model: request.model,
      usage: { prompt_tokens: tokens, total_tokens: tokens },
    };
    // Gemini reports no tokens for embeddings: the usage log keeps the same estimate the answer carries.
    exchange.outcome.tokens = { promptTokens: tokens, completionTokens: 0, cachedTokens: null, cacheWriteTokens: null };
    await exchange.reply.status(200).header('content-type', 'application/json').send(answer);
  }
}

/** Gemini embeds text only: token ids (OpenAI's tokenizer) mean nothing to it. */
function googleTexts(input: EmbeddingsRequest['input']): string[] {
  if (typeof input === 'string') return [input];
  if (input.every((item): item is string => typeof item === 'string')) return input;
  throw new GatewayError('invalid_request', `${PROVIDER_LABELS.google} embeds text, not token ids: send the input as strings.`, { param: 'input' });
}

/** `work` over `items`, at most `limit` at a time, results in order; the first failure rejects. */
async function mapWithConcurrency<T, R>(items: readonly T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

