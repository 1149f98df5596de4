import type { FinishReason } from '../openai-chunks.js';

/**
 * Anthropic's `stop_reason` as OpenAI's `finish_reason`.
 * @see https://platform.claude.com/docs/en/build-with-claude/handling-stop-reasons
 * @see https://platform.openai.com/docs/api-reference/chat/object#chat/object-choices
 */
export function mapAnthropicStopReason(stopReason: string | null | undefined): FinishReason {
  switch (stopReason) {
    case 'end_turn':
    case 'stop_sequence':
    case 'pause_turn': // a server-tool loop paused; the turn ended normally from the client's point of view
      return 'stop';
    case 'max_tokens':
    case 'model_context_window_exceeded': // truncated by the context window rather than by max_tokens
      return 'length';
    case 'tool_use':
      return 'tool_calls';
    case 'refusal':
      return 'content_filter';
    default:
      return 'stop';
  }
}
