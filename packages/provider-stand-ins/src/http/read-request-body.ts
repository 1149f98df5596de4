import type { IncomingMessage } from 'node:http';

/** Anthropic's documented Messages API limit; plenty for a stand-in. */
const MAX_BODY_BYTES = 32 * 1024 * 1024;

/** Reads a whole request body as UTF-8 text. */
export async function readRequestBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size > MAX_BODY_BYTES) throw new Error('Request body exceeds 32 MB.');
    chunks.push(buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

export type ParsedJson = { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly detail: string };

export function parseJson(text: string): ParsedJson {
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch (error) {
    return { ok: false, detail: error instanceof Error ? error.message : String(error) };
  }
}
