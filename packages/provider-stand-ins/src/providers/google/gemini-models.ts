/** One model the Gemini stand-in serves, in the shape of the API's Model resource. */
export interface GeminiModel {
  readonly id: string;
  readonly version: string;
  readonly displayName: string;
  readonly description: string;
  readonly inputTokenLimit: number;
  readonly outputTokenLimit: number;
  readonly supportedGenerationMethods: readonly string[];
  readonly thinking: boolean;
  /** Embedding models: the default vector length (`outputDimensionality` may shorten it). */
  readonly embeddingDimensions?: number;
}

const CHAT_METHODS = ['generateContent', 'countTokens', 'createCachedContent', 'batchGenerateContent'];

/** @see https://ai.google.dev/gemini-api/docs/models */
export const GEMINI_MODELS: readonly GeminiModel[] = [
  {
    id: 'gemini-2.0-flash',
    version: '2.0',
    displayName: 'Gemini 2.0 Flash',
    description: 'Gemini 2.0 Flash',
    inputTokenLimit: 1048576,
    outputTokenLimit: 8192,
    supportedGenerationMethods: CHAT_METHODS,
    thinking: false,
  },
  {
    id: 'gemini-2.0-flash-lite',
    version: '2.0',
    displayName: 'Gemini 2.0 Flash-Lite',
    description: 'Gemini 2.0 Flash-Lite',
    inputTokenLimit: 1048576,
    outputTokenLimit: 8192,
    supportedGenerationMethods: CHAT_METHODS,
    thinking: false,
  },
  {
    id: 'gemini-2.5-flash',
    version: '001',
    displayName: 'Gemini 2.5 Flash',
    description: 'Stable version of Gemini 2.5 Flash, our mid-size multimodal model that supports up to 1 million tokens.',
    inputTokenLimit: 1048576,
    outputTokenLimit: 65536,
    supportedGenerationMethods: CHAT_METHODS,
    thinking: true,
  },
  {
    id: 'gemini-2.5-pro',
    version: '2.5',
    displayName: 'Gemini 2.5 Pro',
    description: 'Stable release of Gemini 2.5 Pro',
    inputTokenLimit: 1048576,
    outputTokenLimit: 65536,
    supportedGenerationMethods: CHAT_METHODS,
    thinking: true,
  },
  // @see https://ai.google.dev/gemini-api/docs/embeddings#model-versions
  {
    id: 'gemini-embedding-001',
    version: '001',
    displayName: 'Gemini Embedding 001',
    description: 'Obtain a distributed representation of a text.',
    inputTokenLimit: 2048,
    outputTokenLimit: 1,
    supportedGenerationMethods: ['embedContent', 'countTextTokens', 'countTokens', 'asyncBatchEmbedContent'],
    thinking: false,
    embeddingDimensions: 3072,
  },
  {
    id: 'gemini-3-pro-preview',
    version: '3-pro-preview-11-2025',
    displayName: 'Gemini 3 Pro Preview',
    description: 'Gemini 3 Pro Preview',
    inputTokenLimit: 1048576,
    outputTokenLimit: 65536,
    supportedGenerationMethods: CHAT_METHODS,
    thinking: true,
  },
  {
    id: 'text-embedding-004',
    version: '004',
    displayName: 'Text Embedding 004',
    description: 'Obtain a distributed representation of a text.',
    inputTokenLimit: 2048,
    outputTokenLimit: 1,
    supportedGenerationMethods: ['embedContent'],
    thinking: false,
    embeddingDimensions: 768,
  },
];

/** Finds a model by `gemini-2.0-flash` or `models/gemini-2.0-flash`. */
export function findGeminiModel(name: string): GeminiModel | null {
  const id = name.startsWith('models/') ? name.slice('models/'.length) : name;
  return GEMINI_MODELS.find((model) => model.id === id) ?? null;
}

export function canGenerateContent(model: GeminiModel): boolean {
  return model.supportedGenerationMethods.includes('generateContent');
}

/** @see https://ai.google.dev/api/models#Model */
export function renderGeminiModel(model: GeminiModel): Record<string, unknown> {
  const chat = canGenerateContent(model);
  return {
    name: `models/${model.id}`,
    version: model.version,
    displayName: model.displayName,
    description: model.description,
    inputTokenLimit: model.inputTokenLimit,
    outputTokenLimit: model.outputTokenLimit,
    supportedGenerationMethods: model.supportedGenerationMethods,
    ...(chat ? { temperature: 1, topP: 0.95, topK: model.thinking ? 64 : 40, maxTemperature: 2 } : {}),
    ...(model.thinking ? { thinking: true } : {}),
  };
}
