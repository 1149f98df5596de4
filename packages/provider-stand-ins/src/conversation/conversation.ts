/**
 * A provider-neutral reading of a chat request: only what the stand-ins need to
 * decide their deterministic answer. Each provider folder has its own reader
 * that fills it from that provider's wire format.
 */
export interface Conversation {
  /** Every text the model would read (system prompt, messages, tool results), for usage counts. */
  readonly promptTexts: readonly string[];
  /** Text of the most recent user message, or '' when there is none. */
  readonly lastUserText: string;
  readonly lastTurn: LastTurn;
  readonly tools: readonly ToolDefinition[];
  readonly toolChoice: ToolChoice;
  /** `max_tokens` and its equivalents; null when the request sets none. */
  readonly maxOutputTokens: number | null;
  readonly stopSequences: readonly string[];
}

/** A tool the request offers, with its JSON-schema-like parameter description. */
export interface ToolDefinition {
  readonly name: string;
  readonly parameters: unknown;
}

/** Whether, and which, tool the caller wants called. */
export type ToolChoice =
  | { readonly mode: 'auto' }
  | { readonly mode: 'none' }
  | { readonly mode: 'required' }
  | { readonly mode: 'named'; readonly name: string };

/** One tool's output fed back to the model. */
export interface ToolResult {
  readonly toolName: string;
  readonly result: string;
}

/** What the last message of the conversation was; it decides between a tool call and text. */
export type LastTurn =
  | { readonly kind: 'user' }
  | { readonly kind: 'tool-results'; readonly results: readonly ToolResult[] }
  | { readonly kind: 'assistant' }
  | { readonly kind: 'other' };
