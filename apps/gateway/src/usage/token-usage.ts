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

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function count(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? Math.floor(value) : undefined;
}

/**
 * Folds one provider usage object (any of the four shapes) into `into`; a field the object does not carry keeps
 * its earlier value, so Anthropic's `message_start` input count survives the `message_delta` that follows it.
 */
export function mergeUsage(into: TokenUsage, usage: unknown): void {
  if (!isObject(usage)) return;
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
  if (isObject(details)) {
    const cached = count(details['cached_tokens']);
    if (cached !== undefined) into.cachedTokens = cached;
  }
}

/** The usage objects one parsed event or body may hold, wherever its format nests them. */
export function mergeUsageFrom(into: TokenUsage, parsed: unknown): void {
  if (!isObject(parsed)) return;
  if (isObject(parsed['usage'])) mergeUsage(into, parsed['usage']);
  if (isObject(parsed['usageMetadata'])) mergeUsage(into, parsed['usageMetadata']);
  const message = parsed['message'];
  if (isObject(message) && isObject(message['usage'])) mergeUsage(into, message['usage']);
  const response = parsed['response'];
  if (isObject(response) && isObject(response['usage'])) mergeUsage(into, response['usage']);
}

const USAGE_KEY = Buffer.from('"usage');
const METADATA_REST = Buffer.from('Metadata"');
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COLON = 0x3a;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;

/**
 * The value of the last `"usage"` (or `"usageMetadata"`) key in a JSON text, parsed alone. In valid JSON a
 * quote inside a string is escaped, so `"usage"` followed by `:` is always a key. Top-level usage comes last
 * in the providers' answers, after the content: the bytes are searched from the end, and only the object
 * itself is decoded.
 */
export function lastUsageObject(json: string | Buffer): unknown {
  const bytes = typeof json === 'string' ? Buffer.from(json) : json;
  for (let at = bytes.lastIndexOf(USAGE_KEY); at !== -1; at = at === 0 ? -1 : bytes.lastIndexOf(USAGE_KEY, at - 1)) {
    let cursor = at + USAGE_KEY.length;
    if (bytes[cursor] === QUOTE) cursor += 1;
    else if (bytes.subarray(cursor, cursor + METADATA_REST.length).equals(METADATA_REST)) cursor += METADATA_REST.length;
    else continue;
    cursor = skipWhitespace(bytes, cursor);
    if (bytes[cursor] !== COLON) continue;
    cursor = skipWhitespace(bytes, cursor + 1);
    if (bytes[cursor] !== OPEN_BRACE) continue;
    const end = matchingBrace(bytes, cursor);
    if (end === -1) continue;
    try {
      return JSON.parse(bytes.toString('utf8', cursor, end + 1));
    } catch {
      return undefined;
    }
  }
  return undefined;
}

/** JSON's whitespace: space, tab, line feed, carriage return. */
function skipWhitespace(bytes: Buffer, start: number): number {
  let cursor = start;
  while (bytes[cursor] === 0x20 || bytes[cursor] === 0x09 || bytes[cursor] === 0x0a || bytes[cursor] === 0x0d) cursor += 1;
  return cursor;
}

/**
 * The index of the `}` closing the object opened at `start`, skipping strings; -1 when it does not close. Bytes
 * are fine: in UTF-8 every byte of a multi-byte character is ≥ 0x80, never a quote, backslash or brace.
 */
function matchingBrace(bytes: Buffer, start: number): number {
  let depth = 0;
  let inString = false;
  for (let index = start; index < bytes.length; index += 1) {
    const byte = bytes[index];
    if (inString) {
      if (byte === BACKSLASH) index += 1;
      else if (byte === QUOTE) inString = false;
    } else if (byte === QUOTE) inString = true;
    else if (byte === OPEN_BRACE) depth += 1;
    else if (byte === CLOSE_BRACE) {
      depth -= 1;
      if (depth === 0) return index;
    }
  }
  return -1;
}

/** Usage from a whole JSON answer relayed as bytes. */
export function usageFromJsonBytes(bytes: Buffer): TokenUsage {
  const usage = emptyUsage();
  const found = lastUsageObject(bytes);
  if (found !== undefined) mergeUsage(usage, found);
  return usage;
}

const TAIL_BYTES = 16 * 1024;
const NEWLINE = 0x0a;
const USAGE_MARKER = Buffer.from('sage');

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
    let start = 0;
    for (let newline = chunk.indexOf(NEWLINE); newline !== -1; newline = chunk.indexOf(NEWLINE, start)) {
      const piece = chunk.subarray(start, newline);
      const line = this.partialLine ? Buffer.concat([this.partialLine, piece]) : piece;
      this.partialLine = null;
      this.readLine(line);
      start = newline + 1;
    }
    if (start < chunk.length) {
      const rest = chunk.subarray(start);
      // A line that has not mentioned usage yet may still do so in its next chunk: keep it (lines are single events).
      this.partialLine = this.partialLine ? Buffer.concat([this.partialLine, rest]) : Buffer.from(rest);
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
    if (line.length < 6 || line.indexOf(USAGE_MARKER) === -1) return;
    const text = line.toString('utf8');
    if (!text.startsWith('data:')) return;
    try {
      const parsed: unknown = JSON.parse(text.slice(5));
      mergeUsageFrom(this.usage, parsed);
      if (this.model === null && isObject(parsed) && isObject(parsed['message']) && typeof parsed['message']['model'] === 'string') {
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
  private pending: Buffer = Buffer.alloc(0);

  /** The complete events of what arrived so far, minus the usage-only chunk; a partial event waits for the next chunk. */
  push(chunk: Buffer): Buffer {
    const data = this.pending.length === 0 ? chunk : Buffer.concat([this.pending, chunk]);
    const end = lastEventEnd(data);
    if (end === -1) {
      this.pending = Buffer.from(data);
      return Buffer.alloc(0);
    }
    this.pending = Buffer.from(data.subarray(end));
    return dropUsageOnlyEvents(data.subarray(0, end));
  }

  /** Whatever was left when the stream ended. */
  flush(): Buffer {
    const rest = this.pending;
    this.pending = Buffer.alloc(0);
    return dropUsageOnlyEvents(rest);
  }
}

const EVENT_END = Buffer.from('\n\n');

function lastEventEnd(data: Buffer): number {
  const at = data.lastIndexOf(EVENT_END);
  return at === -1 ? -1 : at + 2;
}

function dropUsageOnlyEvents(events: Buffer): Buffer {
  if (events.indexOf(USAGE_MARKER) === -1) return events;
  const kept: Buffer[] = [];
  let start = 0;
  while (start < events.length) {
    const end = events.indexOf(EVENT_END, start);
    const stop = end === -1 ? events.length : end + 2;
    const event = events.subarray(start, stop);
    if (!isUsageOnlyChunk(event)) kept.push(event);
    start = stop;
  }
  return Buffer.concat(kept);
}

function isUsageOnlyChunk(event: Buffer): boolean {
  if (event.indexOf(USAGE_MARKER) === -1) return false;
  const text = event.toString('utf8').trim();
  if (!text.startsWith('data:')) return false;
  try {
    const parsed: unknown = JSON.parse(text.slice(5));
    return isObject(parsed) && Array.isArray(parsed['choices']) && parsed['choices'].length === 0 && isObject(parsed['usage']);
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
