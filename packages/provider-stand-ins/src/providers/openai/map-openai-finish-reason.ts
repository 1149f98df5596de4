import type { Answer } from '../../conversation/answer.js';

/** OpenAI's `finish_reason` values the stand-in produces. */
export type OpenAIFinishReason = 'stop' | 'length' | 'tool_calls';

/**
 * A stop sequence also ends with `stop` at OpenAI, which does not say which one.
 * @see https://platform.openai.com/docs/api-reference/chat/object#chat/object-choices
 */
export function mapOpenAIFinishReason(answer: Answer): OpenAIFinishReason {
  if (answer.kind === 'tool-call') return 'tool_calls';
  switch (answer.finish) {
    case 'max-tokens':
      return 'length';
    case 'stop-sequence':
    case 'complete':
      return 'stop';
  }
}
