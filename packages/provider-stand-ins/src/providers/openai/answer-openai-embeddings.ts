import { countTokens } from '../../conversation/count-tokens.js';
import { embeddingVector, float32Base64, shortenEmbedding } from '../../embeddings/embedding-vector.js';
import { isRecord } from '../../json/json-readers.js';
import type { JsonReply } from '../provider-api.js';
import { openAIErrorReply, openAIModelNotFound, openAIResponseHeaders } from './openai-errors.js';
import { findOpenAIModel } from './openai-models.js';

/** OpenAI's cap on inputs per request. @see https://platform.openai.com/docs/api-reference/embeddings/create#embeddings-create-input */
const MAX_INPUTS = 2048;

/**
 * `POST /v1/embeddings`: `input` is a string, an array of strings, an array of token ids or an array of
 * token-id arrays; `encoding_format` is `float` (the default) or `base64` (little-endian float32 bytes);
 * `dimensions` shortens text-embedding-3 vectors. The answer is a `list` of `embedding` objects with
 * `usage: { prompt_tokens, total_tokens }`. Token ids are embedded as their decimal text.
 * @see https://platform.openai.com/docs/api-reference/embeddings/create
 * @see https://platform.openai.com/docs/api-reference/embeddings/object
 */
export function answerOpenAIEmbeddings(body: unknown): JsonReply {
  if (!isRecord(body)) return invalid("Invalid type for 'body': expected an object.", null);
  const modelId = body['model'];
  if (typeof modelId !== 'string') return invalid('you must provide a model parameter', null);
  if (body['input'] === undefined) return invalid("'input' is a required property", null);
  const texts = readInputs(body['input']);
  if (texts === null) return invalid("'$.input' is invalid. Please check the API reference: https://platform.openai.com/docs/api-reference.", 'input');
  if (texts.length > MAX_INPUTS) return invalid(`'$.input' is too long: at most ${MAX_INPUTS} inputs may be embedded per request.`, 'input');
  const format = body['encoding_format'] ?? 'float';
  if (format !== 'float' && format !== 'base64') {
    return invalid(`Invalid value for 'encoding_format': expected one of 'float' or 'base64', but got '${String(format)}' instead.`, 'encoding_format');
  }
  const model = findOpenAIModel(modelId);
  if (model === null) return openAIModelNotFound(modelId);
  if (model.embedding === undefined) return invalid(`The model \`${modelId}\` does not support embeddings.`, 'model');
  const requested = body['dimensions'];
  let dimensions = model.embedding.dimensions;
  if (requested !== undefined && requested !== null) {
    if (!model.embedding.shortenable) return invalid('This model does not support specifying dimensions.', 'dimensions');
    if (typeof requested !== 'number' || !Number.isInteger(requested) || requested < 1 || requested > model.embedding.dimensions) {
      return invalid(`Invalid 'dimensions': must be an integer from 1 to ${model.embedding.dimensions}.`, 'dimensions');
    }
    dimensions = requested;
  }
  const data = texts.map((text, index) => {
    const values = shortenEmbedding(embeddingVector(model.id, text, model.embedding!.dimensions), dimensions);
    return { object: 'embedding', index, embedding: format === 'base64' ? float32Base64(values) : values };
  });
  const tokens = texts.reduce((sum, text) => sum + Math.max(1, countTokens(text)), 0);
  return { kind: 'json', status: 200, headers: openAIResponseHeaders(), body: { object: 'list', data, model: model.snapshot, usage: { prompt_tokens: tokens, total_tokens: tokens } } };
}

/** The texts to embed, or null when `input` has none of the four accepted shapes (or an empty one). */
function readInputs(input: unknown): string[] | null {
  if (typeof input === 'string') return input === '' ? null : [input];
  if (!Array.isArray(input) || input.length === 0) return null;
  if (input.every((item) => typeof item === 'string')) return input.some((item) => item === '') ? null : (input as string[]);
  if (input.every(isTokenId)) return [input.join(' ')];
  if (input.every((item) => Array.isArray(item) && item.length > 0 && item.every(isTokenId))) return (input as number[][]).map((tokens) => tokens.join(' '));
  return null;
}

function isTokenId(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0;
}

function invalid(message: string, param: string | null): JsonReply {
  return openAIErrorReply(400, { message, type: 'invalid_request_error', param });
}
