/** Token counts shared by every provider's rendering of one answer. */
export interface AnswerUsage {
  readonly inputTokens: number;
  readonly outputTokens: number;
}

/** Why a text answer ended, before it is mapped to a provider's own finish reason. */
export type TextFinish = 'complete' | 'max-tokens' | 'stop-sequence';

export interface TextAnswer {
  readonly kind: 'text';
  readonly text: string;
  readonly finish: TextFinish;
  /** The stop sequence that ended the text, when `finish` is 'stop-sequence'. */
  readonly stopSequence: string | null;
  readonly usage: AnswerUsage;
}

export interface ToolCallAnswer {
  readonly kind: 'tool-call';
  readonly toolName: string;
  readonly toolArguments: Readonly<Record<string, unknown>>;
  /** `toolArguments` serialised once, so every rendering streams the same fragments. */
  readonly argumentsJson: string;
  readonly usage: AnswerUsage;
}

/** The stand-ins' deterministic reply to a conversation, before any provider formatting. */
export type Answer = TextAnswer | ToolCallAnswer;
