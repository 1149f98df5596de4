import type { Content, Part } from '@google/genai';
import type { ChatCompletionContentPart, ChatCompletionMessageParam, ToolCallExtraFields } from '@uniroute/shared';
import { GatewayError } from '../../common/errors/gateway-error.js';
import { isPlainObject, parseDataUrl, parseToolArguments, textOfContent } from '../request-content.js';
import { DUMMY_THOUGHT_SIGNATURE } from './google-thinking.js';
import { legacyThoughtSignatureOf } from './google-tool-call-id.js';

type AssistantMessage = Extract<ChatCompletionMessageParam, { role: 'assistant' }>;
type ToolMessage = Extract<ChatCompletionMessageParam, { role: 'tool' }>;

/** Image types by file extension, for http(s) image URLs (Gemini's `fileData` needs a MIME type). */
const IMAGE_TYPES_BY_EXTENSION: Readonly<Record<string, string>> = {
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  webp: 'image/webp',
  gif: 'image/gif',
  heic: 'image/heic',
  heif: 'image/heif',
};

/** Where the thought signatures of earlier Gemini function calls come from. */
export interface GoogleSignatureSources {
  /** The caller's server-side memory, for clients that dropped `extra_content`. */
  readonly recall?: (toolCallId: string) => string | undefined;
  /** Whether a step with no signature left gets Google's dummy signature (Gemini 3 and later require one). */
  readonly fillMissing: boolean;
}

/** An OpenAI conversation split the way `generateContent` wants it. */
export interface GooglePrompt {
  readonly systemInstruction?: Content;
  readonly contents: Content[];
}

/**
 * Translates OpenAI chat messages to Gemini's `systemInstruction` and `contents`.
 *
 * - `system` and `developer` messages, wherever they stand, become `systemInstruction` parts.
 *   @see https://ai.google.dev/gemini-api/docs/text-generation#system-instructions
 * - Roles become `user` and `model`; consecutive contents of one role merge, so parallel function responses share one
 *   turn as Gemini expects. @see https://ai.google.dev/api/caching#Content
 * - Assistant `tool_calls` become `functionCall` parts (with their thought signatures restored); `tool` messages
 *   become `functionResponse` parts named after the call they answer, with an object `response`.
 *   @see https://ai.google.dev/gemini-api/docs/function-calling
 */
export function convertGoogleMessages(
  messages: readonly ChatCompletionMessageParam[],
  signatures: GoogleSignatureSources = { fillMissing: false },
): GooglePrompt {
  const systemParts: Part[] = [];
  const contents: Array<{ role: 'user' | 'model'; parts: Part[] }> = [];
  const functionNamesByCallId = new Map<string, string>();

  const append = (role: 'user' | 'model', parts: Part[]): void => {
    if (parts.length === 0) return;
    const last = contents.at(-1);
    if (last?.role === role) last.parts.push(...parts);
    else contents.push({ role, parts: [...parts] });
  };

  messages.forEach((message, index) => {
    const param = `messages[${index}]`;
    switch (message.role) {
      case 'system':
      case 'developer': {
        const text = textOfContent(message.content);
        if (text) systemParts.push({ text });
        return;
      }
      case 'user':
        append('user', userParts(message.content, param));
        return;
      case 'assistant':
        append('model', modelParts(message, param, functionNamesByCallId, signatures));
        return;
      case 'tool':
        append('user', [functionResponsePart(message, param, functionNamesByCallId)]);
        return;
      case 'function':
        throw new GatewayError(
          'invalid_request',
          'The deprecated `function` role is not supported for Gemini models; send tool results as `tool` messages.',
          { param: `${param}.role` },
        );
    }
  });

  return {
    ...(systemParts.length > 0 ? { systemInstruction: { parts: systemParts } } : {}),
    contents,
  };
}

function userParts(content: string | ChatCompletionContentPart[], param: string): Part[] {
  if (typeof content === 'string') return content ? [{ text: content }] : [];
  return content.flatMap((part, index): Part[] => {
    const partParam = `${param}.content[${index}]`;
    switch (part.type) {
      case 'text':
        return part.text ? [{ text: part.text }] : [];
      case 'image_url':
        return [mediaPart(part.image_url.url, partParam)];
      case 'input_audio':
        // @see https://ai.google.dev/gemini-api/docs/audio#supported-formats
        return [{ inlineData: { mimeType: `audio/${part.input_audio.format}`, data: part.input_audio.data } }];
      case 'file': {
        const dataUrl = part.file.file_data ? parseDataUrl(part.file.file_data) : undefined;
        if (!dataUrl) {
          throw new GatewayError('invalid_request', 'Gemini models accept files only as base64 data: URLs.', {
            param: partParam,
          });
        }
        return [{ inlineData: { mimeType: dataUrl.mediaType, data: dataUrl.base64 } }];
      }
    }
  });
}

/**
 * A base64 `data:` URL becomes `inlineData`; an http(s) URL becomes `fileData`, which the Gemini API now fetches
 * itself (public and signed URLs), with the MIME type guessed from the extension (JPEG when there is none).
 * @see https://ai.google.dev/gemini-api/docs/file-input-methods
 * @see https://ai.google.dev/gemini-api/docs/image-understanding
 */
function mediaPart(url: string, param: string): Part {
  const dataUrl = parseDataUrl(url);
  if (dataUrl) return { inlineData: { mimeType: dataUrl.mediaType, data: dataUrl.base64 } };
  if (/^https?:\/\//i.test(url)) return { fileData: { fileUri: url, mimeType: guessImageType(url) } };
  throw new GatewayError('invalid_request', 'An image must be an http(s) URL or a base64 data: URL.', { param });
}

function guessImageType(url: string): string {
  let path = url;
  try {
    path = new URL(url).pathname;
  } catch {
    // Not a parseable URL: fall back to the raw string.
  }
  const extension = /\.([a-z0-9]+)$/i.exec(path)?.[1]?.toLowerCase();
  return (extension && IMAGE_TYPES_BY_EXTENSION[extension]) || 'image/jpeg';
}

/**
 * An assistant message as `model` parts: its text, then one `functionCall` part per tool call, each with the thought
 * signature Gemini gave it: from `extra_content.google.thought_signature` (where Google's OpenAI-compatible endpoint
 * puts it), else the caller's server-side memory, else a legacy id that packed it. One assistant message is one
 * Gemini step, whose first function call carries the step's signature (parallel calls after it have none); a step
 * left with none gets Google's dummy signature when the model requires signatures.
 * @see https://ai.google.dev/gemini-api/docs/function-calling
 * @see https://ai.google.dev/gemini-api/docs/thought-signatures
 */
function modelParts(
  message: AssistantMessage,
  param: string,
  functionNamesByCallId: Map<string, string>,
  signatures: GoogleSignatureSources,
): Part[] {
  const parts: Part[] = [];
  const texts = typeof message.content === 'string' || message.content == null ? [message.content ?? ''] : message.content;
  for (const part of texts) {
    const text = typeof part === 'string' ? part : part.type === 'text' ? part.text : part.refusal;
    if (text) parts.push({ text });
  }
  const callParts: Part[] = [];
  (message.tool_calls ?? []).forEach((toolCall, index) => {
    const callParam = `${param}.tool_calls[${index}]`;
    if (toolCall.type !== 'function') {
      throw new GatewayError('invalid_request', 'Gemini models only accept function tool calls.', { param: callParam });
    }
    functionNamesByCallId.set(toolCall.id, toolCall.function.name);
    const thoughtSignature =
      (toolCall as ToolCallExtraFields).extra_content?.google?.thought_signature ||
      signatures.recall?.(toolCall.id) ||
      legacyThoughtSignatureOf(toolCall.id);
    callParts.push({
      functionCall: {
        name: toolCall.function.name,
        args: parseToolArguments(toolCall.function.arguments, `${callParam}.function.arguments`),
      },
      ...(thoughtSignature ? { thoughtSignature } : {}),
    });
  });
  const first = callParts[0];
  if (first && signatures.fillMissing && !callParts.some((part) => part.thoughtSignature)) {
    first.thoughtSignature = DUMMY_THOUGHT_SIGNATURE;
  }
  return [...parts, ...callParts];
}

/**
 * Gemini matches a response to its call by function name, and its `response` must be a JSON object: a JSON object
 * result is sent as is, anything else (other JSON, plain text) wrapped as `{ result }`.
 * @see https://ai.google.dev/api/caching#FunctionResponse
 */
function functionResponsePart(message: ToolMessage, param: string, functionNamesByCallId: Map<string, string>): Part {
  const name = functionNamesByCallId.get(message.tool_call_id);
  if (!name) {
    throw new GatewayError(
      'invalid_request',
      'A tool message must answer a tool call made by an earlier assistant message in the conversation.',
      { param: `${param}.tool_call_id` },
    );
  }
  const text = textOfContent(message.content);
  let result: unknown = text;
  try {
    result = JSON.parse(text);
  } catch {
    // Plain text is a fine tool result.
  }
  return { functionResponse: { name, response: isPlainObject(result) ? result : { result } } };
}
