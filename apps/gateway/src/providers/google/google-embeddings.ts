import { z } from 'zod';
import { joinUrl } from '../adapter-runtime.js';
import type { UpstreamContext, UpstreamRequest } from '../provider-adapter.js';
import { unreadableUpstreamError } from '../upstream-error.js';

/** Gemini takes at most this many requests in one `batchEmbedContents` call; longer inputs go in several. */
export const GOOGLE_MAX_BATCH_EMBED_REQUESTS = 100;

/**
 * The task types Gemini embedding models are tuned for (`taskType`); UniRoute takes one as `task_type`.
 * @see https://ai.google.dev/api/embeddings#tasktype
 */
export const GOOGLE_EMBEDDING_TASK_TYPES = [
  'RETRIEVAL_QUERY',
  'RETRIEVAL_DOCUMENT',
  'SEMANTIC_SIMILARITY',
  'CLASSIFICATION',
  'CLUSTERING',
  'QUESTION_ANSWERING',
  'FACT_VERIFICATION',
  'CODE_RETRIEVAL_QUERY',
] as const;

export type GoogleEmbeddingTaskType = (typeof GOOGLE_EMBEDDING_TASK_TYPES)[number];

/** What an OpenAI embeddings request asks of Gemini besides the texts. */
export interface GoogleEmbeddingOptions {
  /** OpenAI's `dimensions` → `outputDimensionality`. */
  readonly dimensions?: number;
  readonly taskType?: GoogleEmbeddingTaskType;
}

/**
 * `BatchEmbedContentsResponse`: one `ContentEmbedding` per request, in request order.
 * @see https://ai.google.dev/api/embeddings#response-body_1
 * @see https://ai.google.dev/api/embeddings#contentembedding
 */
const batchEmbedResponseSchema = z.object({
  embeddings: z.array(z.object({ values: z.array(z.number()) })),
});

/**
 * One `models/{model}:batchEmbedContents` call for up to {@link GOOGLE_MAX_BATCH_EMBED_REQUESTS} texts: each text is
 * an `EmbedContentRequest` naming the same model as `models/{model}`, with one text part, and the options.
 * @see https://ai.google.dev/api/embeddings#method:-models.batchembedcontents
 * @see https://ai.google.dev/api/embeddings#EmbedContentRequest
 */
export function toGoogleBatchEmbedRequest(model: string, texts: readonly string[], options: GoogleEmbeddingOptions, context: UpstreamContext): UpstreamRequest {
  const name = model.replace(/^models\//, '');
  const requests = texts.map((text) => ({
    model: `models/${name}`,
    content: { parts: [{ text }] },
    ...(options.taskType ? { taskType: options.taskType } : {}),
    ...(options.dimensions !== undefined ? { outputDimensionality: options.dimensions } : {}),
  }));
  return {
    method: 'POST',
    url: joinUrl(context.baseUrl, `/v1beta/models/${encodeURIComponent(name)}:batchEmbedContents`),
    headers: { 'x-goog-api-key': context.apiKey, 'content-type': 'application/json' },
    body: JSON.stringify({ requests }),
  };
}

/** The vectors of a batch, checked to be one per text sent. */
export function fromGoogleBatchEmbedResponse(body: unknown, expectedCount: number): number[][] {
  const parsed = batchEmbedResponseSchema.safeParse(body);
  if (!parsed.success) throw unreadableUpstreamError('google', 'an embeddings response', parsed.error);
  if (parsed.data.embeddings.length !== expectedCount) {
    throw unreadableUpstreamError('google', `${parsed.data.embeddings.length} embeddings for ${expectedCount} texts`, undefined);
  }
  return parsed.data.embeddings.map((embedding) => embedding.values);
}

/**
 * Gemini reports no token counts for embeddings, so `usage` is estimated: about four characters per token,
 * Google's own rule of thumb for Gemini models, and at least one token per text.
 * @see https://ai.google.dev/gemini-api/docs/tokens
 */
export function estimateEmbeddingTokens(texts: readonly string[]): number {
  return texts.reduce((sum, text) => sum + Math.max(1, Math.ceil(text.length / 4)), 0);
}
