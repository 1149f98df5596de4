import type { AdapterRuntime } from '../adapter-runtime.js';

/**
 * Random characters after `call_`: 24 letters and digits (~143 bits) make a 29-character id, inside OpenAI's limit of
 * 40 characters for tool-call ids, which a conversation continued on an OpenAI model must respect.
 * @see https://platform.openai.com/docs/api-reference/chat/create#chat-create-messages
 */
const RANDOM_LENGTH = 24;

/**
 * Gemini does not name its function calls for the OpenAI protocol, so UniRoute mints short `call_…` ids. The thought
 * signature Gemini attaches to a call travels beside the id (`extra_content.google.thought_signature`, and the
 * caller's server-side memory), never inside it.
 * @see https://ai.google.dev/gemini-api/docs/thought-signatures
 */
export function newGoogleToolCallId(runtime: AdapterRuntime): string {
  return `call_${runtime.randomId().slice(0, RANDOM_LENGTH)}`;
}

/**
 * Earlier UniRoute versions packed the signature into the id (`call_<random>_ts_<base64url signature>`). Histories
 * holding such ids still reach Gemini with their signatures; no new id is minted this way.
 */
const LEGACY_SIGNED_ID_PATTERN = /^call_[A-Za-z0-9]+_ts_([A-Za-z0-9_-]+)$/;

/** The thought signature packed into a legacy tool-call id, if it is one. */
export function legacyThoughtSignatureOf(toolCallId: string): string | undefined {
  const encoded = LEGACY_SIGNED_ID_PATTERN.exec(toolCallId)?.[1];
  if (!encoded) return undefined;
  const base64 = encoded.replace(/-/g, '+').replace(/_/g, '/');
  return base64.padEnd(base64.length + ((4 - (base64.length % 4)) % 4), '=');
}
