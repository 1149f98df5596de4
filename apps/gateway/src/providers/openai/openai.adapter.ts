import type { ChatCompletion } from '@uniroute/shared';
import { z } from 'zod';
import type { GatewayError } from '../../common/errors/gateway-error.js';
import { joinUrl } from '../adapter-runtime.js';
import type {
  ChatRequest,
  ProviderAdapter,
  SseEvent,
  UpstreamContext,
  UpstreamErrorContext,
  UpstreamRequest,
} from '../provider-adapter.js';
import { parseErrorBody, unreadableUpstreamError, upstreamGatewayError } from '../upstream-error.js';
import { toOpenAIRequest } from './openai-history.js';

/**
 * OpenAI's error body. Only read on failures, so a schema costs nothing on the hot path.
 * @see https://platform.openai.com/docs/guides/error-codes
 */
const openAIErrorBodySchema = z.object({
  error: z
    .object({
      message: z.string().nullish(),
      type: z.string().nullish(),
      param: z.string().nullish(),
      code: z.union([z.string(), z.number()]).nullish(),
    })
    .nullish(),
});

/**
 * `GET /models`: a page of `{ id }` objects.
 * @see https://platform.openai.com/docs/api-reference/models/list
 */
const openAIModelListSchema = z.object({
  data: z.array(z.object({ id: z.string() })),
});

/** The end-of-stream sentinel OpenAI sends as the last `data:` line. */
const DONE_SENTINEL = '[DONE]';

/**
 * OpenAI already speaks the gateway's wire format: the request goes out as it came in (the router has stripped the
 * `openai/` prefix from `model`) and the answer is relayed without being parsed. The translation methods exist for
 * the parts the router still asks an adapter for (errors, model lists) and for tests.
 */
export class OpenAIAdapter implements ProviderAdapter<null> {
  readonly id = 'openai' as const;
  readonly passthrough = true;

  /**
   * The request as it came, less what only Anthropic or Gemini can read (see `toOpenAIRequest`).
   * @see https://platform.openai.com/docs/api-reference/chat/create
   */
  toUpstreamRequest(request: ChatRequest, context: UpstreamContext): UpstreamRequest {
    return {
      method: 'POST',
      url: joinUrl(context.baseUrl, '/chat/completions'),
      headers: {
        authorization: `Bearer ${context.apiKey}`,
        'content-type': 'application/json',
      },
      body: JSON.stringify(toOpenAIRequest(request)),
    };
  }

  /** Identity: the body already is a `chat.completion`; validating it would only slow the relay down. */
  fromUpstreamResponse(body: unknown): ChatCompletion {
    return body as ChatCompletion;
  }

  createStreamState(): null {
    return null;
  }

  /**
   * Each `data:` line already is a serialised `chat.completion.chunk`; only the `[DONE]` sentinel is dropped
   * because the router ends every stream with its own.
   * @see https://platform.openai.com/docs/api-reference/chat-streaming
   */
  fromUpstreamEvent(event: SseEvent): string[] {
    return event.data.trim() === DONE_SENTINEL ? [] : [event.data];
  }

  finishStream(): string[] {
    return [];
  }

  /**
   * OpenAI's `{ error: { message, type, param, code } }`, keeping the status and the field at fault.
   * @see https://platform.openai.com/docs/guides/error-codes
   */
  toGatewayError(status: number, body: unknown, context: UpstreamErrorContext): GatewayError {
    const parsed = openAIErrorBodySchema.safeParse(parseErrorBody(body));
    const error = parsed.success ? parsed.data.error : undefined;
    return upstreamGatewayError({
      provider: this.id,
      status,
      upstreamType: error?.type ?? (error?.code == null ? undefined : String(error.code)),
      upstreamMessage: error?.message,
      param: error?.param,
      keySource: context.keySource,
      headers: context.headers,
      exactSecrets: context.exactSecrets,
      cause: parsed.success ? undefined : parsed.error,
    });
  }

  /** @see https://platform.openai.com/docs/api-reference/models/list */
  listModelsRequest(context: UpstreamContext): UpstreamRequest {
    return {
      method: 'GET',
      url: joinUrl(context.baseUrl, '/models'),
      headers: { authorization: `Bearer ${context.apiKey}` },
    };
  }

  fromModelsResponse(body: unknown): string[] {
    const parsed = openAIModelListSchema.safeParse(body);
    if (!parsed.success) throw unreadableUpstreamError(this.id, 'a model list', parsed.error);
    return parsed.data.data.map((model) => model.id);
  }
}
