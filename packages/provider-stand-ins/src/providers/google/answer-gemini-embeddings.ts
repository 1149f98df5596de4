import { embeddingVector, shortenEmbedding } from '../../embeddings/embedding-vector.js';
import { isRecord, readRecord, readString, recordsOf, type JsonRecord } from '../../json/json-readers.js';
import type { JsonReply } from '../provider-api.js';
import { GEMINI_JSON_HEADERS, geminiErrorReply, geminiModelNotFound } from './gemini-errors.js';
import { findGeminiModel, type GeminiModel } from './gemini-models.js';

/** Gemini's cap on requests in one `batchEmbedContents` call. */
export const MAX_BATCH_EMBED_REQUESTS = 100;

/**
 * The task types an embedding request may name.
 * @see https://ai.google.dev/api/embeddings#tasktype
 */
const TASK_TYPES = new Set([
  'TASK_TYPE_UNSPECIFIED',
  'RETRIEVAL_QUERY',
  'RETRIEVAL_DOCUMENT',
  'SEMANTIC_SIMILARITY',
  'CLASSIFICATION',
  'CLUSTERING',
  'QUESTION_ANSWERING',
  'FACT_VERIFICATION',
  'CODE_RETRIEVAL_QUERY',
]);

/**
 * `models/{model}:batchEmbedContents` (`{ requests: [EmbedContentRequest] }` → `{ embeddings: [{ values }] }`, in
 * order) and `models/{model}:embedContent` (`EmbedContentRequest` → `{ embedding: { values } }`). Each request has
 * `content.parts[].text`, optional `taskType`, `title` and `outputDimensionality`; in a batch each names the path's
 * model as `models/{model}`. Gemini reports no token usage for embeddings.
 * @see https://ai.google.dev/api/embeddings#method:-models.batchembedcontents
 * @see https://ai.google.dev/api/embeddings#method:-models.embedcontent
 */
export function answerGeminiEmbeddings(modelName: string, batch: boolean, body: unknown): JsonReply {
  const model = findGeminiModel(modelName);
  const method = batch ? 'batchEmbedContents' : 'embedContent';
  if (model === null || model.embeddingDimensions === undefined) return geminiModelNotFound(modelName, method);
  if (!isRecord(body)) return invalidArgument('Invalid JSON payload received. Expected an object.');
  if (!batch) {
    const embedded = embedOne(model, body, null);
    return typeof embedded === 'string' ? invalidArgument(embedded) : json({ embedding: { values: embedded } });
  }
  const requests = body['requests'];
  if (!Array.isArray(requests) || requests.length === 0) return invalidArgument('* BatchEmbedContentsRequest.requests: contents is not specified\n');
  if (requests.length > MAX_BATCH_EMBED_REQUESTS) {
    return invalidArgument(`* BatchEmbedContentsRequest.requests: at most ${MAX_BATCH_EMBED_REQUESTS} requests can be in one batch\n`);
  }
  const embeddings: { values: number[] }[] = [];
  for (const [index, request] of requests.entries()) {
    if (!isRecord(request)) return invalidArgument(`* BatchEmbedContentsRequest.requests[${index}]: expected an object\n`);
    const embedded = embedOne(model, request, index);
    if (typeof embedded === 'string') return invalidArgument(embedded);
    embeddings.push({ values: embedded });
  }
  return json({ embeddings });
}

/** One EmbedContentRequest's vector, or the INVALID_ARGUMENT message. */
function embedOne(model: GeminiModel, request: JsonRecord, index: number | null): number[] | string {
  const field = index === null ? 'EmbedContentRequest' : `BatchEmbedContentsRequest.requests[${index}]`;
  if (index !== null) {
    const named = readString(request, 'model');
    if (named !== `models/${model.id}`) return `* ${field}.model: model must be "models/${model.id}", the model of the batch\n`;
  }
  const text = recordsOf(readRecord(request, 'content')?.['parts'] as unknown[] | null ?? null)
    .map((part) => readString(part, 'text') ?? '')
    .join('');
  if (text === '') return `* ${field}.content: contents is not specified\n`;
  const taskType = request['taskType'];
  if (taskType !== undefined && (typeof taskType !== 'string' || !TASK_TYPES.has(taskType))) return `Invalid value at '${field}.task_type', "${String(taskType)}"`;
  const dimensions = request['outputDimensionality'] ?? model.embeddingDimensions;
  const full = model.embeddingDimensions as number;
  if (typeof dimensions !== 'number' || !Number.isInteger(dimensions) || dimensions < 1 || dimensions > full) {
    return `* ${field}.output_dimensionality: must be an integer from 1 to ${full}\n`;
  }
  // The task type changes the vector, as it does for the real models.
  return shortenEmbedding(embeddingVector(model.id, `${typeof taskType === 'string' ? taskType : ''}\u0000${text}`, full), dimensions);
}

function invalidArgument(message: string): JsonReply {
  return geminiErrorReply(400, 'INVALID_ARGUMENT', message);
}

function json(body: unknown): JsonReply {
  return { kind: 'json', status: 200, headers: GEMINI_JSON_HEADERS, body };
}
