import type { ChatRequest } from './provider-adapter.js';

/** OpenAI's `reasoning_effort`, with `xhigh` (newest OpenAI models only) read as `high` for the other providers. */
export type ReasoningEffort = 'none' | 'minimal' | 'low' | 'medium' | 'high';

/**
 * The request's reasoning effort, if it set one.
 * @see https://platform.openai.com/docs/api-reference/chat/create#chat-create-reasoning_effort
 */
export function reasoningEffortOf(request: ChatRequest): ReasoningEffort | undefined {
  const effort = request.reasoning_effort;
  if (effort == null) return undefined;
  return effort === 'xhigh' ? 'high' : effort;
}

/**
 * `reasoning_effort` → Anthropic `thinking.budget_tokens`. 1,024 is the smallest budget Anthropic accepts; the
 * medium and high budgets are the ones Google documents for its own OpenAI-compatible endpoint, so one effort asks
 * both providers for about the same amount of thinking. `none` sends no `thinking` (Claude does not think by default).
 * @see https://platform.claude.com/docs/en/build-with-claude/extended-thinking
 * @see https://ai.google.dev/gemini-api/docs/openai#thinking
 */
export const ANTHROPIC_THINKING_BUDGETS: Readonly<Record<Exclude<ReasoningEffort, 'none'>, number>> = {
  minimal: 1024,
  low: 2048,
  medium: 8192,
  high: 24576,
};

/**
 * `reasoning_effort` → Gemini 2.5 `thinkingBudget`: Google's own OpenAI-compatible mapping (low 1,024, medium 8,192,
 * high 24,576, none 0), with `minimal` at 512, inside every 2.5 model's allowed range. A budget of 0 turns thinking off
 * on Flash models; Gemini 2.5 Pro cannot turn it off and answers Google's 400.
 * @see https://ai.google.dev/gemini-api/docs/openai#thinking
 * @see https://ai.google.dev/gemini-api/docs/thinking#set-budget
 */
export const GEMINI_THINKING_BUDGETS: Readonly<Record<ReasoningEffort, number>> = {
  none: 0,
  minimal: 512,
  low: 1024,
  medium: 8192,
  high: 24576,
};

/** Gemini's `ThinkingLevel` enum as the official SDK writes it on the wire. @see https://ai.google.dev/api/generate-content#ThinkingLevel */
export type GeminiThinkingLevel = 'MINIMAL' | 'LOW' | 'MEDIUM' | 'HIGH';

/**
 * `reasoning_effort` → Gemini 3 `thinkingLevel`. Gemini 3 cannot turn thinking off, so `none` asks for the least.
 * Levels a model lacks (Gemini 3 Pro has only low and high) are Google's 400 to report.
 * @see https://ai.google.dev/gemini-api/docs/thinking#thinking-levels
 */
export const GEMINI_THINKING_LEVELS: Readonly<Record<ReasoningEffort, GeminiThinkingLevel>> = {
  none: 'MINIMAL',
  minimal: 'MINIMAL',
  low: 'LOW',
  medium: 'MEDIUM',
  high: 'HIGH',
};
