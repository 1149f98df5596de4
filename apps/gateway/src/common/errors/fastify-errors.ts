import { GatewayError } from './gateway-error.js';

/** Errors Fastify raises before a route runs (body parsing), as the filter receives them in `HttpException.cause`. */
export function fromFastifyError(error: unknown): GatewayError | undefined {
  const code = (error as { code?: unknown } | undefined)?.code;
  switch (code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new GatewayError('payload_too_large', 'Request body too large.');
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new GatewayError('invalid_request', 'Unsupported Content-Type: send application/json.', { status: 415 });
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return new GatewayError('invalid_json', 'Request body is empty; expected JSON.');
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return new GatewayError('invalid_json', 'Request body is not valid JSON.');
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return new GatewayError('invalid_request', 'Content-Length does not match the body.');
    default:
      return error instanceof SyntaxError ? new GatewayError('invalid_json', 'Request body is not valid JSON.') : undefined;
  }
}
