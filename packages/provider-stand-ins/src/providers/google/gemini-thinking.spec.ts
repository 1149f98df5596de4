import { GoogleGenAI, ThinkingLevel, Type, type Content, type FunctionDeclaration } from '@google/genai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_STAND_IN_KEYS } from '../../default-keys.js';
import { startStandIns, type StandIns } from '../../stand-ins.js';

const weatherFunction: FunctionDeclaration = {
  name: 'get_weather',
  parameters: { type: Type.OBJECT, properties: { place: { type: Type.STRING } }, required: ['place'] },
};
const tools = [{ functionDeclarations: [weatherFunction] }];

describe('gemini stand-in with thinking, through the official SDK', () => {
  let sut: StandIns;
  let client: GoogleGenAI;

  beforeAll(async () => {
    sut = await startStandIns({ streamChunks: 3 });
    client = new GoogleGenAI({ apiKey: DEFAULT_STAND_IN_KEYS.google[0] as string, httpOptions: { baseUrl: sut.baseUrls.google } });
  });
  afterAll(() => sut.close());
  beforeEach(() => sut.reset());

  async function firstTurn(model: string): Promise<{ question: Content; modelTurn: Content }> {
    const question: Content = { role: 'user', parts: [{ text: 'Weather in Rome?' }] };
    const response = await client.models.generateContent({
      model,
      contents: [question],
      config: { tools, thinkingConfig: { includeThoughts: true, thinkingLevel: ThinkingLevel.LOW } },
    });
    return { question, modelTurn: response.candidates?.[0]?.content ?? {} };
  }

  it('returns a thought summary and a signed function call, and accepts the signature back on Gemini 3', async () => {
    const { question, modelTurn } = await firstTurn('gemini-3-pro-preview');

    expect(modelTurn.parts?.[0]).toMatchObject({ thought: true, text: expect.stringContaining('Weather in Rome?') });
    expect(modelTurn.parts?.[1]).toMatchObject({ functionCall: { name: 'get_weather' }, thoughtSignature: expect.any(String) });
    const answer = await client.models.generateContent({
      model: 'gemini-3-pro-preview',
      contents: [question, modelTurn, { role: 'user', parts: [{ functionResponse: { name: 'get_weather', response: { temp: 20 } } }] }],
      config: { tools },
    });
    expect(answer.text).toBe('Tool get_weather returned: {"temp":20}');
  });

  it('rejects a Gemini 3 history whose function call lost its signature, or carries a forged one, and accepts the documented dummy', async () => {
    const { question, modelTurn } = await firstTurn('gemini-3-pro-preview');
    const call = modelTurn.parts?.find((part) => part.functionCall);
    const send = (thoughtSignature?: string) =>
      client.models.generateContent({
        model: 'gemini-3-pro-preview',
        contents: [
          question,
          { role: 'model', parts: [{ functionCall: call?.functionCall, ...(thoughtSignature ? { thoughtSignature } : {}) }] },
          { role: 'user', parts: [{ functionResponse: { name: 'get_weather', response: { temp: 20 } } }] },
        ],
        config: { tools },
      });

    await expect(send()).rejects.toMatchObject({ status: 400, message: expect.stringContaining('missing a thought_signature') });
    await expect(send('Zm9yZ2Vk')).rejects.toMatchObject({ status: 400, message: expect.stringContaining('Corrupted thought signature') });
    await expect(send('skip_thought_signature_validator')).resolves.toBeDefined();
  });

  it('does not require signatures from Gemini 2.5, and rejects a budget and a level together', async () => {
    const response = await client.models.generateContent({
      model: 'gemini-2.5-flash',
      contents: [
        { role: 'user', parts: [{ text: 'Weather?' }] },
        { role: 'model', parts: [{ functionCall: { name: 'get_weather', args: { place: 'Rome' } } }] },
        { role: 'user', parts: [{ functionResponse: { name: 'get_weather', response: { temp: 20 } } }] },
      ],
      config: { tools },
    });
    expect(response.text).toContain('get_weather');

    await expect(
      client.models.generateContent({ model: 'gemini-2.5-flash', contents: 'hi', config: { thinkingConfig: { thinkingBudget: 100, thinkingLevel: ThinkingLevel.LOW } } }),
    ).rejects.toMatchObject({ status: 400 });
  });

  it('streams the thought summary before the answer', async () => {
    const stream = await client.models.generateContentStream({
      model: 'gemini-2.5-flash',
      contents: 'Hello there',
      config: { thinkingConfig: { includeThoughts: true, thinkingBudget: 1024 } },
    });
    const parts = [];
    for await (const chunk of stream) parts.push(...(chunk.candidates?.[0]?.content?.parts ?? []));

    expect(parts[0]).toMatchObject({ thought: true });
    expect(parts.filter((part) => !part.thought).map((part) => part.text).join('')).toBe('Echo: Hello there');
  });
});
