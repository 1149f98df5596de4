/** One model the OpenAI stand-in serves. */
export interface OpenAIModel {
  readonly id: string;
  readonly created: number;
  readonly ownedBy: string;
  /** False for models `/chat/completions` refuses (embeddings). */
  readonly chat: boolean;
  /** The dated snapshot an alias answers as: the real API reports `gpt-4o-2024-08-06` for `gpt-4o`. */
  readonly snapshot: string;
  /** o-series reasoning models refuse `max_tokens` and want `max_completion_tokens`. */
  readonly reasoning: boolean;
  /** Embedding models: the vector length, and whether `dimensions` may shorten it (text-embedding-3 and later). */
  readonly embedding?: { readonly dimensions: number; readonly shortenable: boolean };
}

/** @see https://platform.openai.com/docs/models */
export const OPENAI_MODELS: readonly OpenAIModel[] = [
  { id: 'gpt-4o', created: 1715367049, ownedBy: 'system', chat: true, snapshot: 'gpt-4o-2024-08-06', reasoning: false },
  { id: 'gpt-4o-2024-08-06', created: 1722814719, ownedBy: 'system', chat: true, snapshot: 'gpt-4o-2024-08-06', reasoning: false },
  { id: 'gpt-4o-mini', created: 1721172741, ownedBy: 'system', chat: true, snapshot: 'gpt-4o-mini-2024-07-18', reasoning: false },
  { id: 'gpt-4o-mini-2024-07-18', created: 1721172717, ownedBy: 'system', chat: true, snapshot: 'gpt-4o-mini-2024-07-18', reasoning: false },
  { id: 'o3-mini', created: 1737146383, ownedBy: 'system', chat: true, snapshot: 'o3-mini-2025-01-31', reasoning: true },
  { id: 'o3-mini-2025-01-31', created: 1738010200, ownedBy: 'system', chat: true, snapshot: 'o3-mini-2025-01-31', reasoning: true },
  // @see https://platform.openai.com/docs/guides/embeddings#embedding-models
  { id: 'text-embedding-3-small', created: 1705948997, ownedBy: 'system', chat: false, snapshot: 'text-embedding-3-small', reasoning: false, embedding: { dimensions: 1536, shortenable: true } },
  { id: 'text-embedding-3-large', created: 1705953180, ownedBy: 'system', chat: false, snapshot: 'text-embedding-3-large', reasoning: false, embedding: { dimensions: 3072, shortenable: true } },
  { id: 'text-embedding-ada-002', created: 1671217299, ownedBy: 'openai-internal', chat: false, snapshot: 'text-embedding-ada-002', reasoning: false, embedding: { dimensions: 1536, shortenable: false } },
];

export function findOpenAIModel(id: string): OpenAIModel | null {
  return OPENAI_MODELS.find((model) => model.id === id) ?? null;
}

/** The Model object of `GET /v1/models`. @see https://platform.openai.com/docs/api-reference/models/object */
export function renderOpenAIModel(model: OpenAIModel): Record<string, unknown> {
  return { id: model.id, object: 'model', created: model.created, owned_by: model.ownedBy };
}
