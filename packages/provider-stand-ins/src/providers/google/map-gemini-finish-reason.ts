import type { Answer } from '../../conversation/answer.js';

/** Gemini's `finishReason` values the stand-in produces. */
export type GeminiFinishReason = 'STOP' | 'MAX_TOKENS';

/**
 * Gemini ends function calls and stop sequences with STOP too.
 * @see https://ai.google.dev/api/generate-content#FinishReason
 */
export function mapGeminiFinishReason(answer: Answer): GeminiFinishReason {
  return answer.kind === 'text' && answer.finish === 'max-tokens' ? 'MAX_TOKENS' : 'STOP';
}
