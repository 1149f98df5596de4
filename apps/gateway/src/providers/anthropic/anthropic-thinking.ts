import type { OutputConfig, ThinkingConfigParam } from '@anthropic-ai/sdk/resources/messages';
import { GatewayError } from '../../common/errors/gateway-error.js';
import type { ChatRequest } from '../provider-adapter.js';
import { ANTHROPIC_THINKING_BUDGETS, reasoningEffortOf, type ReasoningEffort } from '../reasoning-effort.js';
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
  /** `output_config.effort`, for models that think adaptively. */
  readonly effort?: NonNullable<OutputConfig['effort']>;
}

/**
 * `reasoning_effort` → `output_config.effort` for models with adaptive thinking (Anthropic has no `minimal`).
 * @see https://platform.claude.com/docs/en/build-with-claude/effort
 */
const ADAPTIVE_EFFORTS: Readonly<Record<Exclude<ReasoningEffort, 'none'>, NonNullable<OutputConfig['effort']>>> = {
  minimal: 'low',
  low: 'low',
  medium: 'medium',
  high: 'high',
};

/**
 * Claude 4.6 and later think adaptively (`thinking: {type:'adaptive'}` with `output_config.effort`); Opus 4.7 and later
 * refuse `budget_tokens` with a 400, and 4.6 deprecates it. Older models only know budgets. Read from the model name:
 * `claude-<family>-<major>[-<minor>]`, dated or not (`claude-3-7-sonnet-…` is an older, budget-only name).
 * @see https://platform.claude.com/docs/en/build-with-claude/adaptive-thinking
 */
export function thinksAdaptively(model: string): boolean {
  const match = /^claude-[a-z]+-(\d+)(?:-(\d{1,2}))?(?:-|$)/.exec(model);
  if (!match) return false;
  const major = Number(match[1]);
  const minor = Number(match[2] ?? 0);
  return major > 4 || (major === 4 && minor >= 6);
}

/**
 * The `thinking` parameter and `max_tokens` for a request. A native `thinking` object the caller sent wins and goes
 * out unchanged; otherwise `reasoning_effort` picks adaptive thinking with an effort on models that have it
 * ({@link thinksAdaptively}), else a budget from {@link ANTHROPIC_THINKING_BUDGETS}. OpenAI's
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
  if (thinksAdaptively(request.model)) {
    // No budget to fit: the limit stays the caller's, or leaves the same room the budget table would.
    return {
      thinking: { type: 'adaptive', display: 'summarized' },
      maxTokens: callerMaxTokens ?? wanted + defaultMaxTokens,
      effort: ADAPTIVE_EFFORTS[effort],
    };
  }
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
