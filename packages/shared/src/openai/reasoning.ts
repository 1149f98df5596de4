/**
 * The reasoning fields UniRoute adds to OpenAI's chat shapes for Claude and Gemini reasoning models. They follow the
 * conventions OpenAI-compatible clients already read: `reasoning_content` (DeepSeek, LiteLLM), `thinking_blocks`
 * (LiteLLM, Anthropic's own block shapes) and `extra_content.google.thought_signature` (Google's OpenAI-compatible
 * endpoint).
 */

/**
 * A signed Anthropic thinking block, returned as it came and accepted back unchanged on an assistant message.
 * @see https://platform.claude.com/docs/en/build-with-claude/extended-thinking
 */
export interface AnthropicThinkingBlock {
  type: 'thinking';
  thinking: string;
  signature: string;
}

/**
 * Thinking Anthropic's safety systems encrypted: opaque `data` the model needs back, never shown.
 * @see https://platform.claude.com/docs/en/build-with-claude/extended-thinking#thinking-redaction
 */
export interface AnthropicRedactedThinkingBlock {
  type: 'redacted_thinking';
  data: string;
}

/** One entry of `message.thinking_blocks` / `delta.thinking_blocks`. */
export type ThinkingBlock = AnthropicThinkingBlock | AnthropicRedactedThinkingBlock;

/**
 * Where Google's OpenAI-compatible endpoint carries a Gemini thought signature on a tool call.
 * @see https://ai.google.dev/gemini-api/docs/thought-signatures
 */
export interface GoogleToolCallExtraContent {
  google?: { thought_signature?: string };
}

/** The fields a translated assistant message (or stream delta) may carry besides OpenAI's own. */
export interface ReasoningMessageFields {
  /** The model's reasoning as plain text (Claude thinking, Gemini thought summaries). */
  reasoning_content?: string | null;
  /** Anthropic's signed thinking blocks, to be sent back on the next turn of a tool conversation. */
  thinking_blocks?: ThinkingBlock[];
}

/** The extra field a tool call may carry. */
export interface ToolCallExtraFields {
  extra_content?: GoogleToolCallExtraContent;
}
