import type { IncomingMessage } from 'node:http';

/** Anthropic's documented Messages API limit; plenty for a stand-in. */
const MAX_BODY_BYTES = 32 * 1024 * 1024;

/** Reads a whole request body as UTF-8 text. */
export function readRequestBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        reject(new Error('Request body exceeds 32 MB.'));
        request.destroy();
        return;
      }
      chunks.push(chunk);
    });
    request.on('end', () => resolve(chunks.length === 1 ? (chunks[0] as Buffer).toString('utf8') : Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}

/** The outcome of parsing a body: the value, or the parser's complaint for the provider's error message. */
export type ParsedJson = { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly detail: string };

export function parseJson(text: string): ParsedJson {
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch (error) {
    return { ok: false, detail: error instanceof Error ? error.message : String(error) };
  }
}
