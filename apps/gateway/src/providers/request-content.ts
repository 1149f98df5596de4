import type { ChatCompletionTool, ChatCompletionToolChoiceOption } from '@uniroute/shared';
import { GatewayError } from '../common/errors/gateway-error.js';
import type { ChatRequest } from './provider-adapter.js';

/** An OpenAI function tool (the only tool kind the translated providers understand). */
export type FunctionTool = Extract<ChatCompletionTool, { type: 'function' }>;

/** `tool_choice` reduced to what Anthropic and Gemini can express. */
export type NormalizedToolChoice =
  | { readonly kind: 'auto' | 'none' | 'required'; readonly allowedNames?: readonly string[] }
  | { readonly kind: 'function'; readonly name: string };

/** A decoded `data:` URL. */
export interface DataUrl {
  readonly mediaType: string;
  readonly base64: string;
}

/** Text of a message whose content is a string or text parts (system, developer, tool, assistant). */
export function textOfContent(content: string | ReadonlyArray<{ type: string; text?: string }> | null | undefined): string {
  if (content == null) return '';
  if (typeof content === 'string') return content;
  return content
    .map((part) => (part.type === 'text' && typeof part.text === 'string' ? part.text : ''))
    .filter((text) => text.length > 0)
    .join('\n');
}

/**
 * Splits a base64 `data:` URL; `undefined` for anything else (http URLs, percent-encoded data).
 * @see https://developer.mozilla.org/en-US/docs/Web/URI/Reference/Schemes/data
 */
export function parseDataUrl(url: string): DataUrl | undefined {
  const match = /^data:([^;,]+)(?:;[^;,=]+=[^;,]*)*;base64,(.*)$/s.exec(url);
  if (!match?.[1] || match[2] === undefined) return undefined;
  return { mediaType: match[1].toLowerCase(), base64: match[2] };
}

/**
 * An assistant tool call's `arguments` (a JSON string) as the object Anthropic's `input` and Gemini's `args` require.
 * An empty string means "no arguments"; anything that is not a JSON object is the caller's mistake, reported as a 400
 * naming the field rather than silently rewritten, because it is conversation history the model will read.
 * @see https://platform.openai.com/docs/api-reference/chat/create#chat-create-messages
 */
export function parseToolArguments(raw: string, param: string): Record<string, unknown> {
  if (raw.trim() === '') return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch (error) {
    throw new GatewayError('invalid_request', 'Tool call arguments must be a JSON object, but they are not valid JSON.', {
      param,
      cause: error,
    });
  }
  if (!isPlainObject(parsed)) {
    throw new GatewayError('invalid_request', 'Tool call arguments must be a JSON object.', { param });
  }
  return parsed;
}

/** The request's function tools; other tool kinds (OpenAI's custom grammar tools) have no counterpart elsewhere. */
export function functionTools(request: ChatRequest, providerLabel: string): FunctionTool[] {
  return (request.tools ?? []).map((tool, index) => {
    if (tool.type !== 'function') {
      throw new GatewayError('invalid_request', `${providerLabel} models only accept function tools.`, {
        param: `tools[${index}]`,
      });
    }
    return tool;
  });
}

/**
 * `tool_choice` in provider-neutral terms: `auto`, `none`, `required`, one named function, or OpenAI's
 * `allowed_tools` (a mode plus a subset of the tools).
 * @see https://platform.openai.com/docs/api-reference/chat/create#chat-create-tool_choice
 */
export function normalizeToolChoice(
  choice: ChatCompletionToolChoiceOption | undefined,
  providerLabel: string,
): NormalizedToolChoice | undefined {
  if (choice === undefined) return undefined;
  if (typeof choice === 'string') return { kind: choice };
  switch (choice.type) {
    case 'function':
      return { kind: 'function', name: choice.function.name };
    case 'allowed_tools':
      return {
        kind: choice.allowed_tools.mode,
        allowedNames: choice.allowed_tools.tools.flatMap((tool) => {
          const name = isPlainObject(tool.function) ? tool.function.name : undefined;
          return typeof name === 'string' ? [name] : [];
        }),
      };
    case 'custom':
      throw new GatewayError('invalid_request', `${providerLabel} models only accept function tools.`, {
        param: 'tool_choice',
      });
  }
}

/** `stop` as a list: OpenAI takes one string or up to four. */
export function stopSequences(stop: ChatRequest['stop']): string[] | undefined {
  if (stop == null) return undefined;
  const list = (typeof stop === 'string' ? [stop] : stop).filter((sequence) => sequence.length > 0);
  return list.length > 0 ? list : undefined;
}

/** The output-token cap: `max_completion_tokens` replaced `max_tokens` in OpenAI's API; either may arrive. */
export function maxOutputTokens(request: ChatRequest): number | undefined {
  return request.max_completion_tokens ?? request.max_tokens ?? undefined;
}

/** A JSON object (not an array, not null). */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
