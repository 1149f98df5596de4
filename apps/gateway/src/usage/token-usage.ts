/**
 * Token counts as the providers report them, read from what the gateway relays anyway — without parsing a
 * big body a second time: a JSON answer is searched for its last `"usage"` key and only that object is
 * parsed; an event stream is scanned line by line and only `data:` lines that mention usage are parsed.
 *
 * Formats:
 * - OpenAI Chat Completions / Embeddings: `usage.{prompt_tokens, completion_tokens, prompt_tokens_details.cached_tokens}`
 *   (streams: the last chunk when `stream_options.include_usage` is set).
 * - OpenAI Responses: `usage.{input_tokens, output_tokens, input_tokens_details.cached_tokens}` (streams: in
 *   `response.completed`'s `response`).
 * - Anthropic Messages: `usage.{input_tokens, output_tokens, cache_read_input_tokens, cache_creation_input_tokens}`
 *   (streams: `message_start`'s `message.usage`, then cumulative `message_delta` usage).
 * - Gemini: `usageMetadata.{promptTokenCount, candidatesTokenCount, thoughtsTokenCount, cachedContentTokenCount}`
 *   (streams: every chunk, the last one complete).
 * @see https://platform.openai.com/docs/api-reference/chat/object#chat/object-usage
 * @see https://platform.openai.com/docs/api-reference/responses/object#responses/object-usage
 * @see https://docs.anthropic.com/en/api/messages#response-usage
 * @see https://ai.google.dev/api/generate-content#UsageMetadata
 */

import { isPlainObject } from '../providers/request-content.js';

/** One request's tokens in OpenAI's sense: `promptTokens` includes the cached ones. */
export interface TokenUsage {
  promptTokens: number | null;
  completionTokens: number | null;
  /** Prompt tokens read from the provider's cache (a subset of `promptTokens`). */
  cachedTokens: number | null;
  /** Anthropic's cache writes (priced higher); part of `promptTokens`, used for the cost only. */
  cacheWriteTokens: number | null;
}

export function emptyUsage(): TokenUsage {
  return { promptTokens: null, completionTokens: null, cachedTokens: null, cacheWriteTokens: null };
}


function count(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? Math.floor(value) : undefined;
}

/**
 * Folds one provider usage object (any of the four shapes) into `into`; a field the object does not carry keeps
 * its earlier value, so Anthropic's `message_start` input count survives the `message_delta` that follows it.
 */
export function mergeUsage(into: TokenUsage, usage: unknown): void {
  if (!isPlainObject(usage)) return;
  // Gemini
  if ('promptTokenCount' in usage || 'candidatesTokenCount' in usage) {
    const prompt = count(usage['promptTokenCount']);
    if (prompt !== undefined) into.promptTokens = prompt;
    const candidates = count(usage['candidatesTokenCount']);
    const thoughts = count(usage['thoughtsTokenCount']);
    // Thinking tokens are billed as output.
    if (candidates !== undefined || thoughts !== undefined) into.completionTokens = (candidates ?? 0) + (thoughts ?? 0);
    const cached = count(usage['cachedContentTokenCount']);
    if (cached !== undefined) into.cachedTokens = cached;
    return;
  }
  // Anthropic: input_tokens excludes cache reads and writes; OpenAI's prompt count includes them.
  if ('cache_read_input_tokens' in usage || 'cache_creation_input_tokens' in usage) {
    const input = count(usage['input_tokens']);
    const read = count(usage['cache_read_input_tokens']) ?? 0;
    const write = count(usage['cache_creation_input_tokens']) ?? 0;
    if (input !== undefined) {
      into.promptTokens = input + read + write;
      into.cachedTokens = read;
      into.cacheWriteTokens = write;
    }
    const output = count(usage['output_tokens']);
    if (output !== undefined) into.completionTokens = output;
    return;
  }
  // OpenAI Chat / Embeddings, or Responses (and Anthropic's message_delta, which has only output_tokens).
  const prompt = count(usage['prompt_tokens']) ?? count(usage['input_tokens']);
  if (prompt !== undefined) into.promptTokens = prompt;
  const completion = count(usage['completion_tokens']) ?? count(usage['output_tokens']);
  if (completion !== undefined) into.completionTokens = completion;
  else if (prompt !== undefined && into.completionTokens === null && 'total_tokens' in usage) into.completionTokens = 0; // embeddings
  const details = usage['prompt_tokens_details'] ?? usage['input_tokens_details'];
  if (isPlainObject(details)) {
    const cached = count(details['cached_tokens']);
    if (cached !== undefined) into.cachedTokens = cached;
  }
}

/** The usage objects one parsed event or body may hold, wherever its format nests them. */
export function mergeUsageFrom(into: TokenUsage, parsed: unknown): void {
  if (!isPlainObject(parsed)) return;
  if (isPlainObject(parsed['usage'])) mergeUsage(into, parsed['usage']);
  if (isPlainObject(parsed['usageMetadata'])) mergeUsage(into, parsed['usageMetadata']);
  const message = parsed['message'];
  if (isPlainObject(message) && isPlainObject(message['usage'])) mergeUsage(into, message['usage']);
  const response = parsed['response'];
  if (isPlainObject(response) && isPlainObject(response['usage'])) mergeUsage(into, response['usage']);
}

const USAGE_KEY_START = Buffer.from('"usage');
const USAGE_KEY_ENDS = [Buffer.from('"'), Buffer.from('Metadata"')];

/**
 * The value of the last `"usage"` (or `"usageMetadata"`) key holding an object in a JSON text, parsed alone — found
 * on the bytes, only the object decoded. In valid JSON a quote inside a string is escaped, so `"usage"` followed by
 * `:` is always a key. Top-level usage comes last in the providers' answers, after the content.
 */
export function lastUsageObject(json: Buffer | string): unknown {
  const bytes = typeof json === 'string' ? Buffer.from(json, 'utf8') : json;
  for (let at = bytes.lastIndexOf(USAGE_KEY_START); at !== -1; at = at === 0 ? -1 : bytes.lastIndexOf(USAGE_KEY_START, at - 1)) {
    const start = usageObjectStart(bytes, at);
    if (start === -1) continue;
    const end = matchingBrace(bytes, start);
    if (end === -1) continue;
    try {
      return JSON.parse(bytes.toString('utf8', start, end + 1));
    } catch {
      return undefined;
    }
  }
  return undefined;
}

/**
 * Whether `bytes` hold a `"usage"` or `"usageMetadata"` key whose value is an object — checked on the bytes, without
 * decoding. OpenAI streams asked for usage carry `"usage":null` in every chunk: only the one with the object counts.
 */
export function mentionsUsageObject(bytes: Buffer): boolean {
  return findUsageObject(bytes, 0) !== -1;
}

/** Where the next usage key holding an object (see `mentionsUsageObject`) starts at or after `from`; -1 when none. */
function findUsageObject(bytes: Buffer, from: number): number {
  for (let at = bytes.indexOf(USAGE_KEY_START, from); at !== -1; at = bytes.indexOf(USAGE_KEY_START, at + 1)) {
    if (usageObjectStart(bytes, at) !== -1) return at;
  }
  return -1;
}

/** Where the object value of the usage key starting at `at` (its opening quote) begins; -1 when it is no such key. */
function usageObjectStart(bytes: Buffer, at: number): number {
  const afterStart = at + USAGE_KEY_START.length;
  const end = USAGE_KEY_ENDS.find((candidate) => startsAt(bytes, candidate, afterStart));
  if (!end) return -1;
  let cursor = skipWhitespace(bytes, afterStart + end.length);
  if (bytes[cursor] !== 0x3a) return -1; // ':'
  cursor = skipWhitespace(bytes, cursor + 1);
  return bytes[cursor] === 0x7b ? cursor : -1; // '{'
}

/** Whether `bytes` hold `expected` at `at` (a loop: for a few bytes cheaper than the native `compare`). */
function startsAt(bytes: Buffer, expected: Buffer, at: number): boolean {
  if (at + expected.length > bytes.length) return false;
  for (let index = 0; index < expected.length; index += 1) if (bytes[at + index] !== expected[index]) return false;
  return true;
}

function skipWhitespace(bytes: Buffer, from: number): number {
  let cursor = from;
  while (cursor < bytes.length && (bytes[cursor] === 0x20 || bytes[cursor] === 0x09 || bytes[cursor] === 0x0a || bytes[cursor] === 0x0d)) cursor += 1;
  return cursor;
}

/**
 * The index of the `}` closing the object opened at `start`, skipping strings; -1 when it does not close. On the
 * bytes: JSON's structural characters are ASCII, and no byte of a multi-byte UTF-8 character is.
 */
function matchingBrace(bytes: Buffer, start: number): number {
  let depth = 0;
  let inString = false;
  for (let index = start; index < bytes.length; index += 1) {
    const char = bytes[index]!;
    if (inString) {
      if (char === 0x5c) index += 1;
      else if (char === 0x22) inString = false;
    } else if (char === 0x22) inString = true;
    else if (char === 0x7b) depth += 1;
    else if (char === 0x7d) {
      depth -= 1;
      if (depth === 0) return index;
    }
  }
  return -1;
}

/** Usage from a whole JSON answer relayed as bytes. */
export function usageFromJsonBytes(bytes: Buffer): TokenUsage {
  const usage = emptyUsage();
  // Only the tail is searched first: the usage object sits after the content (at most a few hundred bytes).
  const tail = bytes.length > TAIL_BYTES ? bytes.subarray(bytes.length - TAIL_BYTES) : bytes;
  const found = lastUsageObject(tail);
  if (found !== undefined) mergeUsage(usage, found);
  else if (tail !== bytes) {
    const whole = lastUsageObject(bytes);
    if (whole !== undefined) mergeUsage(usage, whole);
  }
  return usage;
}

const TAIL_BYTES = 16 * 1024;
const NEWLINE = 0x0a;

/**
 * Reads usage out of a relayed stream, chunk by chunk, as it passes. Server-sent events: every `data:` line that
 * mentions usage is parsed (others are skipped without decoding). Gemini's JSON-array stream (no `alt=sse`) has
 * no lines to go by: its last `usageMetadata` is found in the stream's tail at the end.
 */
export class StreamUsageScanner {
  readonly usage = emptyUsage();
  /** The model the stream says answered (Anthropic's `message_start`), when it says so. */
  model: string | null = null;
  private partialLine: Buffer | null = null;
  private tail: Buffer = Buffer.alloc(0);

  constructor(private readonly eventStream: boolean) {}

  feed(chunk: Buffer): void {
    if (!this.eventStream) {
      const joined = this.tail.length === 0 ? chunk : Buffer.concat([this.tail, chunk]);
      this.tail = joined.length > TAIL_BYTES ? joined.subarray(joined.length - TAIL_BYTES) : joined;
      return;
    }
    const data = this.partialLine ? Buffer.concat([this.partialLine, chunk]) : chunk;
    const lastNewline = data.lastIndexOf(NEWLINE);
    // A line that has not ended yet may still mention usage in its next chunk: keep it (lines are single events).
    this.partialLine = lastNewline === data.length - 1 ? null : Buffer.from(data.subarray(lastNewline + 1));
    if (lastNewline === -1) return;
    const lines = data.subarray(0, lastNewline);
    // Almost every chunk has no usage object: one search over the chunk, and only the lines holding one are read.
    for (let found = findUsageObject(lines, 0); found !== -1; ) {
      const start = lines.lastIndexOf(NEWLINE, found) + 1;
      const newline = lines.indexOf(NEWLINE, found);
      const end = newline === -1 ? lines.length : newline;
      this.readLine(lines.subarray(start, end));
      found = newline === -1 ? -1 : findUsageObject(lines, end + 1);
    }
  }

  /** The stream ended: what it said about usage. */
  finish(): TokenUsage {
    if (this.partialLine) this.readLine(this.partialLine);
    this.partialLine = null;
    if (!this.eventStream && this.tail.length > 0) mergeUsage(this.usage, lastUsageObject(this.tail));
    return this.usage;
  }

  private readLine(line: Buffer): void {
    if (line.length < 6) return;
    const text = line.toString('utf8');
    if (!text.startsWith('data:')) return;
    try {
      const parsed: unknown = JSON.parse(text.slice(5));
      mergeUsageFrom(this.usage, parsed);
      if (this.model === null && isPlainObject(parsed) && isPlainObject(parsed['message']) && typeof parsed['message']['model'] === 'string') {
        this.model = parsed['message']['model'];
      }
    } catch {
      // Not JSON (`[DONE]`, a broken event): nothing to count.
    }
  }
}

/**
 * OpenAI sends stream usage only when asked (`stream_options.include_usage`). When the gateway asked on the
 * client's behalf, the client must not see the extra usage-only chunk it did not ask for: this filter passes the
 * stream through event by event and drops exactly that chunk (empty `choices`, a `usage` object).
 */
export class InjectedUsageChunkFilter {
  private pending: Buffer = NOTHING;

  /** The complete events of what arrived so far, minus the usage-only chunk; a partial event waits for the next chunk. */
  push(chunk: Buffer): Buffer {
    const data = this.pending.length === 0 ? chunk : Buffer.concat([this.pending, chunk]);
    const end = lastEventEnd(data);
    if (end === -1) {
      this.pending = Buffer.from(data);
      return NOTHING;
    }
    this.pending = end === data.length ? NOTHING : Buffer.from(data.subarray(end));
    return dropUsageOnlyEvents(end === data.length ? data : data.subarray(0, end));
  }

  /** Whatever was left when the stream ended. */
  flush(): Buffer {
    const rest = this.pending;
    this.pending = NOTHING;
    return dropUsageOnlyEvents(rest);
  }
}

const EVENT_END = Buffer.from('\n\n');
const NOTHING = Buffer.alloc(0);

function lastEventEnd(data: Buffer): number {
  const at = data.lastIndexOf(EVENT_END);
  return at === -1 ? -1 : at + 2;
}

function dropUsageOnlyEvents(events: Buffer): Buffer {
  let found = findUsageObject(events, 0);
  if (found === -1) return events;
  const kept: Buffer[] = [];
  let keptUpTo = 0;
  while (found !== -1) {
    const eventStart = eventStartBefore(events, found);
    const endMark = events.indexOf(EVENT_END, found);
    const eventEnd = endMark === -1 ? events.length : endMark + EVENT_END.length;
    if (isUsageOnlyChunk(events.subarray(eventStart, eventEnd))) {
      kept.push(events.subarray(keptUpTo, eventStart));
      keptUpTo = eventEnd;
    }
    found = eventEnd >= events.length ? -1 : findUsageObject(events, eventEnd);
  }
  if (keptUpTo === 0) return events;
  kept.push(events.subarray(keptUpTo));
  return Buffer.concat(kept);
}

/** Where the event holding byte `at` begins: after the blank line before it, or at the start. */
function eventStartBefore(events: Buffer, at: number): number {
  const previousEnd = at < EVENT_END.length ? -1 : events.lastIndexOf(EVENT_END, at - EVENT_END.length);
  return previousEnd === -1 ? 0 : previousEnd + EVENT_END.length;
}

/** An event the gateway's injected `include_usage` added: empty `choices` and a `usage` object. */
function isUsageOnlyChunk(event: Buffer): boolean {
  const text = event.toString('utf8').trim();
  if (!text.startsWith('data:')) return false;
  try {
    const parsed: unknown = JSON.parse(text.slice(5));
    return isPlainObject(parsed) && Array.isArray(parsed['choices']) && parsed['choices'].length === 0 && isPlainObject(parsed['usage']);
  } catch {
    return false;
  }
}

const MODEL_FIELD = /"model"\s*:\s*"([^"\\]{1,200})"/;

/** The `model` a JSON answer names first (Anthropic's message names it before its content), from its head only. */
export function modelFromJsonBytes(bytes: Buffer): string | null {
  const head = bytes.subarray(0, 2048).toString('utf8');
  return MODEL_FIELD.exec(head)?.[1] ?? null;
}
