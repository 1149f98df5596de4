import type { ChatRequest } from '../provider-adapter.js';
import { GEMINI_THINKING_BUDGETS, GEMINI_THINKING_LEVELS, reasoningEffortOf } from '../reasoning-effort.js';
import { isPlainObject } from '../request-content.js';
import type { GoogleThinkingConfig } from './google.types.js';

/**
 * The signature Google documents for a function call whose real signature is gone (a history written by another
 * model, or by a client that kept neither `extra_content` nor a turn that reached this replica). It tells Gemini 3 to
 * skip validation for that call; the model reasons less well from such a history, but the request succeeds.
 * @see https://ai.google.dev/gemini-api/docs/thought-signatures#faqs
 */
export const DUMMY_THOUGHT_SIGNATURE = 'skip_thought_signature_validator';

/**
 * Gemini 3 and later take `thinkingLevel` instead of `thinkingBudget`, and reject a function call in the current turn
 * that comes back without its thought signature.
 * @see https://ai.google.dev/gemini-api/docs/gemini-3#thinking
 * @see https://ai.google.dev/gemini-api/docs/thought-signatures
 */
export function isGemini3OrLater(model: string): boolean {
  const generation = /^(?:models\/)?gemini-(\d+)/.exec(model)?.[1];
  return generation !== undefined && Number(generation) >= 3;
}

/**
 * `generationConfig.thinkingConfig`: a native `thinkingConfig` the caller sent wins and goes out unchanged; otherwise
 * `reasoning_effort` becomes a `thinkingLevel` (Gemini 3) or a `thinkingBudget` (Gemini 2.5), with thought summaries
 * on so the answer can carry `reasoning_content`. Without either, Gemini's own default applies.
 * @see https://ai.google.dev/gemini-api/docs/thinking
 * @see https://ai.google.dev/gemini-api/docs/openai#thinking
 */
export function googleThinkingConfig(request: ChatRequest): GoogleThinkingConfig | undefined {
  if (isPlainObject(request.thinkingConfig)) return request.thinkingConfig as GoogleThinkingConfig;
  const effort = reasoningEffortOf(request);
  if (effort === undefined) return undefined;
  const includeThoughts = effort !== 'none';
  return isGemini3OrLater(request.model)
    ? { thinkingLevel: GEMINI_THINKING_LEVELS[effort], includeThoughts }
    : { thinkingBudget: GEMINI_THINKING_BUDGETS[effort], includeThoughts };
}
