import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import { GatewayError } from '../errors/gateway-error.js';

/** What Node's HTTP parser refuses before Fastify sees a request, as the error the client gets. */
function toClientError(code: string | undefined): GatewayError {
  switch (code) {
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return new GatewayError('invalid_request', 'The request did not arrive in time.', { status: 408 });
    case 'HPE_HEADER_OVERFLOW':
      return new GatewayError('invalid_request', 'Request headers too large.', { status: 431 });
    default:
      return new GatewayError('invalid_request', 'Malformed HTTP request.');
  }
}

/**
 * Fastify's `clientErrorHandler`: a request Node's parser refuses (bad request line or header, a
 * header block too large, a client too slow for REQUEST_TIMEOUT_MS) gets OpenAI's error shape too,
 * then the connection closes (the stream is out of sync, nothing more can be read from it).
 */
export function answerClientError(error: Error & { code?: string }, socket: Duplex): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  const clientError = toClientError(error.code);
  const body = JSON.stringify(clientError.toBody());
  socket.end(
    `HTTP/1.1 ${clientError.status} ${STATUS_CODES[clientError.status]}\r\nContent-Type: application/json; charset=utf-8\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    () => socket.destroy(),
  );
}
