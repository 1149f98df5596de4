import type { IncomingMessage } from 'node:http';

/**
 * Reads and drops whatever is left of a request body the gateway answered without reading (a 413,
 * a 401 before the body): the socket keeps draining it until the request ends, so the client gets
 * the answer instead of a reset. A client that never finishes meets REQUEST_TIMEOUT_MS.
 */
export function discardRequestBody(request: IncomingMessage): void {
  if (request.complete || request.destroyed) return;
  request.unpipe();
  request.removeAllListeners('data');
  request.resume();
}
