import type { EmbeddingCreateParams } from '@uniroute/shared';
import { z } from 'zod';
import { GatewayError } from '../common/errors/gateway-error.js';
import { GOOGLE_EMBEDDING_TASK_TYPES, type GoogleEmbeddingTaskType } from '../providers/google/google-embeddings.js';

/** OpenAI's cap on inputs per request. @see https://platform.openai.com/docs/api-reference/embeddings/create#embeddings-create-input */
export const MAX_EMBEDDING_INPUTS = 2048;

const text = z.string().min(1);
const tokenIds = z.array(z.number().int().min(0)).min(1);
const INPUT_FORMS = `input must be a non-empty string, or an array of 1 to ${MAX_EMBEDDING_INPUTS} non-empty strings, token ids or token-id arrays`;

/**
 * The part of OpenAI's embeddings request UniRoute reads; unknown fields pass through to OpenAI. `task_type` is
 * UniRoute's one addition, for Gemini models (their `taskType`).
 * @see https://platform.openai.com/docs/api-reference/embeddings/create
 */
export const embeddingsRequestSchema = z.looseObject({
  model: z.string({ message: 'model is required' }).min(1, 'model is required'),
  input: z.union([text, z.array(text).min(1).max(MAX_EMBEDDING_INPUTS), tokenIds.max(MAX_EMBEDDING_INPUTS), z.array(tokenIds).min(1).max(MAX_EMBEDDING_INPUTS)], { message: INPUT_FORMS }),
  encoding_format: z.enum(['float', 'base64'], { message: 'encoding_format must be "float" or "base64"' }).optional(),
  dimensions: z.number().int().positive('dimensions must be a positive integer').optional(),
  user: z.string().optional(),
  task_type: z.enum(GOOGLE_EMBEDDING_TASK_TYPES, { message: `task_type must be one of ${GOOGLE_EMBEDDING_TASK_TYPES.join(', ')}` }).optional(),
});

/** A validated embeddings request. */
export type EmbeddingsRequest = EmbeddingCreateParams & { task_type?: GoogleEmbeddingTaskType };

/** Validates an incoming body; the first problem becomes a 400 with `param` set to its path. */
export function parseEmbeddingsRequest(body: unknown): EmbeddingsRequest {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new GatewayError('invalid_request', 'The request body must be a JSON object.');
  }
  const result = embeddingsRequestSchema.safeParse(body);
  if (result.success) return result.data as EmbeddingsRequest;
  const issue = result.error.issues[0]!;
  // A union reports its own path only; anything under `input` is about the input's form.
  const param = issue.path[0] === 'input' ? 'input' : issue.path.map(String).join('.');
  const message = issue.path[0] === 'input' ? INPUT_FORMS : issue.message;
  throw new GatewayError('invalid_request', param ? `Invalid ${param}: ${message}` : message, { param: param || undefined });
}
