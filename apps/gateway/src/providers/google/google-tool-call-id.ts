import type { AdapterRuntime } from '../adapter-runtime.js';

/**
 * Gemini does not name its function calls for the OpenAI protocol, so UniRoute mints `call_…` ids. Gemini 3 models
 * also attach an opaque `thoughtSignature` to each function call and reject the next request (400) unless it comes
 * back on that call. OpenAI clients keep nothing but the id, so the signature travels inside it:
 * `call_<random>_ts_<signature as base64url>`. The id alphabet stays `[A-Za-z0-9_-]`, which every provider accepts.
 * @see https://ai.google.dev/gemini-api/docs/thought-signatures
 */
const SIGNED_ID_PATTERN = /^call_[A-Za-z0-9]+_ts_([A-Za-z0-9_-]+)$/;

/** A fresh OpenAI tool-call id, carrying the function call's thought signature when Gemini sent one. */
export function newGoogleToolCallId(runtime: AdapterRuntime, thoughtSignature?: string | null): string {
  const id = `call_${runtime.randomId()}`;
  return thoughtSignature ? `${id}_ts_${toBase64Url(thoughtSignature)}` : id;
}

/** The thought signature carried by a tool-call id minted by {@link newGoogleToolCallId}, if any. */
export function thoughtSignatureOf(toolCallId: string): string | undefined {
  const encoded = SIGNED_ID_PATTERN.exec(toolCallId)?.[1];
  return encoded ? fromBase64Url(encoded) : undefined;
}

function toBase64Url(base64: string): string {
  return base64.replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function fromBase64Url(base64Url: string): string {
  const base64 = base64Url.replace(/-/g, '+').replace(/_/g, '/');
  return base64.padEnd(base64.length + ((4 - (base64.length % 4)) % 4), '=');
}
