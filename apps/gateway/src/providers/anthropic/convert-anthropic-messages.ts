import type {
  ContentBlockParam,
  DocumentBlockParam,
  ImageBlockParam,
  MessageParam,
  ToolResultBlockParam,
  ToolUseBlockParam,
} from '@anthropic-ai/sdk/resources/messages';
import type { ChatCompletionContentPart, ChatCompletionMessageParam, ReasoningMessageFields } from '@uniroute/shared';
import { GatewayError } from '../../common/errors/gateway-error.js';
import { parseDataUrl, parseToolArguments, textOfContent } from '../request-content.js';

type AssistantMessage = Extract<ChatCompletionMessageParam, { role: 'assistant' }> & ReasoningMessageFields;
type ToolMessage = Extract<ChatCompletionMessageParam, { role: 'tool' }>;
type ImageMediaType = Extract<ImageBlockParam['source'], { type: 'base64' }>['media_type'];

/** The image types Anthropic accepts as base64. @see https://docs.anthropic.com/en/docs/build-with-claude/vision */
const IMAGE_MEDIA_TYPES: ReadonlySet<string> = new Set<ImageMediaType>(['image/jpeg', 'image/png', 'image/gif', 'image/webp']);

/** An OpenAI conversation split the way the Messages API wants it. */
export interface AnthropicPrompt {
  /** Every system and developer message, in order, joined by blank lines. */
  readonly system?: string;
  /** Alternating user and assistant turns. */
  readonly messages: MessageParam[];
}

/**
 * Translates OpenAI chat messages to Anthropic's `system` and `messages`.
 *
 * - `system` and `developer` messages, wherever they stand, move to the top-level `system` parameter: the Messages API
 *   has no system role. @see https://docs.anthropic.com/en/docs/build-with-claude/prompt-engineering/system-prompts
 * - Consecutive turns of the same role merge into one, and `tool` results join the user turn, because the API expects
 *   user and assistant turns to alternate. @see https://docs.anthropic.com/en/api/messages#body-messages
 * - Assistant `tool_calls` become `tool_use` blocks; `tool` messages become `tool_result` blocks, placed first in their
 *   user turn as the API requires. @see https://docs.anthropic.com/en/docs/agents-and-tools/tool-use/implement-tool-use
 * - Messages left with no content (an empty string) are dropped: the API rejects empty content.
 */
export function convertAnthropicMessages(messages: readonly ChatCompletionMessageParam[]): AnthropicPrompt {
  const systemTexts: string[] = [];
  const turns: Array<{ role: 'user' | 'assistant'; content: ContentBlockParam[] }> = [];

  const append = (role: 'user' | 'assistant', blocks: ContentBlockParam[]): void => {
    if (blocks.length === 0) return;
    const last = turns.at(-1);
    if (last?.role === role) last.content.push(...blocks);
    else turns.push({ role, content: [...blocks] });
  };

  messages.forEach((message, index) => {
    const param = `messages[${index}]`;
    switch (message.role) {
      case 'system':
      case 'developer': {
        const text = textOfContent(message.content);
        if (text) systemTexts.push(text);
        return;
      }
      case 'user':
        append('user', userBlocks(message.content, param));
        return;
      case 'assistant':
        append('assistant', assistantBlocks(message, param));
        return;
      case 'tool':
        append('user', [toolResultBlock(message)]);
        return;
      case 'function':
        throw new GatewayError(
          'invalid_request',
          'The deprecated `function` role is not supported for Anthropic models; send tool results as `tool` messages.',
          { param: `${param}.role` },
        );
    }
  });

  return {
    ...(systemTexts.length > 0 ? { system: systemTexts.join('\n\n') } : {}),
    messages: turns.map((turn) => ({ role: turn.role, content: turn.role === 'user' ? toolResultsFirst(turn.content) : turn.content })),
  };
}

/**
 * Anthropic tool ids must match `^[a-zA-Z0-9_-]+$`; OpenAI's are free-form strings. Replacing every other character
 * keeps an id and the `tool_call_id` that answers it equal after translation.
 * @see https://docs.anthropic.com/en/docs/agents-and-tools/tool-use/implement-tool-use
 */
export function toAnthropicToolId(id: string): string {
  const sanitized = id.replace(/[^a-zA-Z0-9_-]/g, '_');
  return sanitized.length > 0 ? sanitized : '_';
}

function userBlocks(content: string | ChatCompletionContentPart[], param: string): ContentBlockParam[] {
  if (typeof content === 'string') return content ? [{ type: 'text', text: content }] : [];
  return content.flatMap((part, index): ContentBlockParam[] => {
    const partParam = `${param}.content[${index}]`;
    switch (part.type) {
      case 'text':
        return part.text ? [{ type: 'text', text: part.text }] : [];
      case 'image_url':
        return [imageBlock(part.image_url.url, partParam)];
      case 'file':
        return [documentBlock(part.file.file_data, partParam)];
      case 'input_audio':
        throw new GatewayError('invalid_request', 'Anthropic models do not accept audio input.', { param: partParam });
    }
  });
}

/**
 * OpenAI `image_url` parts: a base64 `data:` URL becomes a base64 source, an http(s) URL a URL source that Anthropic
 * fetches itself.
 * @see https://docs.anthropic.com/en/docs/build-with-claude/vision
 */
function imageBlock(url: string, param: string): ImageBlockParam {
  const dataUrl = parseDataUrl(url);
  if (dataUrl) {
    if (!IMAGE_MEDIA_TYPES.has(dataUrl.mediaType)) {
      throw new GatewayError(
        'invalid_request',
        `Anthropic models accept JPEG, PNG, GIF and WebP images, not ${dataUrl.mediaType}.`,
        { param },
      );
    }
    return {
      type: 'image',
      source: { type: 'base64', media_type: dataUrl.mediaType as ImageMediaType, data: dataUrl.base64 },
    };
  }
  if (/^https?:\/\//i.test(url)) return { type: 'image', source: { type: 'url', url } };
  throw new GatewayError('invalid_request', 'An image must be an http(s) URL or a base64 data: URL.', { param });
}

/**
 * OpenAI `file` parts carrying a base64 PDF become document blocks; uploaded file ids mean nothing to Anthropic.
 * @see https://docs.anthropic.com/en/docs/build-with-claude/pdf-support
 */
function documentBlock(fileData: string | undefined, param: string): DocumentBlockParam {
  const dataUrl = fileData ? parseDataUrl(fileData) : undefined;
  if (dataUrl?.mediaType !== 'application/pdf') {
    throw new GatewayError('invalid_request', 'Anthropic models accept files only as base64 PDF data: URLs.', { param });
  }
  return { type: 'document', source: { type: 'base64', media_type: 'application/pdf', data: dataUrl.base64 } };
}

/**
 * An assistant message as content blocks: the signed thinking blocks the client got from an earlier answer (first, and
 * unchanged, as Anthropic verifies their signatures and requires them before the tool use they led to), its text
 * (refusals included), then one `tool_use` per tool call. `reasoning_content` is display text and is not sent back.
 * @see https://platform.claude.com/docs/en/build-with-claude/extended-thinking#preserving-thinking-blocks
 * @see https://docs.anthropic.com/en/docs/agents-and-tools/tool-use/implement-tool-use
 */
function assistantBlocks(message: AssistantMessage, param: string): ContentBlockParam[] {
  const blocks: ContentBlockParam[] = [...(message.thinking_blocks ?? [])];
  const parts = typeof message.content === 'string' || message.content == null ? [message.content ?? ''] : message.content;
  for (const part of parts) {
    // A refusal the model gave earlier is still what it said: keep it as text.
    const text = typeof part === 'string' ? part : part.type === 'text' ? part.text : part.refusal;
    if (text) blocks.push({ type: 'text', text });
  }
  (message.tool_calls ?? []).forEach((toolCall, index) => {
    const callParam = `${param}.tool_calls[${index}]`;
    if (toolCall.type !== 'function') {
      throw new GatewayError('invalid_request', 'Anthropic models only accept function tool calls.', { param: callParam });
    }
    const block: ToolUseBlockParam = {
      type: 'tool_use',
      id: toAnthropicToolId(toolCall.id),
      name: toolCall.function.name,
      input: parseToolArguments(toolCall.function.arguments, `${callParam}.function.arguments`),
    };
    blocks.push(block);
  });
  return blocks;
}

/**
 * A `tool` message as a `tool_result` block; an empty result omits `content`, which the API allows.
 * @see https://docs.anthropic.com/en/docs/agents-and-tools/tool-use/implement-tool-use#handling-tool-use-and-tool-result-content-blocks
 */
function toolResultBlock(message: ToolMessage): ToolResultBlockParam {
  const text = textOfContent(message.content);
  return {
    type: 'tool_result',
    tool_use_id: toAnthropicToolId(message.tool_call_id),
    ...(text ? { content: text } : {}),
  };
}

/** In a user turn, `tool_result` blocks must precede any other content. */
function toolResultsFirst(blocks: ContentBlockParam[]): ContentBlockParam[] {
  const results = blocks.filter((block) => block.type === 'tool_result');
  if (results.length === 0) return blocks;
  return [...results, ...blocks.filter((block) => block.type !== 'tool_result')];
}
