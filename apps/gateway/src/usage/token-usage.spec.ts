import { describe, expect, it } from 'vitest';
import { InjectedUsageChunkFilter, StreamUsageScanner, lastUsageObject, mentionsUsageObject, modelFromJsonBytes, usageFromJsonBytes } from './token-usage.js';

const sse = (...events: unknown[]) => events.map((event) => `data: ${JSON.stringify(event)}\n\n`).join('');

describe('usageFromJsonBytes', () => {
  it('reads OpenAI chat usage with cached tokens, after content that mentions "usage" in a string', () => {
    const body = { choices: [{ message: { content: 'the "usage": {"prompt_tokens": 999} trick' } }], usage: { prompt_tokens: 12, completion_tokens: 7, prompt_tokens_details: { cached_tokens: 4 } } };
    expect(usageFromJsonBytes(Buffer.from(JSON.stringify(body)))).toEqual({ promptTokens: 12, completionTokens: 7, cachedTokens: 4, cacheWriteTokens: null });
  });

  it('reads Responses usage (input/output tokens) and embeddings usage (prompt only)', () => {
    expect(usageFromJsonBytes(Buffer.from(JSON.stringify({ usage: { input_tokens: 5, output_tokens: 6, input_tokens_details: { cached_tokens: 1 } } })))).toMatchObject({ promptTokens: 5, completionTokens: 6, cachedTokens: 1 });
    expect(usageFromJsonBytes(Buffer.from(JSON.stringify({ data: [], usage: { prompt_tokens: 3, total_tokens: 3 } })))).toMatchObject({ promptTokens: 3, completionTokens: 0 });
  });

  it("counts Anthropic's cache reads and writes into the prompt, as OpenAI does", () => {
    const body = { content: [], usage: { input_tokens: 10, output_tokens: 2, cache_read_input_tokens: 30, cache_creation_input_tokens: 5 } };
    expect(usageFromJsonBytes(Buffer.from(JSON.stringify(body)))).toEqual({ promptTokens: 45, completionTokens: 2, cachedTokens: 30, cacheWriteTokens: 5 });
  });

  it("reads Gemini's usageMetadata, thinking tokens as output", () => {
    const body = { candidates: [], usageMetadata: { promptTokenCount: 8, candidatesTokenCount: 3, thoughtsTokenCount: 4, cachedContentTokenCount: 2 } };
    expect(usageFromJsonBytes(Buffer.from(JSON.stringify(body)))).toMatchObject({ promptTokens: 8, completionTokens: 7, cachedTokens: 2 });
  });

  it('finds usage past a large body, and nothing in a body without any', () => {
    const big = { choices: [{ message: { content: 'x'.repeat(100_000) } }], usage: { prompt_tokens: 1, completion_tokens: 2 } };
    expect(usageFromJsonBytes(Buffer.from(JSON.stringify(big)))).toMatchObject({ promptTokens: 1, completionTokens: 2 });
    expect(usageFromJsonBytes(Buffer.from('{"id":"x"}'))).toEqual({ promptTokens: null, completionTokens: null, cachedTokens: null, cacheWriteTokens: null });
    expect(lastUsageObject('{"usage": {"broken": ')).toBeUndefined();
  });

  it('reads usage after multi-byte text, and the last usage object when a body has several', () => {
    const body = { choices: [{ message: { content: 'Grüße 😀 漢字 "usage": {"prompt_tokens": 5} \\' } }], usage: { prompt_tokens: 21, completion_tokens: 3 } };
    expect(usageFromJsonBytes(Buffer.from(JSON.stringify(body, null, 2)))).toMatchObject({ promptTokens: 21, completionTokens: 3 });
    expect(lastUsageObject('{"a": {"usage": {"prompt_tokens": 1}}, "usage" : {"prompt_tokens": 2}}')).toEqual({ prompt_tokens: 2 });
    expect(lastUsageObject('{"usage": {"prompt_tokens": 1}, "usage_note": "x", "usage": null}')).toEqual({ prompt_tokens: 1 });
  });

  it("reads the answering model from a JSON answer's head", () => {
    expect(modelFromJsonBytes(Buffer.from('{"id":"msg_1","type":"message","model":"claude-3-5-haiku-20241022","content":[]}'))).toBe('claude-3-5-haiku-20241022');
  });
});

describe('StreamUsageScanner', () => {
  it('keeps Anthropic message_start input and the message_delta output, across chunk boundaries', () => {
    const text = sse(
      { type: 'message_start', message: { model: 'claude-x', usage: { input_tokens: 9, output_tokens: 1, cache_read_input_tokens: 0 } } },
      { type: 'content_block_delta', delta: { text: 'usage is a word' } },
      { type: 'message_delta', usage: { output_tokens: 14 } },
    );
    const sut = new StreamUsageScanner(true);
    const bytes = Buffer.from(text);
    for (let at = 0; at < bytes.length; at += 7) sut.feed(bytes.subarray(at, at + 7));
    expect(sut.finish()).toMatchObject({ promptTokens: 9, completionTokens: 14, cachedTokens: 0 });
    expect(sut.model).toBe('claude-x');
  });

  it("takes OpenAI's final usage chunk and Gemini's last usageMetadata", () => {
    const openai = new StreamUsageScanner(true);
    openai.feed(Buffer.from(sse({ choices: [{ delta: { content: 'hi' } }], usage: null }, { choices: [], usage: { prompt_tokens: 4, completion_tokens: 2 } }) + 'data: [DONE]\n\n'));
    expect(openai.finish()).toMatchObject({ promptTokens: 4, completionTokens: 2 });
    const gemini = new StreamUsageScanner(true);
    gemini.feed(Buffer.from(sse({ usageMetadata: { promptTokenCount: 3 } }, { usageMetadata: { promptTokenCount: 3, candidatesTokenCount: 5 } })));
    expect(gemini.finish()).toMatchObject({ promptTokens: 3, completionTokens: 5 });
  });

  it("reads the OpenAI Responses stream's response.completed", () => {
    const sut = new StreamUsageScanner(true);
    sut.feed(Buffer.from(sse({ type: 'response.completed', response: { usage: { input_tokens: 6, output_tokens: 8 } } })));
    expect(sut.finish()).toMatchObject({ promptTokens: 6, completionTokens: 8 });
  });

  it("reads Gemini's JSON-array stream (no alt=sse) from its tail", () => {
    const sut = new StreamUsageScanner(false);
    const text = JSON.stringify([{ usageMetadata: { promptTokenCount: 2 } }, { candidates: [], usageMetadata: { promptTokenCount: 2, candidatesTokenCount: 11 } }], null, 2);
    const bytes = Buffer.from(text);
    for (let at = 0; at < bytes.length; at += 13) sut.feed(bytes.subarray(at, at + 13));
    expect(sut.finish()).toMatchObject({ promptTokens: 2, completionTokens: 11 });
  });
});

describe('InjectedUsageChunkFilter', () => {
  it('passes every event on except the usage-only chunk, whatever the chunking', () => {
    const content = sse({ choices: [{ delta: { content: 'a' } }], usage: null }, { choices: [{ delta: {}, finish_reason: 'stop' }], usage: null });
    const text = content + sse({ choices: [], usage: { prompt_tokens: 1, completion_tokens: 1 } }) + 'data: [DONE]\n\n';
    for (const size of [1, 5, 64, text.length]) {
      const sut = new InjectedUsageChunkFilter();
      const bytes = Buffer.from(text);
      const out: Buffer[] = [];
      for (let at = 0; at < bytes.length; at += size) out.push(sut.push(bytes.subarray(at, at + size)));
      out.push(sut.flush());
      expect(Buffer.concat(out).toString()).toBe(content + 'data: [DONE]\n\n');
    }
  });
});

describe('mentionsUsageObject', () => {
  const check = (text: string) => mentionsUsageObject(Buffer.from(text));

  it('finds a usage or usageMetadata key holding an object, with or without whitespace', () => {
    expect(check('data: {"choices":[],"usage":{"prompt_tokens":1}}')).toBe(true);
    expect(check('{"usageMetadata" :\n {"promptTokenCount":1}}')).toBe(true);
    expect(check('{"usage":null,"x":1} {"usage": {"a":1}}')).toBe(true);
  });

  it('skips usage that is null, keys that only start with "usage", and "usage" inside a string', () => {
    expect(check('data: {"choices":[{"delta":{"content":"hi"}}],"usage":null}')).toBe(false);
    expect(check('{"usage_note":{"a":1},"usages":{}}')).toBe(false);
    expect(check(JSON.stringify({ content: 'the "usage": {"prompt_tokens": 9} trick' }))).toBe(false);
    expect(check('{"usage"')).toBe(false);
  });
});
