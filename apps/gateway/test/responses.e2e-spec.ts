import OpenAI from 'openai';
import type { ResponseStreamEvent } from 'openai/resources/responses/responses';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGatewayWithStandIns, userWithApiKey, USER_KEYS, type Harness } from './support/gateway-with-stand-ins.js';
import { DATABASE_KIND } from './support/test-app.js';

async function collect(stream: AsyncIterable<ResponseStreamEvent>): Promise<ResponseStreamEvent[]> {
  const events: ResponseStreamEvent[] = [];
  for await (const event of stream) events.push(event);
  return events;
}

function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((candidate) => candidate.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe(`/v1/responses through the official openai SDK (${DATABASE_KIND})`, () => {
  let harness: Harness;
  let openai: OpenAI;
  let apiKey: string;

  beforeAll(async () => {
    harness = await startGatewayWithStandIns({ standIns: { streamChunks: 3 } });
    ({ openai, apiKey } = await userWithApiKey(harness));
  });
  afterAll(async () => {
    await harness?.close();
  });

  it('creates, retrieves and deletes a response with the server key', async () => {
    const { data: created, response } = await openai.responses.create({ model: 'gpt-4o-mini', input: 'Hello there', instructions: 'Be brief.' }).withResponse();

    expect(response.headers.get('x-uniroute-provider')).toBe('openai');
    expect(response.headers.get('x-uniroute-key-source')).toBe('server');
    expect(created).toMatchObject({ object: 'response', status: 'completed', model: 'gpt-4o-mini-2024-07-18' });
    expect(created.output_text).toBe('Echo: Hello there');
    expect(created.usage!.total_tokens).toBe(created.usage!.input_tokens + created.usage!.output_tokens);
    expect(await openai.responses.retrieve(created.id)).toMatchObject({ id: created.id, output_text: 'Echo: Hello there' });
    expect(await openai.responses.delete(created.id)).toMatchObject({ id: created.id, deleted: true });
    await expect(openai.responses.retrieve(created.id)).rejects.toBeInstanceOf(OpenAI.NotFoundError);
  });

  it('streams every event OpenAI sent, in order, as OpenAI sent them', async () => {
    const direct = new OpenAI({ apiKey: USER_KEYS.openai, baseURL: harness.standIns.baseUrls.openai, maxRetries: 0 });
    const viaGateway = await collect(await openai.responses.create({ model: 'gpt-4o-mini', input: 'Stream me please', stream: true }));
    const straight = await collect(await direct.responses.create({ model: 'gpt-4o-mini', input: 'Stream me please', stream: true }));

    expect(viaGateway.map((event) => event.type)).toEqual(straight.map((event) => event.type));
    expect(viaGateway.map((event) => event.type)).toEqual(expect.arrayContaining(['response.created', 'response.in_progress', 'response.output_text.delta', 'response.output_text.done', 'response.completed']));
    expect(viaGateway.map((event) => event.sequence_number)).toEqual(viaGateway.map((_event, index) => index));
    expect(viaGateway.flatMap((event) => (event.type === 'response.output_text.delta' ? [event.delta] : [])).join('')).toBe('Echo: Stream me please');
    const completed = viaGateway.at(-1);
    expect(completed?.type === 'response.completed' && completed.response.output[0]).toMatchObject({ type: 'message', content: [{ type: 'output_text', text: 'Echo: Stream me please' }] });
  });

  it('replays a stored response as a stream with GET ?stream=true, passing starting_after through', async () => {
    const created = await openai.responses.create({ model: 'gpt-4o-mini', input: 'Replay me' });
    const replay = await collect(await openai.responses.retrieve(created.id, { stream: true, starting_after: 3 }));
    expect(replay[0]!.sequence_number).toBe(4);
    expect(replay.at(-1)!.type).toBe('response.completed');
  });

  it('calls tools and continues with previous_response_id, streaming the arguments', async () => {
    const tools: OpenAI.Responses.FunctionTool[] = [{ type: 'function', name: 'get_weather', strict: false, parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } }];
    const first = await openai.responses.create({ model: 'gpt-4o', input: 'Weather in Paris?', tools, tool_choice: 'required' });
    const call = first.output[0]!;
    if (call.type !== 'function_call') throw new Error(`expected a function call, got ${call.type}`);
    const second = await openai.responses.create({ model: 'gpt-4o', previous_response_id: first.id, tools, input: [{ type: 'function_call_output', call_id: call.call_id, output: '{"temperature":21}' }] });
    const streamed = await collect(await openai.responses.create({ model: 'gpt-4o', input: 'Weather in Paris?', tools, tool_choice: 'required', stream: true }));

    expect(second.output_text).toContain('21');
    expect(streamed.map((event) => event.type)).toContain('response.function_call_arguments.delta');
    const done = streamed.find((event) => event.type === 'response.function_call_arguments.done');
    expect(done?.type === 'response.function_call_arguments.done' && JSON.parse(done.arguments)).toEqual(JSON.parse(call.arguments));
  });

  it('strips an openai/ prefix and refuses other providers\' models with a 400 before any upstream call', async () => {
    harness.standIns.reset();
    await openai.responses.create({ model: 'openai/gpt-4o-mini', input: 'hi' });
    expect(harness.standIns.requests[0]).toMatchObject({ path: '/openai/v1/responses', model: 'gpt-4o-mini' });

    for (const model of ['claude-3-5-haiku-latest', 'gemini-2.0-flash', 'google/gemini-2.5-pro']) {
      const error = await openai.responses.create({ model, input: 'hi' }).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(OpenAI.BadRequestError);
      expect((error as InstanceType<typeof OpenAI.BadRequestError>).param).toBe('model');
      expect((error as Error).message).toMatch(/\/v1\/chat\/completions/);
    }
    expect(harness.standIns.requests).toHaveLength(1);
  });

  it.each([
    ['a body that is not an object', '[1,2]', undefined],
    ['a model that is not a string', '{"model":5,"input":"hi"}', 'model'],
    ['an unknown model', '{"model":"llama-3","input":"hi"}', 'model'],
    ['stream that is not a boolean', '{"model":"gpt-4o-mini","input":"hi","stream":"yes"}', 'stream'],
  ])('rejects %s with a 400', async (_label, rawBody, param) => {
    const response = await harness.client.call('POST', '/v1/responses', { rawBody, token: apiKey });
    expect(response.status).toBe(400);
    expect(response.body.error.type).toBe('invalid_request_error');
    if (param) expect(response.body.error.param).toBe(param);
  });

  it('refuses response ids that could leave their path segment', async () => {
    for (const id of ['..%2Fmodels', 'resp_1%3Fx%3D1', 'a%20b']) {
      const response = await harness.client.get(`/v1/responses/${id}`, apiKey);
      expect(response.status).toBe(400);
      expect(response.body.error.param).toBe('response_id');
    }
  });

  it('documents /v1/embeddings and /v1/responses in /docs under the API key', async () => {
    const document = (await harness.client.get('/docs/json')).body;
    const operations = [
      document.paths['/v1/embeddings']?.post,
      document.paths['/v1/responses']?.post,
      document.paths['/v1/responses/{responseId}']?.get,
      document.paths['/v1/responses/{responseId}']?.delete,
    ];
    for (const operation of operations) {
      expect(operation?.security).toEqual([{ 'api-key': [] }]);
      expect(operation?.responses['200'].content['application/json']).toBeDefined();
    }
    expect(document.paths['/v1/responses'].post.responses['200'].content['text/event-stream']).toBeDefined();
  });

  it('counts responses in /metrics', async () => {
    const text = (await harness.client.get('/metrics')).text;
    expect(sample(text, 'uniroute_endpoint_requests_total{endpoint="responses",provider="openai",model="gpt-4o-mini",key_source="server",status="200"}')).toBeGreaterThan(2);
    expect(sample(text, 'uniroute_endpoint_request_duration_seconds_count{endpoint="responses",stream="true"}')).toBeGreaterThan(0);
  });
});

describe(`/v1/responses with the shared server key: only the owner reaches a response (${DATABASE_KIND})`, () => {
  let harness: Harness;

  beforeAll(async () => {
    harness = await startGatewayWithStandIns();
  });
  afterAll(async () => {
    await harness?.close();
  });

  it('hides, keeps and refuses to continue another user\'s response, and replaces a forged owner tag', async () => {
    const alice = await userWithApiKey(harness);
    const mallory = await userWithApiKey(harness);
    const secret = await alice.openai.responses.create({ model: 'gpt-4o-mini', input: 'my secret plan', metadata: { project: 'x' } });
    expect(secret.metadata).toMatchObject({ project: 'x', uniroute_owner: alice.userId });

    await expect(mallory.openai.responses.retrieve(secret.id)).rejects.toBeInstanceOf(OpenAI.NotFoundError);
    await expect(mallory.openai.responses.retrieve(secret.id, { stream: true })).rejects.toBeInstanceOf(OpenAI.NotFoundError);
    await expect(mallory.openai.responses.delete(secret.id)).rejects.toBeInstanceOf(OpenAI.NotFoundError);
    const continued = await mallory.openai.responses.create({ model: 'gpt-4o-mini', input: 'what was the plan?', previous_response_id: secret.id }).catch((caught: unknown) => caught);
    expect(continued).toBeInstanceOf(OpenAI.NotFoundError);
    expect((continued as InstanceType<typeof OpenAI.NotFoundError>).param).toBe('previous_response_id');
    const forged = await mallory.openai.responses.create({ model: 'gpt-4o-mini', input: 'hi', metadata: { uniroute_owner: alice.userId } });
    expect(forged.metadata).toMatchObject({ uniroute_owner: mallory.userId });

    expect(await alice.openai.responses.retrieve(secret.id)).toMatchObject({ id: secret.id });
    const next = await alice.openai.responses.create({ model: 'gpt-4o-mini', input: 'and then?', previous_response_id: secret.id });
    expect(next.previous_response_id).toBe(secret.id);
    expect(await alice.openai.responses.delete(secret.id)).toMatchObject({ deleted: true });
  });

  it('refuses conversation objects and a 16th metadata pair with the server key, and not with the caller\'s own key', async () => {
    const user = await userWithApiKey(harness);
    const sixteen = Object.fromEntries(Array.from({ length: 16 }, (_item, index) => [`k${index}`, 'v']));
    const conversation = await user.openai.responses.create({ model: 'gpt-4o-mini', input: 'hi', conversation: 'conv_123' }).catch((caught: unknown) => caught);
    const metadata = await user.openai.responses.create({ model: 'gpt-4o-mini', input: 'hi', metadata: sixteen }).catch((caught: unknown) => caught);
    expect(conversation).toMatchObject({ status: 400, param: 'conversation' });
    expect(metadata).toMatchObject({ status: 400, param: 'metadata' });

    await harness.client.post('/admin/provider-keys', { provider: 'openai', apiKey: USER_KEYS.openai }, user.token);
    harness.standIns.reset();
    const own = await user.openai.responses.create({ model: 'gpt-4o-mini', input: 'hi', metadata: sixteen });
    expect(own.metadata).toEqual(sixteen);
    expect(harness.standIns.keysSeen('openai')).toEqual([USER_KEYS.openai]);
  });

  it('refuses item_reference inputs, file ids, vector stores and container ids with the server key before any upstream call, and not with the caller\'s own key', async () => {
    const user = await userWithApiKey(harness);
    const bodies: Array<[string, Record<string, unknown>]> = [
      ['input', { input: [{ type: 'item_reference', id: 'msg_someone_elses' }] }],
      ['file_id', { input: [{ role: 'user', content: [{ type: 'input_file', file_id: 'file-someone-elses' }] }] }],
      ['file_id', { input: [{ role: 'user', content: [{ type: 'input_image', file_id: 'file-someone-elses', detail: 'auto' }] }] }],
      ['vector_store_ids', { input: 'hi', tools: [{ type: 'file_search', vector_store_ids: ['vs_someone_elses'] }] }],
      ['file_ids', { input: 'hi', tools: [{ type: 'code_interpreter', container: { type: 'auto', file_ids: ['file-someone-elses'] } }] }],
      ['tools', { input: 'hi', tools: [{ type: 'code_interpreter', container: 'cntr_someone_elses' }] }],
    ];
    harness.standIns.reset();
    for (const [param, body] of bodies) {
      const refused = await harness.client.post('/v1/responses', { model: 'gpt-4o-mini', ...body }, user.apiKey);
      expect(refused.status).toBe(400);
      expect(refused.body).toMatchObject({ error: { type: 'invalid_request_error', param } });
      expect(refused.body.error.message).toMatch(/server's OpenAI key/);
    }
    expect(harness.standIns.requests).toHaveLength(0);

    await harness.client.post('/admin/provider-keys', { provider: 'openai', apiKey: USER_KEYS.openai }, user.token);
    const own = await harness.client.post('/v1/responses', { model: 'gpt-4o-mini', ...bodies[0]![1] }, user.apiKey);
    expect(own.status).not.toBe(400);
    expect(harness.standIns.keysSeen('openai')).toEqual([USER_KEYS.openai]);
  });
});

describe(`/v1/responses with the caller's own key, and with none (${DATABASE_KIND})`, () => {
  let harness: Harness;

  beforeAll(async () => {
    harness = await startGatewayWithStandIns({ serverKeys: false });
  });
  afterAll(async () => {
    await harness?.close();
  });

  it('answers 401 naming OpenAI without a key, and goes up with the user\'s key once added (JSON, stream, get, delete)', async () => {
    const user = await userWithApiKey(harness);
    const missing = await user.openai.responses.create({ model: 'gpt-4o-mini', input: 'hi' }).catch((caught: unknown) => caught);
    expect(missing).toBeInstanceOf(OpenAI.AuthenticationError);
    expect((missing as Error).message).toMatch(/OpenAI/);
    await expect(user.openai.responses.retrieve('resp_123')).rejects.toBeInstanceOf(OpenAI.AuthenticationError);

    await harness.client.post('/admin/provider-keys', { provider: 'openai', apiKey: USER_KEYS.openai }, user.token);
    harness.standIns.reset();
    const { data: created, response } = await user.openai.responses.create({ model: 'gpt-4o-mini', input: 'hi' }).withResponse();
    const streamed = await collect(await user.openai.responses.create({ model: 'gpt-4o-mini', input: 'hi', stream: true }));
    await user.openai.responses.retrieve(created.id);
    await user.openai.responses.delete(created.id);

    expect(response.headers.get('x-uniroute-key-source')).toBe('user');
    expect(created.metadata).toEqual({});
    expect(streamed.at(-1)!.type).toBe('response.completed');
    expect(harness.standIns.keysSeen('openai')).toEqual([USER_KEYS.openai, USER_KEYS.openai, USER_KEYS.openai, USER_KEYS.openai]);
  });
});

describe(`/v1/responses upstream failures (${DATABASE_KIND})`, () => {
  let harness: Harness;
  let openai: OpenAI;
  let apiKey: string;

  beforeAll(async () => {
    harness = await startGatewayWithStandIns({ env: { UPSTREAM_TIMEOUT_MS: '1500' } });
    ({ openai, apiKey } = await userWithApiKey(harness));
  });
  afterAll(async () => {
    await harness?.close();
  });

  it.each([
    [429, OpenAI.RateLimitError],
    [500, OpenAI.InternalServerError],
    [503, OpenAI.InternalServerError],
  ] as const)('keeps an upstream %i in OpenAI\'s shape', async (status, errorClass) => {
    harness.standIns.inject({ provider: 'openai', status });
    const error = await openai.responses.create({ model: 'gpt-4o-mini', input: 'hi' }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(errorClass);
    expect((error as InstanceType<typeof OpenAI.APIError>).status).toBe(status);
  });

  it('passes retry-after through on 429 and an unknown model\'s 404', async () => {
    harness.standIns.inject({ provider: 'openai', status: 429, headers: { 'retry-after': '17' } });
    const limited = await harness.client.post('/v1/responses', { model: 'gpt-4o-mini', input: 'hi' }, apiKey);
    const unknown = await openai.responses.create({ model: 'gpt-9', input: 'hi' }).catch((caught: unknown) => caught);
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('17');
    expect(limited.body.error.type).toBe('rate_limit_error');
    expect(unknown).toBeInstanceOf(OpenAI.NotFoundError);
  });

  it('passes OpenAI\'s own mid-stream error event through', async () => {
    harness.standIns.inject({ provider: 'openai', streamErrorAfterChunks: 3 });
    const upstreamFailure = await collect(await openai.responses.create({ model: 'gpt-4o-mini', input: 'hi', stream: true }));
    expect(upstreamFailure.at(-1)).toMatchObject({ type: 'error', code: 'server_error', sequence_number: 3 });
  });

  it('answers 504 when the upstream does not answer, 502 when it drops the connection', async () => {
    harness.standIns.inject({ provider: 'openai', hang: true });
    const timeout = await openai.responses.create({ model: 'gpt-4o-mini', input: 'hi' }).catch((caught: unknown) => caught);
    harness.standIns.inject({ provider: 'openai', destroy: true });
    const dropped = await openai.responses.create({ model: 'gpt-4o-mini', input: 'hi' }).catch((caught: unknown) => caught);
    expect((timeout as InstanceType<typeof OpenAI.APIError>).status).toBe(504);
    expect((dropped as InstanceType<typeof OpenAI.APIError>).status).toBe(502);
  });

  it('writes its own numbered error event when the upstream stalls mid-stream', async () => {
    harness.standIns.inject({ provider: 'openai', stallAfterChunks: 2 });
    const stalled = await collect(await openai.responses.create({ model: 'gpt-4o-mini', input: 'hi', stream: true }));
    expect(stalled).toHaveLength(3);
    expect(stalled.at(-1)).toMatchObject({ type: 'error', code: 'upstream_timeout', sequence_number: 2 });
  });

  it('aborts the upstream stream when the client disconnects mid-stream', async () => {
    const before = harness.standIns.aborted;
    harness.standIns.inject({ provider: 'openai', stallAfterChunks: 2 });
    const controller = new AbortController();
    const response = await fetch(`${harness.app.url}/v1/responses`, {
      method: 'POST',
      headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'gpt-4o-mini', input: 'a long answer please', stream: true }),
      signal: controller.signal,
    });
    const reader = response.body!.getReader();
    await reader.read();
    controller.abort();
    await harness.standIns.whenAborted(before + 1, 5_000);
    expect(harness.standIns.aborted).toBe(before + 1);
    const metrics = await harness.client.get('/metrics');
    expect(sample(metrics.text, 'uniroute_streams_active')).toBe(0);
    expect(sample(metrics.text, 'uniroute_endpoint_requests_total{endpoint="responses",provider="openai",model="gpt-4o-mini",key_source="server",status="499"}')).toBe(1);
  });
});
