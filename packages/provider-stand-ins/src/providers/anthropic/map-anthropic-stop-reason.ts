import type { Answer } from '../../conversation/answer.js';

/** Anthropic's `stop_reason` values the stand-in produces. */
export type AnthropicStopReason = 'end_turn' | 'max_tokens' | 'stop_sequence' | 'tool_use';

/** @see https://docs.anthropic.com/en/api/handling-stop-reasons */
export function mapAnthropicStopReason(answer: Answer): AnthropicStopReason {
  if (answer.kind === 'tool-call') return 'tool_use';
  switch (answer.finish) {
    case 'max-tokens':
      return 'max_tokens';
    case 'stop-sequence':
      return 'stop_sequence';
    case 'complete':
      return 'end_turn';
  }
}
