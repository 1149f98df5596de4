import { GatewayError } from './gateway-error.js';

/** How a request body stream fails when the client goes away mid-upload. */
const CLIENT_GONE_CODES = new Set(['ECONNRESET', 'ECONNABORTED', 'ERR_STREAM_PREMATURE_CLOSE']);

/**
 * Errors Fastify and its router raise before a route runs (URL decoding, routing, body parsing), as
 * `frameworkErrors` and the content-type parser hand them over, or as the filter receives them in
 * `HttpException.cause`. Every client mistake among them is a 4xx in OpenAI's shape.
 */
export function fromFastifyError(error: unknown): GatewayError | undefined {
  const { code, statusCode } = (error ?? {}) as { code?: unknown; statusCode?: unknown };
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
    case 'FST_ERR_BAD_URL':
      return new GatewayError('invalid_request', 'Malformed URL: invalid percent-encoding.');
    case 'FST_ERR_MAX_PARAM_LENGTH':
      return new GatewayError('invalid_request', 'URL path parameter too long.', { status: 414 });
    default:
      break;
  }
  if (error instanceof SyntaxError) return new GatewayError('invalid_json', 'Request body is not valid JSON.');
  // Anything else Fastify marks as the client's fault while reading the request (its own errors, an
  // upload the client aborted mid-body): a 4xx, described generically. No one may be listening.
  const fromRequestStream = typeof code === 'string' && (code.startsWith('FST_') || CLIENT_GONE_CODES.has(code));
  if (fromRequestStream && typeof statusCode === 'number' && statusCode >= 400 && statusCode < 500) {
    return new GatewayError('invalid_request', 'Malformed or aborted request.', { status: statusCode });
  }
  return undefined;
}
