import { describe, expect, it } from 'vitest';
import type { Conversation } from './conversation.js';
import { planAnswer } from './plan-answer.js';

const weatherTool = {
  name: 'get_weather',
  parameters: {
    type: 'object',
    properties: { location: { type: 'string' }, unit: { type: 'string', enum: ['celsius', 'fahrenheit'] }, days: { type: 'integer' } },
    required: ['location', 'unit'],
  },
};

function conversation(overrides: Partial<Conversation> = {}): Conversation {
  return {
    promptTexts: ['You are terse.', 'Hello there stand-in'],
    lastUserText: 'Hello there stand-in',
    lastTurn: { kind: 'user' },
    tools: [],
    toolChoice: { mode: 'auto' },
    maxOutputTokens: null,
    stopSequences: [],
    ...overrides,
  };
}

describe(planAnswer.name, () => {
  it('echoes the last user text and counts words as tokens', () => {
    const sut = planAnswer(conversation());

    expect(sut).toEqual({
      kind: 'text',
      text: 'Echo: Hello there stand-in',
      finish: 'complete',
      stopSequence: null,
      usage: { inputTokens: 6, outputTokens: 4 },
    });
  });

  it('cuts the text at the output token limit', () => {
    const sut = planAnswer(conversation({ maxOutputTokens: 2 }));

    expect(sut).toMatchObject({ kind: 'text', text: 'Echo: Hello', finish: 'max-tokens', usage: { outputTokens: 2 } });
  });

  it('stops before the earliest stop sequence and names it', () => {
    const sut = planAnswer(conversation({ stopSequences: ['stand', 'there'] }));

    expect(sut).toMatchObject({ kind: 'text', text: 'Echo: Hello ', finish: 'stop-sequence', stopSequence: 'there' });
  });

  it('calls the first tool with schema-shaped arguments when the user spoke last', () => {
    const sut = planAnswer(conversation({ tools: [weatherTool, { name: 'other', parameters: {} }] }));

    expect(sut).toMatchObject({
      kind: 'tool-call',
      toolName: 'get_weather',
      toolArguments: { location: 'Hello there stand-in', unit: 'celsius' },
      argumentsJson: '{"location":"Hello there stand-in","unit":"celsius"}',
    });
  });

  it('calls the named tool even after a tool result', () => {
    const sut = planAnswer(
      conversation({
        tools: [weatherTool, { name: 'lookup', parameters: {} }],
        toolChoice: { mode: 'named', name: 'lookup' },
        lastTurn: { kind: 'tool-results', results: [{ toolName: 'get_weather', result: '21C' }] },
      }),
    );

    expect(sut).toMatchObject({ kind: 'tool-call', toolName: 'lookup', toolArguments: {} });
  });

  it('answers a tool result with text that mentions it', () => {
    const sut = planAnswer(
      conversation({ tools: [weatherTool], lastTurn: { kind: 'tool-results', results: [{ toolName: 'get_weather', result: '{"temp":21}' }] } }),
    );

    expect(sut).toMatchObject({ kind: 'text', text: 'Tool get_weather returned: {"temp":21}', finish: 'complete' });
  });

  it('answers with text when tool choice is none', () => {
    const sut = planAnswer(conversation({ tools: [weatherTool], toolChoice: { mode: 'none' } }));

    expect(sut.kind).toBe('text');
  });
});
