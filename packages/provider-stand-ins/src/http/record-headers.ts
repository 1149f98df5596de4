import type { IncomingHttpHeaders } from 'node:http';
import { maskKeyForLogs } from '../mask-key.js';

const CREDENTIAL_HEADERS = new Set(['authorization', 'x-api-key', 'x-goog-api-key']);

/** Request headers as flat strings, credentials masked to their last four characters. */
export function recordHeaders(headers: IncomingHttpHeaders): Record<string, string> {
  const recorded: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    const text = Array.isArray(value) ? value.join(', ') : value;
    recorded[name] = CREDENTIAL_HEADERS.has(name) ? maskCredential(text) : text;
  }
  return recorded;
}

function maskCredential(value: string): string {
  const bearer = /^(Bearer\s+)(.*)$/i.exec(value);
  return bearer === null ? maskKeyForLogs(value) : `${bearer[1]}${maskKeyForLogs(bearer[2] ?? '')}`;
}

/** The request path with any `key=` query parameter (Gemini's key-in-URL) removed. */
export function pathWithoutKey(path: string, query: URLSearchParams): string {
  if (!query.has('key')) return query.size === 0 ? path : `${path}?${query.toString()}`;
  const kept = new URLSearchParams(query);
  kept.delete('key');
  return kept.size === 0 ? path : `${path}?${kept.toString()}`;
}
