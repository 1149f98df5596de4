import type { FinishReason } from '../openai-chunks.js';

/**
 * Gemini's `finishReason` as OpenAI's `finish_reason`. Gemini ends a function-calling turn with `STOP`, so a candidate
 * that called functions reports `tool_calls` unless it was cut short or filtered.
 * @see https://ai.google.dev/api/generate-content#FinishReason
 * @see https://platform.openai.com/docs/api-reference/chat/object#chat/object-choices
 */
export function mapGoogleFinishReason(finishReason: string | null | undefined, hasToolCalls: boolean): FinishReason {
  switch (finishReason) {
    case 'MAX_TOKENS':
      return 'length';
    case 'SAFETY':
    case 'RECITATION':
    case 'BLOCKLIST':
    case 'PROHIBITED_CONTENT':
    case 'SPII':
    case 'IMAGE_SAFETY':
    case 'IMAGE_PROHIBITED_CONTENT':
    case 'IMAGE_RECITATION':
      return 'content_filter';
    case 'STOP':
    default:
      // Also LANGUAGE, OTHER, MALFORMED_FUNCTION_CALL and reasons added later: the turn simply ended.
      return hasToolCalls ? 'tool_calls' : 'stop';
  }
}
