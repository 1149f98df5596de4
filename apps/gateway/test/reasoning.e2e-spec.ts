import type OpenAI from 'openai';
import type { ChatCompletionChunk, ChatCompletionMessageParam, ChatCompletionTool } from 'openai/resources/chat/completions';
import type { ReasoningMessageFields, ThinkingBlock, ToolCallExtraFields } from '@uniroute/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGatewayWithStandIns, userWithApiKey, type Harness } from './support/gateway-with-stand-ins.js';
import { DATABASE_KIND } from './support/test-app.js';

const weatherTool: ChatCompletionTool = {
  type: 'function',
  function: { name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } },
};

/** A tool call as the client sees it, with Gemini's signature where Google's own endpoint puts it. */
type ToolCall = { id: string; type: 'function'; function: { name: string; arguments: string } } & ToolCallExtraFields;
/** The assistant message as a client keeps it for the next turn. */
type AssistantTurn = { role: 'assistant'; content: string | null; tool_calls: ToolCall[] } & ReasoningMessageFields;

const USER_QUESTION: ChatCompletionMessageParam = { role: 'user', content: 'Weather in Paris?' };

/** Turn 1 with thinking on: JSON, or a stream assembled the way clients assemble one (extras included). */
async function askWithTool(openai: OpenAI, model: string, stream: boolean): Promise<AssistantTurn> {
  const request = { model, reasoning_effort: 'low' as const, tools: [weatherTool], messages: [USER_QUESTION] };
  if (!stream) {
    const completion = await openai.chat.completions.create(request);
    expect(completion.choices[0]!.finish_reason).toBe('tool_calls');
    return completion.choices[0]!.message as unknown as AssistantTurn;
  }
  const turn: AssistantTurn = { role: 'assistant', content: null, tool_calls: [] };
  let finishReason: string | null = null;
  for await (const chunk of await openai.chat.completions.create({ ...request, stream: true })) {
    const choice = chunk.choices[0];
    if (!choice) continue;
    finishReason = choice.finish_reason ?? finishReason;
    const delta = choice.delta as ChatCompletionChunk.Choice.Delta & ReasoningMessageFields;
    if (delta.content) turn.content = (turn.content ?? '') + delta.content;
    if (delta.reasoning_content) turn.reasoning_content = (turn.reasoning_content ?? '') + delta.reasoning_content;
    if (delta.thinking_blocks) turn.thinking_blocks = [...(turn.thinking_blocks ?? []), ...delta.thinking_blocks];
    for (const part of (delta.tool_calls ?? []) as Array<ChatCompletionChunk.Choice.Delta.ToolCall & ToolCallExtraFields>) {
      const call = (turn.tool_calls[part.index] ??= { id: '', type: 'function', function: { name: '', arguments: '' } });
      if (part.id) call.id = part.id;
      if (part.function?.name) call.function.name = part.function.name;
      if (part.function?.arguments) call.function.arguments += part.function.arguments;
      if (part.extra_content) call.extra_content = part.extra_content;
    }
  }
  expect(finishReason).toBe('tool_calls');
  return turn;
}

function history(turn: AssistantTurn): ChatCompletionMessageParam[] {
  return [
    USER_QUESTION,
    turn as unknown as ChatCompletionMessageParam,
    ...turn.tool_calls.map((call): ChatCompletionMessageParam => ({ role: 'tool', tool_call_id: call.id, content: '{"temperature":18}' })),
  ];
}

function withoutExtraContent(turn: AssistantTurn): AssistantTurn {
  return { ...turn, tool_calls: turn.tool_calls.map(({ extra_content: _dropped, ...call }) => call) };
}

describe(`reasoning models through the official openai SDK (${DATABASE_KIND})`, () => {
  let harness: Harness;
  let openai: OpenAI;
  let otherUser: OpenAI;

  beforeAll(async () => {
    harness = await startGatewayWithStandIns();
    ({ openai } = await userWithApiKey(harness));
    ({ openai: otherUser } = await userWithApiKey(harness));
  });
  afterAll(async () => {
    await harness?.close();
  });

  describe.each([
    ['anthropic', 'claude-sonnet-4-5'],
    ['google', 'gemini-3-pro-preview'],
  ] as const)('%s (%s)', (provider, model) => {
    it.each([false, true])(
      'shows the reasoning, takes the tool result back with the signatures it issued, and continues on an OpenAI model (stream: %s)',
      async (stream) => {
        harness.standIns.reset();
        const turn = await askWithTool(openai, model, stream);

        expect(turn.reasoning_content).toContain('Weather in Paris?');
        expect(turn.tool_calls).toHaveLength(1);
        const call = turn.tool_calls[0]!;
        expect(call.id.length).toBeLessThanOrEqual(40);
        const firstUpstream = harness.standIns.requests.at(-1)!;

        const answer = await openai.chat.completions.create({ model, reasoning_effort: 'low', tools: [weatherTool], messages: history(turn) });

        expect(answer.choices[0]!.finish_reason).toBe('stop');
        expect(answer.choices[0]!.message.content).toBe('Tool get_weather returned: {"temperature":18}');
        const secondUpstream = harness.standIns.requests.at(-1)!;
        if (provider === 'anthropic') {
          const block = turn.thinking_blocks?.[0] as Extract<ThinkingBlock, { type: 'thinking' }>;
          expect(block.signature.length).toBeGreaterThan(20);
          expect(firstUpstream.headers['anthropic-beta']).toBe('interleaved-thinking-2025-05-14');
          const sentBack = (secondUpstream.body as { messages: Array<{ content: unknown[] }> }).messages[1]!.content[0];
          expect(sentBack).toEqual(block);
        } else {
          const signature = call.extra_content?.google?.thought_signature;
          expect(signature).toEqual(expect.any(String));
          const sentBack = (secondUpstream.body as { contents: Array<{ parts: Array<{ thoughtSignature?: string }> }> }).contents[1]!.parts[0];
          expect(sentBack?.thoughtSignature).toBe(signature);
        }

        const continued = await openai.chat.completions.create({
          model: 'gpt-4o-mini',
          messages: [...history(turn), answer.choices[0]!.message as ChatCompletionMessageParam, { role: 'user', content: 'Thanks!' }],
        });

        expect(continued.choices[0]!.message.content).toBe('Echo: Thanks!');
        const toOpenAI = JSON.stringify(harness.standIns.requests.at(-1)!.body);
        expect(toOpenAI).not.toMatch(/thought_signature|thinking_blocks|reasoning_content|"signature"/);
        expect(toOpenAI).toContain(call.id);
      },
    );
  });

  it('refuses a malformed thinking block with a 400 naming it, before any upstream call', async () => {
    harness.standIns.reset();
    const error = await openai.chat.completions
      .create({
        model: 'claude-sonnet-4-5',
        messages: [
          USER_QUESTION,
          { role: 'assistant', content: 'x', thinking_blocks: [{ type: 'thinking', thinking: 'no signature' }] } as unknown as ChatCompletionMessageParam,
          { role: 'user', content: 'again' },
        ],
      })
      .catch((caught: unknown) => caught as { status: number; param: string });

    expect(error).toMatchObject({ status: 400, param: 'messages[1].thinking_blocks[0].signature' });
    expect(harness.standIns.requests).toHaveLength(0);
  });

  it('keeps Gemini signatures server-side for clients that drop extra_content, for the caller who got them only', async () => {
    harness.standIns.reset();
    const turn = withoutExtraContent(await askWithTool(openai, 'gemini-3-pro-preview', false));
    expect(turn.tool_calls[0]!.extra_content).toBeUndefined();

    await openai.chat.completions.create({ model: 'gemini-3-pro-preview', tools: [weatherTool], messages: history(turn) });
    await otherUser.chat.completions.create({ model: 'gemini-3-pro-preview', tools: [weatherTool], messages: history(turn) });

    const [, own, other] = harness.standIns.requests.map(
      (request) => (request.body as { contents: Array<{ parts: Array<{ thoughtSignature?: string }> }> }).contents[1]?.parts[0]?.thoughtSignature,
    );
    expect(own).toEqual(expect.any(String));
    expect(own).not.toBe('skip_thought_signature_validator');
    // Another caller replaying the same ids gets Google's documented fallback, never the first caller's signature.
    expect(other).toBe('skip_thought_signature_validator');
  });
});
