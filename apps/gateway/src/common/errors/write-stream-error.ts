import type { ServerResponse } from 'node:http';
import type { GatewayError } from './gateway-error.js';

/**
 * Once SSE headers are sent the status cannot change (STYLE §3): the error goes in the stream
 * as a `data:` event, then `[DONE]`, then the response ends.
 */
export function writeStreamError(response: ServerResponse, error: GatewayError): void {
  if (response.writableEnded || response.destroyed) return;
  response.end(`data: ${JSON.stringify(error.toBody())}\n\ndata: [DONE]\n\n`);
}
