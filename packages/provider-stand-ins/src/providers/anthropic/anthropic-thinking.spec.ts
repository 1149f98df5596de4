import Anthropic from '@anthropic-ai/sdk';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_STAND_IN_KEYS } from '../../default-keys.js';
import { startStandIns, type StandIns } from '../../stand-ins.js';
import { REDACTED_THINKING_TRIGGER } from './anthropic-thinking.js';

const weatherTool: Anthropic.Tool = { name: 'get_weather', input_schema: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } };
const thinking = { type: 'enabled', budget_tokens: 1024 } as const;

describe('anthropic stand-in with extended thinking, through the official SDK', () => {
  let sut: StandIns;
  let client: Anthropic;

  beforeAll(async () => {
    sut = await startStandIns({ streamChunks: 3 });
    client = new Anthropic({ apiKey: DEFAULT_STAND_IN_KEYS.anthropic[0] as string, baseURL: sut.baseUrls.anthropic, maxRetries: 0 });
  });
  afterAll(() => sut.close());
  beforeEach(() => sut.reset());

  it('answers with a signed thinking block first, and accepts it back on the next tool-use turn', async () => {
    const question: Anthropic.MessageParam = { role: 'user', content: 'Weather in Oslo?' };
    const first = await client.messages.create({ model: 'claude-sonnet-4-5', max_tokens: 2048, thinking, tools: [weatherTool], messages: [question] });

    expect(first.content.map((block) => block.type)).toEqual(['thinking', 'tool_use']);
    const toolUse = first.content[1] as Anthropic.ToolUseBlock;
    const second = await client.messages.create({
      model: 'claude-sonnet-4-5',
      max_tokens: 2048,
      thinking,
      tools: [weatherTool],
      messages: [question, { role: 'assistant', content: first.content }, { role: 'user', content: [{ type: 'tool_result', tool_use_id: toolUse.id, content: '-3C' }] }],
    });

    expect(second.content.map((block) => block.type)).toEqual(['thinking', 'text']);
    expect(second.content[1]).toMatchObject({ text: 'Tool get_weather returned: -3C' });
  });

  it('rejects a continuation that dropped the thinking block, or altered it, as the API does', async () => {
    const question: Anthropic.MessageParam = { role: 'user', content: 'Weather in Oslo?' };
    const first = await client.messages.create({ model: 'claude-sonnet-4-5', max_tokens: 2048, thinking, tools: [weatherTool], messages: [question] });
    const [thinkingBlock, toolUse] = first.content as [Anthropic.ThinkingBlock, Anthropic.ToolUseBlock];
    const result: Anthropic.MessageParam = { role: 'user', content: [{ type: 'tool_result', tool_use_id: toolUse.id, content: '-3C' }] };
    const send = (assistant: Anthropic.ContentBlockParam[]) =>
      client.messages.create({ model: 'claude-sonnet-4-5', max_tokens: 2048, thinking, tools: [weatherTool], messages: [question, { role: 'assistant', content: assistant }, result] });

    await expect(send([toolUse])).rejects.toMatchObject({ status: 400, message: expect.stringContaining('must start with a thinking block') });
    await expect(send([{ ...thinkingBlock, thinking: 'edited' }, toolUse])).rejects.toMatchObject({ status: 400, message: expect.stringContaining('Invalid `signature`') });
  });

  it('checks the budget against max_tokens and refuses a changed temperature', async () => {
    const base = { model: 'claude-sonnet-4-5', messages: [{ role: 'user' as const, content: 'hi' }] };

    await expect(client.messages.create({ ...base, max_tokens: 1024, thinking })).rejects.toMatchObject({ status: 400 });
    await expect(client.messages.create({ ...base, max_tokens: 4096, thinking: { type: 'enabled', budget_tokens: 500 } })).rejects.toMatchObject({ status: 400 });
    // The SDK no longer types `temperature`, which the API still takes.
    const withTemperature = { ...base, max_tokens: 4096, thinking, temperature: 0.2 };
    await expect(client.messages.create(withTemperature)).rejects.toMatchObject({ status: 400 });
  });

  it('redacts thinking for Anthropic’s documented trigger string', async () => {
    const message = await client.messages.create({ model: 'claude-sonnet-4-5', max_tokens: 2048, thinking, messages: [{ role: 'user', content: REDACTED_THINKING_TRIGGER }] });

    expect(message.content[0]).toMatchObject({ type: 'redacted_thinking', data: expect.any(String) });
  });

  it('streams the thinking block with thinking_delta and signature_delta before the answer block', async () => {
    const stream = client.messages.stream({ model: 'claude-sonnet-4-5', max_tokens: 2048, thinking, messages: [{ role: 'user', content: 'Hello there' }] });
    const kinds: string[] = [];
    for await (const event of stream) if (event.type === 'content_block_delta') kinds.push(event.delta.type);
    const message = await stream.finalMessage();

    expect(kinds[0]).toBe('thinking_delta');
    expect(kinds).toContain('signature_delta');
    expect(message.content.map((block) => block.type)).toEqual(['thinking', 'text']);
    expect((message.content[0] as Anthropic.ThinkingBlock).signature.length).toBeGreaterThan(20);
  });
});
