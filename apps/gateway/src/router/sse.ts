import type { ServerResponse } from 'node:http';

/** Headers for an OpenAI-style event stream; `x-accel-buffering` stops nginx-style proxies from holding chunks. */
export const SSE_HEADERS = {
  'content-type': 'text/event-stream; charset=utf-8',
  'cache-control': 'no-cache, no-transform',
  connection: 'keep-alive',
  'x-accel-buffering': 'no',
} as const;

export const DONE_EVENT = 'data: [DONE]\n\n';

/** Writes `chunk`, waiting for `drain` when the client reads slower than the upstream talks. */
export async function writeWithBackpressure(response: ServerResponse, chunk: string | Uint8Array): Promise<void> {
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

/** One `data:` event per serialised chunk, in one write. */
export function toSseEvents(serialisedChunks: readonly string[]): string {
  let text = '';
  for (const chunk of serialisedChunks) text += `data: ${chunk}\n\n`;
  return text;
}
