import type { Dispatcher } from 'undici';

/** Upstream error bodies are small; a runaway one is cut here rather than held whole in memory. */
const MAX_ERROR_BODY_BYTES = 1024 * 1024;

/** Reads a (small) upstream body: parsed JSON when it is JSON, else the text. */
export async function readUpstreamBody(body: Dispatcher.ResponseData['body']): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    size += (chunk as Buffer).length;
    if (size > MAX_ERROR_BODY_BYTES) {
      body.destroy();
      break;
    }
    chunks.push(chunk as Buffer);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
