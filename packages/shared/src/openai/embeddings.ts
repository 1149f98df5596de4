/**
 * The OpenAI Embeddings shapes (`POST /v1/embeddings`, §11), taken from the official `openai` SDK so
 * the gateway's answers are, by construction, the ones the SDK reads.
 */
export type { CreateEmbeddingResponse, Embedding, EmbeddingCreateParams } from 'openai/resources/embeddings';
