import { Catch, HttpException, HttpStatus, Inject, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { ErrorCode } from '@uniroute/shared';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import { APP_LOGGER } from '../logging/logging.module.js';
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

/** The one global filter (STYLE §3): every error a client sees leaves through here. */
@Catch()
export class OpenAIErrorFilter implements ExceptionFilter {
  constructor(@Inject(APP_LOGGER) private readonly logger: Logger) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const reply = http.getResponse<FastifyReply>();
    const request = http.getRequest<FastifyRequest>();
    const error = toGatewayError(exception, request);
    if (error.status >= 500) {
      this.logger.error({ reqId: request.id, err: error.code === 'internal_error' ? exception : error }, error.message);
    }
    if (reply.raw.headersSent) {
      writeStreamError(reply.raw, error);
      return;
    }
    if (error.headers) void reply.headers(error.headers);
    void reply.status(error.status).header('content-type', 'application/json; charset=utf-8').send(error.toBody());
  }
}
