import type { OutgoingHttpHeaders, ServerResponse } from 'node:http';
import { ClientAbortedError } from '../providers/upstream-client.js';

/** Headers for an OpenAI-style event stream; `x-accel-buffering` stops nginx-style proxies from holding chunks. */
export const SSE_HEADERS = {
  'content-type': 'text/event-stream; charset=utf-8',
  'cache-control': 'no-cache, no-transform',
  connection: 'keep-alive',
  'x-accel-buffering': 'no',
} as const;

export const DONE_EVENT = 'data: [DONE]\n\n';

/** How long a stream's status and headers wait for its first bytes, to go out with them in one write. */
export const HEADERS_WAIT_FOR_FIRST_BYTES_MS = 20;

/**
 * Starts a streamed response. The status and headers go out with the first bytes, in one write: flushed on their
 * own they cost each stream one more syscall on the event loop (counted with strace: 4 socket writes per relayed
 * stream against 2 for a JSON answer). A stream whose first bytes are slow (a model thinking) gets them alone after
 * HEADERS_WAIT_FOR_FIRST_BYTES_MS, so a client, or a proxy with an idle timeout, still learns at once that it is
 * accepted. The first write cancels that wait; a stream that ends or closes before it finds nothing to do then.
 */
export function startStream(response: ServerResponse, status: number, headers: OutgoingHttpHeaders): void {
  response.writeHead(status, headers);
  headersWaiting.set(response, setTimeout(flushHeadersAlone, HEADERS_WAIT_FOR_FIRST_BYTES_MS, response));
}

/** Streams whose headers wait for their first bytes, and the timer that sends them alone (cancelled by the first write). */
const headersWaiting = new WeakMap<ServerResponse, NodeJS.Timeout>();

function flushHeadersAlone(response: ServerResponse): void {
  headersWaiting.delete(response);
  if (!response.destroyed && !response.writableEnded) response.flushHeaders();
}

/**
 * Writes `chunk`, waiting for `drain` when the client reads slower than the upstream talks. The socket is corked until
 * the end of this turn of the event loop: chunks, and the stream's end, that arrive in one read go out in one write
 * (`end()` uncorks fully). Node's own cork lasts only to the next tick, before the upstream's end is seen, so a stream
 * answered in one read cost a write for its bytes and another for its end. A chunk waits at most for the rest of the
 * loop turn it arrived in.
 */
export async function writeWithBackpressure(response: ServerResponse, chunk: string | Uint8Array): Promise<void> {
  // Closed: nothing written would arrive, and `close` (what the wait below ends on) has been and will not come again.
  if (response.destroyed) throw new ClientAbortedError('client disconnected');
  const headersWait = headersWaiting.get(response);
  if (headersWait !== undefined) {
    // The headers leave with these bytes: flushing them later would cost an empty write.
    clearTimeout(headersWait);
    headersWaiting.delete(response);
  }
  response.cork();
  setImmediate(uncork, response);
  if (response.write(chunk)) return;
  await new Promise<void>((resolve) => {
    const done = () => {
      response.off('drain', done);
      response.off('close', done);
      resolve();
    };
    response.on('drain', done);
    response.on('close', done);
  });
}

function uncork(response: ServerResponse): void {
  response.uncork();
}

/** One `data:` event per serialised chunk, in one write. */
export function toSseEvents(serialisedChunks: readonly string[]): string {
  let text = '';
  for (const chunk of serialisedChunks) text += `data: ${chunk}\n\n`;
  return text;
}
