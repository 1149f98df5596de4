import { Catch, HttpException, HttpStatus, Inject, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { ErrorCode } from '@uniroute/shared';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import { APP_LOGGER } from '../logging/logging.module.js';
import { discardRequestBody } from '../http/discard-request-body.js';
import { fromDatabaseError, loggableError } from './database-errors.js';
import { fromFastifyError } from './fastify-errors.js';
import { GatewayError } from './gateway-error.js';
import { writeStreamError } from './write-stream-error.js';

const CODE_BY_STATUS: Partial<Record<number, ErrorCode>> = {
  [HttpStatus.BAD_REQUEST]: 'invalid_request',
  [HttpStatus.UNAUTHORIZED]: 'unauthenticated',
  [HttpStatus.FORBIDDEN]: 'permission_denied',
  [HttpStatus.NOT_FOUND]: 'not_found',
  [HttpStatus.CONFLICT]: 'conflict',
  [HttpStatus.PAYLOAD_TOO_LARGE]: 'payload_too_large',
  [HttpStatus.TOO_MANY_REQUESTS]: 'rate_limit_exceeded',
};

/** Turns anything thrown by a route into OpenAI's error shape (§5); unexpected errors become a bare 500. */
export function toGatewayError(exception: unknown, request?: { method: string; url: string }): GatewayError {
  if (exception instanceof GatewayError) return exception;
  const fromFramework = fromFastifyError(exception) ?? fromDatabaseError(exception);
  if (fromFramework) return fromFramework;
  if (exception instanceof HttpException) {
    const fromFastify = fromFastifyError(exception.cause);
    if (fromFastify) return fromFastify;
    const status = exception.getStatus();
    const code = CODE_BY_STATUS[status];
    if (status === HttpStatus.NOT_FOUND && request) {
      return new GatewayError('not_found', `Unknown route: ${request.method} ${request.url.split('?')[0]}`);
    }
    if (status === HttpStatus.UNAUTHORIZED) {
      return new GatewayError('unauthenticated', 'Missing, invalid or expired session token.');
    }
    if (code) return new GatewayError(code, exception.message, { status });
  }
  return new GatewayError('internal_error', 'Internal server error', { cause: exception });
}

/**
 * Sends `exception` as OpenAI's error body: the one place every error leaves through (STYLE §3),
 * whether Nest caught it (the filter below) or Fastify did before any route ran (`frameworkErrors`,
 * hooks). A 5xx is logged with the request id, its path without the query string, and no SQL
 * parameters (see `loggableError`).
 */
export function sendError(exception: unknown, request: FastifyRequest, reply: FastifyReply, logger: Logger): void {
  const error = toGatewayError(exception, request);
  if (error.status >= 500) {
    const cause = error.code === 'internal_error' ? exception : error.cause;
    logger.error(
      { reqId: request.id, method: request.method, path: request.url.split('?')[0], code: error.code, ...(cause === undefined ? {} : { err: loggableError(cause) }) },
      error.message,
    );
  }
  if (reply.raw.headersSent) {
    writeStreamError(reply.raw, error);
    return;
  }
  if (error.status === 413) {
    // Answer, then read and drop the rest of the body on a connection kept open: closing it with
    // unread bytes resets it, and the client would see EPIPE instead of this 413.
    void reply.removeHeader('connection');
    discardRequestBody(request.raw);
  }
  if (error.headers) void reply.headers(error.headers);
  void reply.status(error.status).header('content-type', 'application/json; charset=utf-8').send(error.toBody());
}

/** The one global filter (STYLE §3): every error a client sees leaves through here. */
@Catch()
export class OpenAIErrorFilter implements ExceptionFilter {
  constructor(@Inject(APP_LOGGER) private readonly logger: Logger) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    sendError(exception, http.getRequest<FastifyRequest>(), http.getResponse<FastifyReply>(), this.logger);
  }
}
