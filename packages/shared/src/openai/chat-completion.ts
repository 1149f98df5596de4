/**
 * The OpenAI Chat Completions shapes, taken from the official `openai` SDK so that
 * UniRoute's public API is, by construction, the one the SDK speaks.
 */
export type {
  ChatCompletion,
  ChatCompletionChunk,
  ChatCompletionCreateParams,
  ChatCompletionMessageParam,
  ChatCompletionContentPart,
  ChatCompletionTool,
  ChatCompletionToolChoiceOption,
  ChatCompletionMessageToolCall,
} from 'openai/resources/chat/completions';
export type { CompletionUsage } from 'openai/resources/completions';
export type { Model, ModelsPage } from 'openai/resources/models';

/** `GET /v1/models` response. */
export interface ModelList {
  object: 'list';
  data: Array<{ id: string; object: 'model'; created: number; owned_by: string }>;
}
