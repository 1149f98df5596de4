import { ERROR_CODES, type ErrorCode, type OpenAIErrorBody } from '@uniroute/shared';

export interface GatewayErrorOptions {
  /** Overrides the code's default status (e.g. an upstream 429 or 503 passed through). */
  status?: number;
  /** The request field at fault, reported as `error.param`. */
  param?: string;
  /** Kept for logs only; never sent to the client. */
  cause?: unknown;
  /** Extra response headers, e.g. `retry-after` passed through from the upstream. */
  headers?: Record<string, string>;
}

/**
 * The one error type the gateway throws on purpose. The global filter turns it into
 * OpenAI's error body with `status`; its message must be safe to show to the client.
 */
export class GatewayError extends Error {
  readonly status: number;
  readonly param: string | null;
  readonly headers: Record<string, string> | undefined;

  constructor(
    readonly code: ErrorCode,
    message: string,
    options: GatewayErrorOptions = {},
  ) {
    super(message, { cause: options.cause });
    this.name = 'GatewayError';
    this.status = options.status ?? ERROR_CODES[code].status;
    this.param = options.param ?? null;
    this.headers = options.headers;
  }

  get type(): string {
    return ERROR_CODES[this.code].type;
  }

  toBody(): OpenAIErrorBody {
    return { error: { message: this.message, type: this.type, code: this.code, param: this.param } };
  }
}
