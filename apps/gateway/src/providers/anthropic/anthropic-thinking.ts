import type { ThinkingConfigParam } from '@anthropic-ai/sdk/resources/messages';
import { GatewayError } from '../../common/errors/gateway-error.js';
import type { ChatRequest } from '../provider-adapter.js';
import { ANTHROPIC_THINKING_BUDGETS, reasoningEffortOf } from '../reasoning-effort.js';
import { isPlainObject } from '../request-content.js';

/**
 * Lets Claude 4 models think between tool calls (after each tool result), not only before the first one.
 * @see https://platform.claude.com/docs/en/build-with-claude/extended-thinking#interleaved-thinking
 */
export const INTERLEAVED_THINKING_BETA = 'interleaved-thinking-2025-05-14';

/** Anthropic's smallest `budget_tokens`. @see https://platform.claude.com/docs/en/build-with-claude/extended-thinking */
export const MIN_THINKING_BUDGET = 1024;

/** What thinking does to one Messages request. */
export interface AnthropicThinkingSettings {
  /** The `thinking` parameter, when the request asked for thinking in either form. */
  readonly thinking?: ThinkingConfigParam;
  /** `max_tokens`: Anthropic counts thinking inside it and requires it above `budget_tokens`. */
  readonly maxTokens: number;
}

/**
 * The `thinking` parameter and `max_tokens` for a request. A native `thinking` object the caller sent wins and goes
 * out unchanged; otherwise `reasoning_effort` picks a budget from {@link ANTHROPIC_THINKING_BUDGETS}. OpenAI's
 * `max_completion_tokens` already counts reasoning tokens, as Anthropic's `max_tokens` does, so a caller's limit stays
 * the limit and the budget shrinks to fit it (leaving at least 1,024 tokens for the answer where it can); without a
 * limit, `max_tokens` is the budget plus the usual default answer length.
 * @see https://platform.claude.com/docs/en/build-with-claude/extended-thinking#max-tokens-and-context-window-size
 */
export function anthropicThinking(request: ChatRequest, callerMaxTokens: number | undefined, defaultMaxTokens: number): AnthropicThinkingSettings {
  const native = request.thinking;
  if (isPlainObject(native)) {
    const budget = typeof native['budget_tokens'] === 'number' ? native['budget_tokens'] : 0;
    return { thinking: native as unknown as ThinkingConfigParam, maxTokens: callerMaxTokens ?? budget + defaultMaxTokens };
  }
  const effort = reasoningEffortOf(request);
  if (effort === undefined || effort === 'none') return { maxTokens: callerMaxTokens ?? defaultMaxTokens };
  const wanted = ANTHROPIC_THINKING_BUDGETS[effort];
  if (callerMaxTokens === undefined) {
    return { thinking: { type: 'enabled', budget_tokens: wanted }, maxTokens: wanted + defaultMaxTokens };
  }
  if (callerMaxTokens <= MIN_THINKING_BUDGET) {
    throw new GatewayError(
      'invalid_request',
      `Claude thinks in at least ${MIN_THINKING_BUDGET} tokens, so with reasoning_effort the token limit must be above ${MIN_THINKING_BUDGET}.`,
      { param: request.max_completion_tokens != null ? 'max_completion_tokens' : 'max_tokens' },
    );
  }
  const budget = Math.min(wanted, Math.max(MIN_THINKING_BUDGET, callerMaxTokens - MIN_THINKING_BUDGET));
  return { thinking: { type: 'enabled', budget_tokens: budget }, maxTokens: callerMaxTokens };
}

/** Whether the settings turn thinking on (a native `{type:'disabled'}` does not). */
export function thinkingEnabled(settings: AnthropicThinkingSettings): boolean {
  return settings.thinking !== undefined && settings.thinking.type !== 'disabled';
}
