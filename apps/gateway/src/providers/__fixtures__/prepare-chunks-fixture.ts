import { readFileSync } from 'node:fs';
import type { ChatCompletionChunk } from '@uniroute/shared';
import type { AdapterRuntime } from '../adapter-runtime.js';
import type { ChatRequest, ProviderAdapter, ResponseContext, SseEvent } from '../provider-adapter.js';

/** Reads a recorded upstream JSON body. Test-only (this folder is left out of the build). */
export function readJsonFixture(url: URL): unknown {
  return JSON.parse(readFileSync(url, 'utf8')) as unknown;
}

/**
 * Splits a recorded raw SSE stream (`*.chunks.txt`, exactly as the provider sent it) into the events an SSE parser
 * hands the router: `event:` and `data:` fields, blank-line separated, any line ending.
 * @see https://html.spec.whatwg.org/multipage/server-sent-events.html#event-stream-interpretation
 */
export function prepareChunksFixture(url: URL): SseEvent[] {
  const events: SseEvent[] = [];
  let event: string | undefined;
  let data: string[] = [];
  for (const line of readFileSync(url, 'utf8').split(/\r\n|\r|\n/)) {
    if (line === '') {
      if (data.length > 0) events.push({ ...(event ? { event } : {}), data: data.join('\n') });
      event = undefined;
      data = [];
      continue;
    }
    if (line.startsWith(':')) continue;
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    const value = colon === -1 ? '' : line.slice(colon + 1).replace(/^ /, '');
    if (field === 'event') event = value;
    if (field === 'data') data.push(value);
  }
  if (data.length > 0) events.push({ ...(event ? { event } : {}), data: data.join('\n') });
  return events;
}

/** Replays upstream events through an adapter as the router does, returning the OpenAI chunks it would send. */
export function replayStream<TState>(
  sut: ProviderAdapter<TState>,
  request: ChatRequest,
  events: readonly SseEvent[],
  context?: ResponseContext,
): ChatCompletionChunk[] {
  const state = sut.createStreamState(request, context);
  const lines = [...events.flatMap((event) => sut.fromUpstreamEvent(event, state)), ...sut.finishStream(state)];
  return lines.map((line) => JSON.parse(line) as ChatCompletionChunk);
}

/** A clock stuck at 1 750 000 000 and ids `fixed0000`, `fixed0001`, … so fixture output is exact. */
export function fixedRuntime(): AdapterRuntime {
  let next = 0;
  return { now: () => 1_750_000_000, randomId: () => `fixed${(next++).toString().padStart(4, '0')}` };
}
