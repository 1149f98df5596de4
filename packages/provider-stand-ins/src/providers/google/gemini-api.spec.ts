import { ApiError, FunctionCallingConfigMode, GoogleGenAI, Type, type FunctionDeclaration, type GenerateContentResponse } from '@google/genai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_STAND_IN_KEYS } from '../../default-keys.js';
import { startStandIns, type StandIns } from '../../stand-ins.js';
import { geminiApi } from './gemini-api.js';

const VALID_KEY = DEFAULT_STAND_IN_KEYS.google[0] as string;

const weatherFunction: FunctionDeclaration = {
  name: 'get_weather',
  parameters: { type: Type.OBJECT, properties: { place: { type: Type.STRING } }, required: ['place'] },
};

describe(`${geminiApi.provider} stand-in through the official SDK`, () => {
  let sut: StandIns;
  let client: GoogleGenAI;

  beforeAll(async () => {
    sut = await startStandIns({ streamChunks: 3 });
    client = new GoogleGenAI({ apiKey: VALID_KEY, httpOptions: { baseUrl: sut.baseUrls.google } });
  });
  afterAll(() => sut.close());
  beforeEach(() => sut.reset());

  it('answers generateContent with a model candidate, STOP, usage, modelVersion and responseId', async () => {
    const response = await client.models.generateContent({
      model: 'gemini-2.0-flash',
      contents: 'Hello Gemini',
      config: { systemInstruction: 'Be brief.' },
    });

    expect(response.text).toBe('Echo: Hello Gemini');
    expect(response.candidates?.[0]).toMatchObject({ content: { role: 'model', parts: [{ text: 'Echo: Hello Gemini' }] }, finishReason: 'STOP', index: 0 });
    expect(response.usageMetadata).toMatchObject({ promptTokenCount: 4, candidatesTokenCount: 3, totalTokenCount: 7 });
    expect(response.modelVersion).toBe('gemini-2.0-flash');
    expect(response.responseId).toMatch(/^[A-Za-z0-9]{23}$/);
    expect(sut.requests[0]).toMatchObject({ provider: 'google', path: '/google/v1beta/models/gemini-2.0-flash:generateContent', model: 'gemini-2.0-flash', stream: false });
  });

  it('streams partial candidates, the last with finishReason and full usage', async () => {
    const stream = await client.models.generateContentStream({ model: 'gemini-2.5-pro', contents: 'Stream it now' });
    const chunks: GenerateContentResponse[] = [];
    for await (const chunk of stream) chunks.push(chunk);

    expect(chunks).toHaveLength(3);
    expect(chunks.map((chunk) => chunk.text).join('')).toBe('Echo: Stream it now');
    expect(chunks[0]?.candidates?.[0]?.finishReason).toBeUndefined();
    expect(chunks[2]?.candidates?.[0]?.finishReason).toBe('STOP');
    expect(chunks[2]?.usageMetadata).toMatchObject({ promptTokenCount: 3, candidatesTokenCount: 4, totalTokenCount: 7 });
    expect(new Set(chunks.map((chunk) => chunk.responseId)).size).toBe(1);
    expect(sut.requests[0]?.path).toBe('/google/v1beta/models/gemini-2.5-pro:streamGenerateContent?alt=sse');
  });

  it('frames the SSE stream with CRLF and sends no [DONE]', async () => {
    const response = await fetch(`${sut.baseUrls.google}/v1beta/models/gemini-2.0-flash:streamGenerateContent?alt=sse`, {
      method: 'POST',
      headers: { 'x-goog-api-key': VALID_KEY, 'content-type': 'application/json' },
      body: JSON.stringify({ contents: [{ role: 'user', parts: [{ text: 'raw' }] }] }),
    });
    const text = await response.text();

    expect(response.headers.get('content-type')).toBe('text/event-stream');
    expect(text).toMatch(/^(data: \{[^\r\n]*\}\r\n\r\n)+$/);
    expect(text).not.toContain('[DONE]');
  });

  it('answers with a functionCall, then with text mentioning the functionResponse', async () => {
    const first = await client.models.generateContent({
      model: 'gemini-2.5-flash',
      contents: 'Weather in Kyoto?',
      config: { tools: [{ functionDeclarations: [weatherFunction] }] },
    });

    expect(first.functionCalls).toEqual([{ name: 'get_weather', args: { place: 'Weather in Kyoto?' } }]);
    expect(first.candidates?.[0]?.finishReason).toBe('STOP');

    const second = await client.models.generateContent({
      model: 'gemini-2.5-flash',
      contents: [
        { role: 'user', parts: [{ text: 'Weather in Kyoto?' }] },
        { role: 'model', parts: [{ functionCall: { name: 'get_weather', args: { place: 'Kyoto' } } }] },
        { role: 'user', parts: [{ functionResponse: { name: 'get_weather', response: { forecast: 'rain' } } }] },
      ],
      config: { tools: [{ functionDeclarations: [weatherFunction] }] },
    });

    expect(second.text).toBe('Tool get_weather returned: {"forecast":"rain"}');
  });

  it('streams a forced function call whole in one chunk', async () => {
    const stream = await client.models.generateContentStream({
      model: 'gemini-2.0-flash',
      contents: 'Osaka',
      config: {
        tools: [{ functionDeclarations: [weatherFunction, { name: 'other' }] }],
        toolConfig: { functionCallingConfig: { mode: FunctionCallingConfigMode.ANY, allowedFunctionNames: ['get_weather'] } },
      },
    });
    const chunks: GenerateContentResponse[] = [];
    for await (const chunk of stream) chunks.push(chunk);

    expect(chunks).toHaveLength(1);
    expect(chunks[0]?.functionCalls).toEqual([{ name: 'get_weather', args: { place: 'Osaka' } }]);
  });

  it('finishes with MAX_TOKENS at maxOutputTokens', async () => {
    const response = await client.models.generateContent({
      model: 'gemini-2.0-flash',
      contents: 'one two three',
      config: { maxOutputTokens: 2 },
    });

    expect(response.text).toBe('Echo: one');
    expect(response.candidates?.[0]?.finishReason).toBe('MAX_TOKENS');
    expect(response.usageMetadata?.candidatesTokenCount).toBe(2);
  });

  it('lists models with names, display names and supported methods', async () => {
    const pager = await client.models.list();
    const models = [];
    for await (const model of pager) models.push(model);

    expect(models.map((model) => model.name)).toEqual(expect.arrayContaining(['models/gemini-2.0-flash', 'models/gemini-2.5-pro']));
    expect(models.find((model) => model.name === 'models/gemini-2.0-flash')).toMatchObject({
      displayName: 'Gemini 2.0 Flash',
      supportedActions: expect.arrayContaining(['generateContent']),
    });
  });

  it('rejects a wrong key with 400 API_KEY_INVALID', async () => {
    const wrongClient = new GoogleGenAI({ apiKey: 'AIzaSy-wrong-key-zz99', httpOptions: { baseUrl: sut.baseUrls.google } });

    const error = await wrongClient.models.generateContent({ model: 'gemini-2.0-flash', contents: 'hi' }).catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).status).toBe(400);
    const body = JSON.parse((error as ApiError).message) as { error: { code: number; status: string; message: string; details: { reason?: string }[] } };
    expect(body.error).toMatchObject({ code: 400, status: 'INVALID_ARGUMENT', message: 'API key not valid. Please pass a valid API key.' });
    expect(body.error.details[0]).toMatchObject({ '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason: 'API_KEY_INVALID' });
  });

  it('rejects a missing key with 403 PERMISSION_DENIED and accepts the key as ?key=', async () => {
    const url = `${sut.baseUrls.google}/v1beta/models/gemini-2.0-flash:generateContent`;
    const body = JSON.stringify({ contents: [{ parts: [{ text: 'key in url' }] }] });
    const noKey = await fetch(url, { method: 'POST', body });
    const queryKey = await fetch(`${url}?key=${VALID_KEY}`, { method: 'POST', body });

    expect(noKey.status).toBe(403);
    expect(await noKey.json()).toMatchObject({ error: { code: 403, status: 'PERMISSION_DENIED' } });
    expect(queryKey.status).toBe(200);
    expect(sut.keysSeen('google')).toEqual([VALID_KEY]);
    expect(sut.requests[1]?.path).toBe('/google/v1beta/models/gemini-2.0-flash:generateContent');
  });

  it('answers an unknown model with 404 NOT_FOUND and missing contents with 400', async () => {
    const unknownModel = await client.models.generateContent({ model: 'gemini-0', contents: 'hi' }).catch((caught: unknown) => caught);
    const missingContents = await fetch(`${sut.baseUrls.google}/v1beta/models/gemini-2.0-flash:generateContent`, {
      method: 'POST',
      headers: { 'x-goog-api-key': VALID_KEY },
      body: '{}',
    });

    expect(unknownModel).toBeInstanceOf(ApiError);
    expect((unknownModel as ApiError).status).toBe(404);
    expect((unknownModel as ApiError).message).toContain('models/gemini-0 is not found for API version v1beta, or is not supported for generateContent.');
    expect(missingContents.status).toBe(400);
    expect(await missingContents.json()).toMatchObject({ error: { status: 'INVALID_ARGUMENT', message: '* GenerateContentRequest.contents: contents is not specified\n' } });
  });

  it('answers an injected 429 with RESOURCE_EXHAUSTED and a RetryInfo detail', async () => {
    sut.inject({ provider: 'google', status: 429 });

    const error = await client.models.generateContent({ model: 'gemini-2.0-flash', contents: 'hi' }).catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).status).toBe(429);
    expect((error as ApiError).message).toContain('"status":"RESOURCE_EXHAUSTED"');
    expect((error as ApiError).message).toContain('"retryDelay":"1s"');
  });

  it('breaks a stream with an error chunk the SDK raises', async () => {
    sut.inject({ provider: 'google', streamErrorAfterChunks: 1 });
    const stream = await client.models.generateContentStream({ model: 'gemini-2.0-flash', contents: 'break please' });
    const texts: string[] = [];

    const error = await (async () => {
      for await (const chunk of stream) texts.push(chunk.text ?? '');
    })().catch((caught: unknown) => caught);

    expect(texts).toHaveLength(1);
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).status).toBe(500);
  });
});
