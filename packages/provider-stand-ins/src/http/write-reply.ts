import type { ServerResponse } from 'node:http';
import type { JsonReply, StreamReply } from '../providers/provider-api.js';
import { delay } from './delay.js';

export function writeJsonReply(response: ServerResponse, reply: JsonReply, extraHeaders: Readonly<Record<string, string>> = {}): void {
  const payload = typeof reply.body === 'string' ? reply.body : JSON.stringify(reply.body);
  response.writeHead(reply.status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(payload),
    ...reply.headers,
    ...extraHeaders,
  });
  response.end(payload);
}

/** How to pace a stream and where to break it. */
export interface StreamWriting {
  readonly chunkDelayMs: number;
  /** Send `errorEvent` after this many events instead of the rest of the stream. */
  readonly errorAfterEvents: number | null;
  readonly errorEvent: string;
  /** Write this many events, then neither write nor end: the client has to give up. */
  readonly stallAfterEvents?: number | null;
  /** True once the client went away; writing stops there. */
  readonly isClientGone: () => boolean;
}

/** Writes an SSE reply event by event, pausing `chunkDelayMs` between events. */
export async function writeStreamReply(response: ServerResponse, reply: StreamReply, writing: StreamWriting): Promise<void> {
  response.writeHead(200, { 'cache-control': 'no-cache', ...reply.headers });
  const { events } = reply;
  const stallAfter = writing.stallAfterEvents ?? null;
  if (writing.chunkDelayMs <= 0 && writing.errorAfterEvents === null && stallAfter === null) {
    // The benchmark path: one write, no timers.
    response.end(events.join(''));
    return;
  }
  const cut = writing.errorAfterEvents ?? stallAfter;
  const count = cut === null ? events.length : Math.min(cut, events.length);
  for (let index = 0; index < count; index += 1) {
    if (index > 0 && writing.chunkDelayMs > 0) await delay(writing.chunkDelayMs);
    if (writing.isClientGone()) return;
    response.write(events[index]);
  }
  if (stallAfter !== null && writing.errorAfterEvents === null) return;
  if (writing.errorAfterEvents !== null) {
    if (count > 0 && writing.chunkDelayMs > 0) await delay(writing.chunkDelayMs);
    if (writing.isClientGone()) return;
    response.write(writing.errorEvent);
  }
  response.end();
}
