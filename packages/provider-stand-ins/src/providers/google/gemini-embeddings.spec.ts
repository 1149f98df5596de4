import { ApiError, GoogleGenAI } from '@google/genai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_STAND_IN_KEYS } from '../../default-keys.js';
import { startStandIns, type StandIns } from '../../stand-ins.js';

const VALID_KEY = DEFAULT_STAND_IN_KEYS.google[0] as string;

describe('Gemini stand-in: embeddings through the official SDK', () => {
  let sut: StandIns;
  let client: GoogleGenAI;

  beforeAll(async () => {
    sut = await startStandIns();
    client = new GoogleGenAI({ apiKey: VALID_KEY, httpOptions: { baseUrl: sut.baseUrls.google } });
  });
  afterAll(() => sut.close());
  beforeEach(() => sut.reset());

  it('answers batchEmbedContents with one unit vector per text, in order, shortened by outputDimensionality', async () => {
    const full = await client.models.embedContent({ model: 'gemini-embedding-001', contents: ['alpha', 'beta'] });
    const short = await client.models.embedContent({ model: 'gemini-embedding-001', contents: ['alpha'], config: { outputDimensionality: 8, taskType: 'RETRIEVAL_DOCUMENT' } });

    expect(sut.requests[0]).toMatchObject({ path: '/google/v1beta/models/gemini-embedding-001:batchEmbedContents', model: 'gemini-embedding-001' });
    expect(sut.requests[1]!.body).toMatchObject({ requests: [{ model: 'models/gemini-embedding-001', content: { parts: [{ text: 'alpha' }] }, taskType: 'RETRIEVAL_DOCUMENT', outputDimensionality: 8 }] });
    expect(full.embeddings?.map((embedding) => embedding.values?.length)).toEqual([3072, 3072]);
    expect(full.embeddings?.[0]?.values).not.toEqual(full.embeddings?.[1]?.values);
    expect(short.embeddings?.[0]?.values).toHaveLength(8);
    expect(Math.hypot(...(short.embeddings?.[0]?.values ?? []))).toBeCloseTo(1, 5);
  });

  it('refuses a batch over 100, a bad task type, a chat model and an unknown model', async () => {
    const tooMany = await client.models.embedContent({ model: 'text-embedding-004', contents: Array.from({ length: 101 }, (_item, index) => `t${index}`) }).catch((caught: unknown) => caught);
    const badTask = await client.models.embedContent({ model: 'text-embedding-004', contents: ['x'], config: { taskType: 'POETRY' } }).catch((caught: unknown) => caught);
    const chat = await client.models.embedContent({ model: 'gemini-2.0-flash', contents: ['x'] }).catch((caught: unknown) => caught);

    expect(tooMany).toBeInstanceOf(ApiError);
    expect(tooMany).toMatchObject({ status: 400, message: expect.stringContaining('at most 100 requests') });
    expect(badTask).toMatchObject({ status: 400 });
    expect(chat).toMatchObject({ status: 404 });
  });
});
