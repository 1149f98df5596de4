import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveModel } from '../src/providers/resolve-model.js';
import { startGatewayWithStandIns, userWithApiKey, USER_KEYS, type Harness } from './support/gateway-with-stand-ins.js';
import { DATABASE_KIND } from './support/test-app.js';

/** The metric sample of one series in a Prometheus text exposition. */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((candidate) => candidate.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe(`POST /v1/embeddings through the official openai SDK (${DATABASE_KIND})`, () => {
  let harness: Harness;
  let openai: OpenAI;

  beforeAll(async () => {
    harness = await startGatewayWithStandIns();
    ({ openai } = await userWithApiKey(harness));
  });
  afterAll(async () => {
    await harness?.close();
  });

  describe.each([
    ['openai', 'text-embedding-3-small', 1536],
    ['google', 'gemini-embedding-001', 3072],
    ['google', 'google/text-embedding-004', 768],
  ] as const)('%s (%s)', (provider, model, length) => {
    it('embeds a string and a list with usage; the SDK\'s default base64 decodes to the same floats as encoding_format "float"', async () => {
      const { data: decoded, response } = await openai.embeddings.create({ model, input: ['first text', 'second text here'] }).withResponse();
      const floats = await openai.embeddings.create({ model, input: ['first text', 'second text here'], encoding_format: 'float' });
      const single = await openai.embeddings.create({ model, input: 'first text', encoding_format: 'float' });

      expect(response.headers.get('x-uniroute-provider')).toBe(provider);
      expect(response.headers.get('x-uniroute-key-source')).toBe('server');
      expect(floats.object).toBe('list');
      expect(floats.data.map((item) => [item.object, item.index, item.embedding.length])).toEqual([
        ['embedding', 0, length],
        ['embedding', 1, length],
      ]);
      expect(floats.usage.prompt_tokens).toBeGreaterThan(0);
      expect(floats.usage.total_tokens).toBe(floats.usage.prompt_tokens);
      expect(typeof decoded.data[0]!.embedding[0]).toBe('number');
      expect(decoded.data.map((item) => item.embedding)).toEqual(floats.data.map((item) => item.embedding));
      expect(single.data[0]!.embedding).toEqual(floats.data[0]!.embedding);
      expect(floats.data[0]!.embedding).not.toEqual(floats.data[1]!.embedding);
    });

    it('shortens vectors to `dimensions`', async () => {
      const short = await openai.embeddings.create({ model, input: 'shorter please', dimensions: 64 });
      expect(short.data[0]!.embedding).toHaveLength(64);
      expect(Math.hypot(...short.data[0]!.embedding)).toBeCloseTo(1, 4);
    });
  });

  it('relays OpenAI as it came and translates Gemini to batchEmbedContents (dimensions → outputDimensionality, task_type → taskType)', async () => {
    harness.standIns.reset();
    await openai.embeddings.create({ model: 'openai/text-embedding-3-small', input: 'a', dimensions: 8, user: 'end-user-1' });
    await openai.embeddings.create({ model: 'gemini-embedding-001', input: ['a', 'b'], dimensions: 8, task_type: 'RETRIEVAL_QUERY' } as OpenAI.EmbeddingCreateParams);
    const [openaiRequest, googleRequest] = harness.standIns.requests;

    expect(openaiRequest).toMatchObject({ provider: 'openai', path: '/openai/v1/embeddings', body: { model: 'text-embedding-3-small', input: 'a', dimensions: 8, user: 'end-user-1', encoding_format: 'base64' } });
    expect(googleRequest).toMatchObject({ provider: 'google', path: '/google/v1beta/models/gemini-embedding-001:batchEmbedContents' });
    expect(googleRequest!.body).toEqual({
      requests: [
        { model: 'models/gemini-embedding-001', content: { parts: [{ text: 'a' }] }, taskType: 'RETRIEVAL_QUERY', outputDimensionality: 8 },
        { model: 'models/gemini-embedding-001', content: { parts: [{ text: 'b' }] }, taskType: 'RETRIEVAL_QUERY', outputDimensionality: 8 },
      ],
    });
  });

  it('splits more than 100 Gemini inputs into batches and keeps their order', async () => {
    harness.standIns.reset();
    const input = Array.from({ length: 230 }, (_item, index) => `text number ${index}`);
    const all = await openai.embeddings.create({ model: 'gemini-embedding-001', input, dimensions: 4, encoding_format: 'float' });
    const last = await openai.embeddings.create({ model: 'gemini-embedding-001', input: input[229]!, dimensions: 4, encoding_format: 'float' });

    expect(all.data).toHaveLength(230);
    expect(all.data.map((item) => item.index)).toEqual(input.map((_item, index) => index));
    expect(all.data[229]!.embedding).toEqual(last.data[0]!.embedding);
    expect(harness.standIns.requests.slice(0, 3).map((request) => (request.body as { requests: unknown[] }).requests.length).sort()).toEqual([100, 100, 30]);
  });

  it('answers Anthropic models with a 400 naming the models that can embed, before any upstream call', async () => {
    harness.standIns.reset();
    const error = await openai.embeddings.create({ model: 'claude-3-5-haiku-latest', input: 'x' }).catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    expect((error as InstanceType<typeof OpenAI.BadRequestError>).param).toBe('model');
    expect((error as Error).message).toMatch(/Anthropic has no embeddings API/);
    expect((error as Error).message).toMatch(/text-embedding-3-small/);
    expect((error as Error).message).toMatch(/gemini-embedding-001/);
    expect(harness.standIns.requests).toHaveLength(0);
  });

  it.each([
    [{ input: 'x' }, 'model'],
    [{ model: 'text-embedding-3-small' }, 'input'],
    [{ model: 'text-embedding-3-small', input: '' }, 'input'],
    [{ model: 'text-embedding-3-small', input: ['ok', ''] }, 'input'],
    [{ model: 'text-embedding-3-small', input: [] }, 'input'],
    [{ model: 'text-embedding-3-small', input: Array.from({ length: 2049 }, () => 'x') }, 'input'],
    [{ model: 'text-embedding-3-small', input: 'x', encoding_format: 'int8' }, 'encoding_format'],
    [{ model: 'text-embedding-3-small', input: 'x', dimensions: -1 }, 'dimensions'],
    [{ model: 'text-embedding-3-small', input: 'x', task_type: 'RETRIEVAL_QUERY' }, 'task_type'],
    [{ model: 'gemini-embedding-001', input: 'x', task_type: 'POETRY' }, 'task_type'],
    [{ model: 'gemini-embedding-001', input: [1, 2, 3] }, 'input'],
    [{ model: 'llama-embed', input: 'x' }, 'model'],
  ].map(([body, param]) => [JSON.stringify(body).slice(0, 90), body, param] as const))('rejects %s with a 400 naming %s', async (_label, body, param) => {
    const apiKey = (openai as unknown as { apiKey: string }).apiKey;
    const response = await harness.client.post('/v1/embeddings', body, apiKey);
    expect(response.status).toBe(400);
    expect(response.body.error).toMatchObject({ type: 'invalid_request_error', param });
  });

  it('lists the embedding models in /v1/models, each usable as a model id', async () => {
    const models = await openai.models.list();
    const ids = models.data.map((model) => model.id);
    expect(ids).toEqual(expect.arrayContaining(['text-embedding-3-small', 'text-embedding-3-large', 'gemini-embedding-001', 'google/text-embedding-004']));
    for (const model of models.data) expect(resolveModel(model.id).provider).toBe(model.owned_by);
  });

  it('counts embeddings in /metrics by endpoint, provider, model, key source and status', async () => {
    await openai.embeddings.create({ model: 'text-embedding-3-large', input: 'count me' });
    const text = (await harness.client.get('/metrics')).text;
    expect(sample(text, 'uniroute_endpoint_requests_total{endpoint="embeddings",provider="openai",model="text-embedding-3-large",key_source="server",status="200"}')).toBe(1);
    expect(sample(text, 'uniroute_endpoint_requests_total{endpoint="embeddings",provider="anthropic",model="none",key_source="none",status="400"}')).toBeGreaterThanOrEqual(1);
    expect(sample(text, 'uniroute_endpoint_request_duration_seconds_count{endpoint="embeddings",stream="false"}')).toBeGreaterThan(1);
  });
});

describe(`embeddings with the caller's own key, and with none (${DATABASE_KIND})`, () => {
  let harness: Harness;

  beforeAll(async () => {
    harness = await startGatewayWithStandIns({ serverKeys: false });
  });
  afterAll(async () => {
    await harness?.close();
  });

  it('uses the user key for each provider and answers 401 naming the provider when there is none', async () => {
    const user = await userWithApiKey(harness);
    const missing = await user.openai.embeddings.create({ model: 'gemini-embedding-001', input: 'x' }).catch((caught: unknown) => caught);
    expect(missing).toBeInstanceOf(OpenAI.AuthenticationError);
    expect((missing as Error).message).toMatch(/Google Gemini/);
    expect((missing as Error).message).toMatch(/\/settings\/provider-keys/);

    for (const [provider, apiKey] of Object.entries(USER_KEYS)) await harness.client.post('/admin/provider-keys', { provider, apiKey }, user.token);
    harness.standIns.reset();
    const { response: openaiResponse } = await user.openai.embeddings.create({ model: 'text-embedding-3-small', input: 'x' }).withResponse();
    const { response: googleResponse } = await user.openai.embeddings.create({ model: 'gemini-embedding-001', input: 'x' }).withResponse();

    expect(openaiResponse.headers.get('x-uniroute-key-source')).toBe('user');
    expect(googleResponse.headers.get('x-uniroute-key-source')).toBe('user');
    expect(harness.standIns.keysSeen('openai')).toEqual([USER_KEYS.openai]);
    expect(harness.standIns.keysSeen('google')).toEqual([USER_KEYS.google]);
  });
});

describe(`embeddings upstream failures keep their status in OpenAI's shape (${DATABASE_KIND})`, () => {
  let harness: Harness;
  let openai: OpenAI;

  beforeAll(async () => {
    harness = await startGatewayWithStandIns({ env: { UPSTREAM_TIMEOUT_MS: '1500' } });
    ({ openai } = await userWithApiKey(harness));
  });
  afterAll(async () => {
    await harness?.close();
  });

  it.each([
    ['openai', 'text-embedding-3-small', 429, OpenAI.RateLimitError],
    ['google', 'gemini-embedding-001', 429, OpenAI.RateLimitError],
    ['openai', 'text-embedding-3-small', 500, OpenAI.InternalServerError],
    ['google', 'gemini-embedding-001', 503, OpenAI.InternalServerError],
  ] as const)('%s %s → %i', async (provider, model, status, errorClass) => {
    harness.standIns.inject({ provider, status });
    const error = await openai.embeddings.create({ model, input: 'x' }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(errorClass);
    expect((error as InstanceType<typeof OpenAI.APIError>).status).toBe(status);
  });

  it('passes the provider\'s own 4xx on: an unknown OpenAI model is a 404, a too-long Gemini dimension a 400', async () => {
    const unknown = await openai.embeddings.create({ model: 'text-embedding-9', input: 'x' }).catch((caught: unknown) => caught);
    const tooLong = await openai.embeddings.create({ model: 'google/text-embedding-004', input: 'x', dimensions: 4096 }).catch((caught: unknown) => caught);
    expect(unknown).toBeInstanceOf(OpenAI.NotFoundError);
    expect(tooLong).toBeInstanceOf(OpenAI.BadRequestError);
    expect((tooLong as Error).message).toMatch(/Google Gemini error/);
  });

  it('keeps 401 when the provider rejects the server key, naming whose key it was and masking it', async () => {
    harness.standIns.setKeys('openai', []);
    try {
      const error = await openai.embeddings.create({ model: 'text-embedding-3-small', input: 'x' }).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(OpenAI.AuthenticationError);
      expect((error as Error).message).toMatch(/server/i);
      expect((error as Error).message).not.toContain('sk-stand-in-openai-demo-key-oa01');
    } finally {
      harness.standIns.setKeys('openai', ['sk-stand-in-openai-demo-key-oa01', 'sk-stand-in-openai-demo-key-oa02']);
    }
  });

  it('answers 504 when the upstream does not answer in time, 502 when it drops the connection', async () => {
    harness.standIns.inject({ provider: 'google', hang: true });
    const timeout = await openai.embeddings.create({ model: 'gemini-embedding-001', input: 'x' }).catch((caught: unknown) => caught);
    harness.standIns.inject({ provider: 'openai', destroy: true });
    const dropped = await openai.embeddings.create({ model: 'text-embedding-3-small', input: 'x' }).catch((caught: unknown) => caught);
    expect((timeout as InstanceType<typeof OpenAI.APIError>).status).toBe(504);
    expect((dropped as InstanceType<typeof OpenAI.APIError>).status).toBe(502);
  });

  it('aborts the upstream request when the client goes away', async () => {
    const { apiKey } = await userWithApiKey(harness);
    for (const [provider, model] of [['openai', 'text-embedding-3-small'], ['google', 'gemini-embedding-001']] as const) {
      const before = harness.standIns.aborted;
      harness.standIns.inject({ provider, delayMs: 1000 });
      const controller = new AbortController();
      const pending = fetch(`${harness.app.url}/v1/embeddings`, {
        method: 'POST',
        headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
        body: JSON.stringify({ model, input: 'x' }),
        signal: controller.signal,
      }).catch((caught: unknown) => caught);
      await new Promise((resolve) => setTimeout(resolve, 200));
      controller.abort();
      await pending;
      await harness.standIns.whenAborted(before + 1, 5_000);
      expect(harness.standIns.aborted).toBe(before + 1);
    }
  });
});

describe(`Gemini embedding batches on the server key count against SERVER_KEY_RPM (${DATABASE_KIND})`, () => {
  let harness: Harness;

  beforeAll(async () => {
    harness = await startGatewayWithStandIns({ env: { SERVER_KEY_RPM: '3' } });
  });
  afterAll(async () => {
    await harness?.close();
  });

  it('counts every batchEmbedContents call, refuses a request over the ration with 429 before any call, and leaves the user key unrationed', async () => {
    const user = await userWithApiKey(harness);
    const input = (count: number) => Array.from({ length: count }, (_item, index) => `text ${index}`);
    harness.standIns.reset();
    // 201 inputs = 3 batches = 3 calls: the whole ration of this minute.
    const fits = await user.openai.embeddings.create({ model: 'gemini-embedding-001', input: input(201), dimensions: 4, encoding_format: 'float' });
    expect(fits.data).toHaveLength(201);
    expect(harness.standIns.requests).toHaveLength(3);

    const over = await harness.client.post('/v1/embeddings', { model: 'gemini-embedding-001', input: input(150), dimensions: 4 }, user.apiKey);
    expect(over.status).toBe(429);
    expect(over.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(harness.standIns.requests).toHaveLength(3);

    // A fresh user: two batches fit their ration; 2,048 inputs (21 batches) do not, and cost the operator no call.
    const other = await userWithApiKey(harness);
    harness.standIns.reset();
    const big = await harness.client.post('/v1/embeddings', { model: 'gemini-embedding-001', input: input(2048), dimensions: 4 }, other.apiKey);
    expect(big.status).toBe(429);
    expect(harness.standIns.requests).toHaveLength(0);

    // The user's own key is not the operator's to ration.
    await harness.client.post('/admin/provider-keys', { provider: 'google', apiKey: USER_KEYS.google }, user.token);
    const own = await harness.client.post('/v1/embeddings', { model: 'gemini-embedding-001', input: input(2048), dimensions: 4 }, user.apiKey);
    expect(own.status).toBe(200);
    expect(own.headers.get('x-uniroute-key-source')).toBe('user');
  });
});
