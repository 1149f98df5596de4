import { calcPrice } from '@pydantic/genai-prices';
import { USAGE_REPORT_MAX_GROUPS, type UsageReport, type UsageRequestsPage, type UsageRequestView } from '@uniroute/shared';
import pg from 'pg';
import { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { SERVER_KEYS, startGatewayWithStandIns, USER_KEYS, userWithApiKey, type Harness } from './support/gateway-with-stand-ins.js';
import { registerUser } from './support/http.js';
import { DATABASE_KIND } from './support/test-app.js';

/**
 * CONTRACT §10: every gateway request is logged off the hot path with the provider's token counts and an estimated
 * cost, and the caller — only the caller — reads it back aggregated by day, hour, provider, model, API key and key
 * source. Expected token counts come from the stand-ins' tokenizer (one token per word): a prompt of n words costs
 * n prompt tokens and the answer `Echo: <prompt>` n + 1 completion tokens. Expected costs come from the same price
 * catalog the gateway uses, per request, so the test checks the gateway's counting and summing, not a typed table.
 */

interface Expected {
  provider: 'openai' | 'anthropic' | 'google';
  model: string;
  prompt: number;
  completion: number;
  error?: boolean;
  endpoint: UsageRequestView['endpoint'];
  stream?: boolean;
}

function costOf(requests: Expected[]): number | null {
  let total = 0;
  let priced = 0;
  for (const request of requests) {
    if (request.error) continue;
    const price = calcPrice({ input_tokens: request.prompt, output_tokens: request.completion }, request.model, { providerId: request.provider });
    if (price === null) continue;
    total += price.total_price;
    priced += 1;
  }
  return priced === 0 ? null : total;
}

function words(count: number, prefix = 'w'): string {
  return Array.from({ length: count }, (_, index) => `${prefix}${index}`).join(' ');
}

describe(`§10 usage (${DATABASE_KIND})`, () => {
  let harness: Harness;
  let owner: Awaited<ReturnType<typeof userWithApiKey>>;
  const expected: Expected[] = [];
  const streamedChunks: unknown[] = [];

  beforeAll(async () => {
    harness = await startGatewayWithStandIns();
    owner = await userWithApiKey(harness);
    // The owner's own Anthropic key: Anthropic traffic is key source `user`, the rest `server`.
    expect((await harness.client.post('/admin/provider-keys', { provider: 'anthropic', apiKey: USER_KEYS.anthropic }, owner.token)).status).toBe(201);
    const chat = (model: string, prompt: string, extra: Record<string, unknown> = {}) =>
      fetch(`${harness.app.url}/v1/chat/completions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${owner.apiKey}`, 'content-type': 'application/json' },
        body: JSON.stringify({ model, messages: [{ role: 'user', content: prompt }], ...extra }),
      });

    // Chat, JSON, through each provider.
    for (const [provider, model, size] of [
      ['openai', 'gpt-4o-mini', 3],
      ['openai', 'gpt-4o-mini', 5],
      ['anthropic', 'claude-3-5-haiku-latest', 2],
      ['google', 'gemini-2.0-flash', 4],
    ] as const) {
      const response = await chat(model, words(size));
      expect(response.status).toBe(200);
      await response.text();
      expected.push({ provider, model, prompt: size, completion: size + 1, endpoint: 'chat' });
    }
    // Chat streams: OpenAI without include_usage (the gateway asks for it and hides the extra chunk), Anthropic, Gemini.
    for (const [provider, model, size] of [
      ['openai', 'gpt-4o-mini', 6],
      ['anthropic', 'claude-3-5-haiku-latest', 3],
      ['google', 'gemini-2.0-flash', 2],
    ] as const) {
      const response = await chat(model, words(size), { stream: true });
      expect(response.status).toBe(200);
      const text = await response.text();
      expect(text.trimEnd().endsWith('data: [DONE]')).toBe(true);
      if (provider === 'openai') {
        for (const line of text.split('\n')) if (line.startsWith('data: {')) streamedChunks.push(JSON.parse(line.slice(6)));
      }
      expected.push({ provider, model, prompt: size, completion: size + 1, endpoint: 'chat', stream: true });
    }
    // An OpenAI stream whose client asked for usage gets its usage chunk, and is counted once.
    const withUsage = await chat('gpt-4o-mini', words(2), { stream: true, stream_options: { include_usage: true } });
    const withUsageText = await withUsage.text();
    expect(withUsageText).toContain('"prompt_tokens":2');
    expected.push({ provider: 'openai', model: 'gpt-4o-mini', prompt: 2, completion: 3, endpoint: 'chat', stream: true });

    // Errors: the provider's 429, counted as a request and an error, with no tokens.
    harness.standIns.inject({ provider: 'openai', status: 429 });
    const limited = await chat('gpt-4o-mini', words(3));
    expect(limited.status).toBe(429);
    await limited.text();
    expected.push({ provider: 'openai', model: 'gpt-4o-mini', prompt: 0, completion: 0, error: true, endpoint: 'chat' });

    // Native routes: Anthropic Messages (JSON and stream), Gemini generateContent and streamGenerateContent (SSE).
    const anthropicNative = (stream: boolean, size: number) =>
      fetch(`${harness.app.url}/anthropic/v1/messages`, {
        method: 'POST',
        headers: { 'x-api-key': owner.apiKey, 'anthropic-version': '2023-06-01', 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'claude-3-5-haiku-latest', max_tokens: 100, stream, messages: [{ role: 'user', content: words(size) }] }),
      });
    for (const [stream, size] of [[false, 4], [true, 5]] as const) {
      const response = await anthropicNative(stream, size);
      expect(response.status).toBe(200);
      await response.text();
      expected.push({ provider: 'anthropic', model: 'claude-3-5-haiku-latest', prompt: size, completion: size + 1, endpoint: 'native', stream });
    }
    const geminiNative = (method: string, size: number) =>
      fetch(`${harness.app.url}/google/v1beta/models/gemini-2.0-flash:${method}`, {
        method: 'POST',
        headers: { 'x-goog-api-key': owner.apiKey, 'content-type': 'application/json' },
        body: JSON.stringify({ contents: [{ role: 'user', parts: [{ text: words(size) }] }] }),
      });
    for (const [method, size, stream] of [['generateContent', 3, false], ['streamGenerateContent?alt=sse', 2, true], ['streamGenerateContent', 4, true]] as const) {
      const response = await geminiNative(method, size);
      expect(response.status).toBe(200);
      await response.text();
      expected.push({ provider: 'google', model: 'gemini-2.0-flash', prompt: size, completion: size + 1, endpoint: 'native', stream });
    }
    // Embeddings and Responses.
    await owner.openai.embeddings.create({ model: 'text-embedding-3-small', input: ['one two', 'three'] });
    expected.push({ provider: 'openai', model: 'text-embedding-3-small', prompt: 3, completion: 0, endpoint: 'embeddings' });
    await owner.openai.responses.create({ model: 'gpt-4o-mini', input: words(4) });
    expected.push({ provider: 'openai', model: 'gpt-4o-mini', prompt: 4, completion: 5, endpoint: 'responses' });
  }, 60_000);

  afterAll(async () => {
    await harness?.close();
  });

  it('hides the usage chunk the gateway asked OpenAI for, and the client still gets every content chunk', () => {
    expect(streamedChunks.length).toBeGreaterThan(1);
    for (const chunk of streamedChunks) {
      const { choices, usage } = chunk as { choices: unknown[]; usage?: unknown };
      expect(choices.length).toBeGreaterThan(0);
      expect(usage ?? null).toBeNull();
    }
  });

  it('reports each provider with the exact requests, errors, token sums and catalog cost', async () => {
    const report = await harness.client.get<UsageReport>('/admin/usage?groupBy=provider', owner.token);
    expect(report.status).toBe(200);
    for (const provider of ['openai', 'anthropic', 'google'] as const) {
      const mine = expected.filter((request) => request.provider === provider);
      const row = report.body.rows.find((candidate) => candidate.key === provider);
      expect(row, provider).toMatchObject({
        requests: mine.length,
        errors: mine.filter((request) => request.error).length,
        promptTokens: mine.reduce((sum, request) => sum + request.prompt, 0),
        completionTokens: mine.reduce((sum, request) => sum + request.completion, 0),
        cachedTokens: 0,
      });
      expect(row!.costUsd).toBeCloseTo(costOf(mine)!, 8);
      expect(row!.p50LatencyMs).toBeGreaterThanOrEqual(0);
    }
    expect(report.body.totals.requests).toBe(expected.length);
    expect(report.body.totals.promptTokens).toBe(expected.reduce((sum, request) => sum + request.prompt, 0));
    expect(report.body.totals.costUsd).toBeCloseTo(costOf(expected)!, 8);
  });

  it('groups by model, key source, API key and day', async () => {
    const byModel = (await harness.client.get<UsageReport>('/admin/usage?groupBy=model', owner.token)).body;
    const embeddings = byModel.rows.find((row) => row.key === 'text-embedding-3-small');
    expect(embeddings).toMatchObject({ requests: 1, promptTokens: 3, completionTokens: 0 });
    expect(byModel.rows.find((row) => row.key === 'gpt-4o-mini')!.requests).toBe(expected.filter((request) => request.model === 'gpt-4o-mini').length);

    const bySource = (await harness.client.get<UsageReport>('/admin/usage?groupBy=keySource', owner.token)).body;
    expect(Object.fromEntries(bySource.rows.map((row) => [row.key, row.requests]))).toEqual({
      user: expected.filter((request) => request.provider === 'anthropic').length,
      server: expected.filter((request) => request.provider !== 'anthropic').length,
    });

    const byKey = (await harness.client.get<UsageReport>('/admin/usage?groupBy=apiKey', owner.token)).body;
    expect(byKey.rows).toHaveLength(1);
    expect(byKey.rows[0]).toMatchObject({ label: 'sdk', requests: expected.length });

    const byDay = (await harness.client.get<UsageReport>('/admin/usage', owner.token)).body;
    expect(byDay.groupBy).toBe('day');
    // 30 days back, rounded to whole hours: 30 or 31 UTC days, zero-filled, today's last.
    expect(byDay.rows.length).toBeGreaterThanOrEqual(30);
    expect(byDay.rows.at(-1)).toMatchObject({ key: `${new Date().toISOString().slice(0, 10)}T00:00:00.000Z`, requests: expected.length });
    expect(byDay.rows.slice(0, -1).every((row) => row.requests === 0 && row.costUsd === null)).toBe(true);

    const byHour = (await harness.client.get<UsageReport>(`/admin/usage?groupBy=hour&from=${new Date(Date.now() - 3 * 3600_000).toISOString()}`, owner.token)).body;
    expect(byHour.rows).toHaveLength(4);
    expect(byHour.totals.requests).toBe(expected.length);
  });

  it('splits each day and hour by key source (splitBy=keySource, the chart\'s stacked bars): the parts add up to the bucket', async () => {
    const anthropic = expected.filter((request) => request.provider === 'anthropic');
    const others = expected.filter((request) => request.provider !== 'anthropic');
    for (const query of ['groupBy=day', `groupBy=hour&from=${new Date(Date.now() - 3 * 3600_000).toISOString()}`]) {
      const report = (await harness.client.get<UsageReport>(`/admin/usage?${query}&splitBy=keySource`, owner.token)).body;
      // Summed over the buckets: the traffic may straddle an hour (or midnight).
      const bySource = new Map<string, { requests: number; errors: number; promptTokens: number; costUsd: number }>();
      for (const row of report.rows) {
        // Own key first, then the server's: KEY_SOURCES order, the same in every bucket; no part without traffic.
        expect(['user,server', 'user', 'server', ''], query).toContain(row.split!.map((part) => part.key).join(','));
        for (const field of ['requests', 'errors', 'promptTokens', 'completionTokens', 'cachedTokens'] as const) {
          expect(row.split!.reduce((sum, part) => sum + part[field], 0), `${query} ${row.key} ${field}`).toBe(row[field]);
        }
        for (const part of row.split!) {
          const into = bySource.get(part.key) ?? { requests: 0, errors: 0, promptTokens: 0, costUsd: 0 };
          into.requests += part.requests;
          into.errors += part.errors;
          into.promptTokens += part.promptTokens;
          into.costUsd += part.costUsd ?? 0;
          bySource.set(part.key, into);
        }
      }
      expect([...bySource.keys()].sort(), query).toEqual(['server', 'user']);
      expect(bySource.get('user'), query).toMatchObject({ requests: anthropic.length, promptTokens: anthropic.reduce((sum, request) => sum + request.prompt, 0) });
      expect(bySource.get('user')!.costUsd).toBeCloseTo(costOf(anthropic)!, 8);
      expect(bySource.get('server'), query).toMatchObject({ requests: others.length, errors: others.filter((request) => request.error).length });
      expect(bySource.get('server')!.costUsd).toBeCloseTo(costOf(others)!, 8);
      // The totals are the unsplit report's.
      const unsplit = (await harness.client.get<UsageReport>(`/admin/usage?${query}`, owner.token)).body;
      expect(report.totals, query).toEqual(unsplit.totals);
      expect(unsplit.rows.every((row) => row.split === undefined), query).toBe(true);
    }
  });

  it('lists the requests newest first, page by page, with no key or prompt in them', async () => {
    const first = await harness.client.get<UsageRequestsPage>('/admin/usage/requests?limit=5', owner.token);
    expect(first.status).toBe(200);
    expect(first.body.requests).toHaveLength(5);
    expect(first.body.requests[0]).toMatchObject({ endpoint: 'responses', provider: 'openai', model: 'gpt-4o-mini', promptTokens: 4, completionTokens: 5, status: 200, keySource: 'server', keyId: 'server' });
    const all: UsageRequestView[] = [...first.body.requests];
    let next = first.body.next;
    while (next) {
      const page = await harness.client.get<UsageRequestsPage>(`/admin/usage/requests?limit=5&before=${next}`, owner.token);
      all.push(...page.body.requests);
      next = page.body.next;
    }
    expect(all).toHaveLength(expected.length);
    expect(new Set(all.map((request) => request.id)).size).toBe(expected.length);
    const times = all.map((request) => Date.parse(request.at));
    expect([...times].sort((a, b) => b - a)).toEqual(times);
    const limited = all.find((request) => request.status === 429)!;
    expect(limited).toMatchObject({ errorType: 'rate_limit_exceeded', promptTokens: null, costUsd: null });
    const streamed = all.filter((request) => request.stream && request.status === 200);
    expect(streamed.every((request) => request.ttfbMs !== null && request.ttfbMs <= request.latencyMs)).toBe(true);
    const dump = JSON.stringify(all) + JSON.stringify(await harness.app.sql('SELECT * FROM usage_requests'));
    for (const secret of [owner.apiKey, USER_KEYS.anthropic, SERVER_KEYS.openai, SERVER_KEYS.google, 'w0 w1']) expect(dump).not.toContain(secret);
  });

  it('counts tokens per provider in /metrics, with no user id in any label', async () => {
    const metrics = (await harness.client.get('/metrics')).text;
    const anthropicPrompt = expected.filter((request) => request.provider === 'anthropic').reduce((sum, request) => sum + request.prompt, 0);
    expect(metrics).toContain(`uniroute_tokens_total{provider="anthropic",kind="prompt"} ${anthropicPrompt}`);
    expect(metrics).toContain('uniroute_usage_records_dropped_total{reason="queue_full"} 0');
    expect(metrics).not.toContain(owner.userId);
  });

  describe('as an attacker', () => {
    it("never shows one user another user's traffic, not even through a cursor", async () => {
      const stranger = await userWithApiKey(harness);
      const report = await harness.client.get<UsageReport>('/admin/usage?groupBy=provider', stranger.token);
      expect(report.status).toBe(200);
      expect(report.body.rows).toEqual([]);
      expect(report.body.totals).toMatchObject({ requests: 0, costUsd: null, p50LatencyMs: null });
      const victims = (await harness.client.get<UsageRequestsPage>('/admin/usage/requests', owner.token)).body.requests;
      const page = await harness.client.get<UsageRequestsPage>(`/admin/usage/requests?before=${victims[0]!.id}`, stranger.token);
      expect(page.status).toBe(200);
      expect(page.body).toEqual({ requests: [], next: null });
      const byKey = await harness.client.get<UsageReport>('/admin/usage?groupBy=apiKey', stranger.token);
      expect(JSON.stringify(byKey.body)).not.toContain('sdk');
    });

    it("a team's usage: its owner and admins see the team API keys' traffic, a member gets 403, anyone else the 404 of a team that does not exist", async () => {
      const teamOwner = await registerUser(harness.client);
      const created = await harness.client.post<{ id: string }>('/admin/teams', { name: 'usage team' }, teamOwner.token);
      expect(created.status).toBe(201);
      const teamId = created.body.id;
      const joinAs = async (role: 'admin' | 'member') => {
        const user = await registerUser(harness.client);
        const invitation = await harness.client.post<{ token: string }>(`/admin/teams/${teamId}/invitations`, { email: user.email, role }, teamOwner.token);
        expect((await harness.client.post(`/admin/invitations/${invitation.body.token}/accept`, {}, user.token)).status).toBe(200);
        return user;
      };
      const admin = await joinAs('admin');
      const member = await joinAs('member');
      const teamKey = await harness.client.post<{ key: string }>('/admin/api-keys', { name: 'team key', teamId }, member.token);
      expect(teamKey.status).toBe(201);
      for (let index = 0; index < 3; index += 1) {
        const answer = await harness.client.post('/v1/chat/completions', { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] }, teamKey.body.key);
        expect(answer.status).toBe(200);
      }
      // The member's personal traffic (a personal key) is not the team's.
      const personal = await harness.client.post<{ key: string }>('/admin/api-keys', { name: 'mine' }, member.token);
      expect((await harness.client.post('/v1/chat/completions', { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] }, personal.body.key)).status).toBe(200);

      for (const reader of [teamOwner, admin]) {
        const report = await harness.client.get<UsageReport>(`/admin/usage?groupBy=keySource&teamId=${teamId}`, reader.token);
        expect(report.status).toBe(200);
        expect(report.body.totals.requests).toBe(3);
        expect(report.body.rows.map((row) => row.key)).toEqual(['server']);
        const requests = await harness.client.get<UsageRequestsPage>(`/admin/usage/requests?teamId=${teamId}`, reader.token);
        expect(requests.body.requests).toHaveLength(3);
        expect(requests.body.requests.every((request) => request.teamId === teamId)).toBe(true);
      }
      const ownTraffic = await harness.client.get<UsageReport>('/admin/usage?groupBy=keySource', member.token);
      expect(ownTraffic.body.totals.requests).toBe(4);

      const asMember = await harness.client.get(`/admin/usage?teamId=${teamId}`, member.token);
      expect(asMember.status).toBe(403);
      const stranger = await registerUser(harness.client);
      for (const path of ['/admin/usage', '/admin/usage/requests']) {
        const theirs = await harness.client.get(`${path}?teamId=${teamId}`, stranger.token);
        const none = await harness.client.get(`${path}?teamId=${crypto.randomUUID()}`, stranger.token);
        expect(theirs.status).toBe(404);
        expect(none.status).toBe(404);
        expect(theirs.body.error.type).toBe('not_found_error');
        expect(theirs.body).toEqual(none.body);
        expect(theirs.text).not.toContain('usage team');
      }
    });

    it('needs a session: no token, or a gateway API key instead, is 401', async () => {
      expect((await harness.client.get('/admin/usage')).status).toBe(401);
      expect((await harness.client.get('/admin/usage/requests', owner.apiKey)).status).toBe(401);
    });

    it('refuses bad parameters with a 400 in the error shape, never a 500', async () => {
      const cases: Array<[string, string]> = [
        ['/admin/usage?groupBy=week', 'groupBy'],
        ['/admin/usage?groupBy=provider;DROP%20TABLE%20users', 'groupBy'],
        ['/admin/usage?from=yesterday', 'from'],
        ['/admin/usage?from=2026-13-45T00:00:00Z', 'from'],
        ['/admin/usage?from=2026-02-01T00:00:00Z&to=2026-01-01T00:00:00Z', 'to'],
        ['/admin/usage?from=2020-01-01T00:00:00Z&to=2026-01-01T00:00:00Z', 'from'],
        ['/admin/usage?from=0001-01-01T00:00:00Z&to=0001-02-01T00:00:00Z', 'from'],
        ['/admin/usage?teamId=not-a-uuid', 'teamId'],
        ['/admin/usage?groupBy=day&splitBy=provider', 'splitBy'],
        ['/admin/usage?groupBy=model&splitBy=keySource', 'splitBy'],
        ['/admin/usage?splitBy=keySource&groupBy=keySource', 'splitBy'],
        ['/admin/usage/requests?limit=0', 'limit'],
        ['/admin/usage/requests?limit=100000', 'limit'],
        ['/admin/usage/requests?limit=abc', 'limit'],
        ['/admin/usage/requests?before=1%27%20OR%201=1', 'before'],
      ];
      for (const [path, param] of cases) {
        const response = await harness.client.get(path, owner.token);
        expect(response.status, path).toBe(400);
        expect(response.body.error.type, path).toBe('invalid_request_error');
        expect(JSON.stringify(response.body.error), path).toContain(param);
      }
    });
  });

  it("deletes a user's usage with the account, and writes none for a user deleted before the flush, without failing the batch", async () => {
    const { UsageRecorder } = await import('../src/usage/usage-recorder.js');
    const recorder = harness.app.app.get(UsageRecorder);
    const rowsOf = async (userId: string) => ({
      requests: (await harness.app.sql('SELECT 1 FROM usage_requests WHERE user_id = $1', [userId])).length,
      hours: (await harness.app.sql('SELECT 1 FROM usage_rollups WHERE user_id = $1', [userId])).length,
      days: (await harness.app.sql('SELECT 1 FROM usage_daily_rollups WHERE user_id = $1', [userId])).length,
    });
    const leaving = await userWithApiKey(harness);
    const staying = await userWithApiKey(harness);
    await leaving.openai.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'bye' }] });
    await recorder.flush();
    expect(await rowsOf(leaving.userId)).toEqual({ requests: 1, hours: 1, days: 1 });

    expect((await harness.client.delete(`/admin/users/${leaving.userId}`, owner.token)).status).toBe(204);
    expect(await rowsOf(leaving.userId)).toEqual({ requests: 0, hours: 0, days: 0 });

    // Requests of the deleted account still queued, in one batch with a live user's.
    const written = (await harness.app.sql<{ n: number }>('SELECT count(*)::int AS n FROM usage_requests'))[0]!.n;
    const queued = (userId: string) => ({
      at: Date.now(), userId, teamId: null, apiKeyId: null, endpoint: 'chat' as const, provider: 'openai' as const, model: 'gpt-4o-mini', stream: false,
      keySource: 'server' as const, keyId: 'server', status: 200, latencyMs: 10, ttfbMs: null,
      usage: { promptTokens: 1, completionTokens: 1, cachedTokens: null, cacheWriteTokens: null }, errorType: null,
    });
    recorder.record(queued(leaving.userId));
    recorder.record(queued(staying.userId));
    await recorder.flush();
    expect(await rowsOf(leaving.userId)).toEqual({ requests: 0, hours: 0, days: 0 });
    expect(await rowsOf(staying.userId)).toEqual({ requests: 1, hours: 1, days: 1 });
    expect((await harness.app.sql<{ n: number }>('SELECT count(*)::int AS n FROM usage_requests'))[0]!.n).toBe(written + 1);
    expect((await harness.client.get('/metrics')).text).toContain('uniroute_usage_records_dropped_total{reason="write_failed"} 0');
  });

  // Model names are the caller's own strings, and an upstream 404 costs nothing: one account could fill its rollup with
  // millions of names, and a report that built every group in the gateway's memory would stall every stream with it.
  it('reports at most USAGE_REPORT_MAX_GROUPS models or API keys, the busiest first, and sums the others in `rest`', async () => {
    const user = await registerUser(harness.client);
    const models = USAGE_REPORT_MAX_GROUPS + 150;
    // Model m-i had i + 1 requests this hour, one of them an error.
    await harness.app.sql(
      `INSERT INTO usage_rollups (user_id, bucket, team_id, api_key_id, provider, model, key_source, requests, errors, prompt_tokens,
                                  completion_tokens, cached_tokens, cost_usd, priced_requests, latency_buckets)
       SELECT $1, date_trunc('hour', now()), $2, $2, 'openai', 'm-' || i, 'user', i + 1, 1, 10, 5, 0, 0, 0, array_fill(0::bigint, ARRAY[16])
         FROM generate_series(0, $3 - 1) AS i`,
      [user.userId, '00000000-0000-0000-0000-000000000000', models],
    );
    const sum = (from: number, to: number) => ((from + to) * (to - from + 1)) / 2;

    const report = (await harness.client.get<UsageReport>('/admin/usage?groupBy=model', user.token)).body;

    expect(report.rows).toHaveLength(USAGE_REPORT_MAX_GROUPS);
    expect(report.rows[0]).toMatchObject({ key: `m-${models - 1}`, requests: models, errors: 1 });
    expect(report.rows.at(-1)).toMatchObject({ key: `m-${models - USAGE_REPORT_MAX_GROUPS}`, requests: models - USAGE_REPORT_MAX_GROUPS + 1 });
    expect(report.rest).toMatchObject({ groups: 150, requests: sum(1, 150), errors: 150, promptTokens: 1500, completionTokens: 750 });
    expect(report.totals).toMatchObject({ requests: sum(1, models), errors: models, promptTokens: 10 * models });

    const byProvider = (await harness.client.get<UsageReport>('/admin/usage?groupBy=provider', user.token)).body;
    expect(byProvider.rows).toEqual([expect.objectContaining({ key: 'openai', requests: sum(1, models) })]);
    expect(byProvider.rest).toBeUndefined();
  });

  it("a stranger's model name with a NUL or a lone surrogate cannot fail the batch that holds another user's requests", async () => {
    const { UsageRecorder } = await import('../src/usage/usage-recorder.js');
    const recorder = harness.app.app.get(UsageRecorder);
    await recorder.flush();
    const stranger = await userWithApiKey(harness);
    const victim = await userWithApiKey(harness);
    // Gateway routes relay bodies as they are: these model names reach the provider (which refuses them) and the log.
    for (const model of ['gpt-4o-mini\u0000', 'gpt-4o-mini\ud800', 'openai/\u0000']) {
      const response = await fetch(`${harness.app.url}/v1/chat/completions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${stranger.apiKey}`, 'content-type': 'application/json' },
        body: JSON.stringify({ model, messages: [{ role: 'user', content: 'hi' }] }),
      });
      expect(response.status).toBeLessThan(500);
    }
    await victim.openai.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'mine' }] });
    await recorder.flush();
    expect(await harness.app.sql('SELECT 1 FROM usage_requests WHERE user_id = $1', [victim.userId])).toHaveLength(1);
    const logged = await harness.app.sql<{ model: string }>('SELECT model FROM usage_requests WHERE user_id = $1 ORDER BY at, id', [stranger.userId]);
    expect(logged.map((row) => row.model)).toEqual(['gpt-4o-mini\ufffd', 'gpt-4o-mini\ufffd', '\ufffd']);
    expect((await harness.client.get('/metrics')).text).toContain('uniroute_usage_records_dropped_total{reason="write_failed"} 0');
  });

  it('deletes usage past USAGE_RETENTION_DAYS: raw rows, rollup hours and days', async () => {
    const user = await userWithApiKey(harness);
    await user.openai.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'old news' }] });
    await harness.client.get('/admin/usage/requests', user.token); // flushes
    await harness.app.sql(`UPDATE usage_requests SET at = at - interval '91 days' WHERE user_id = $1`, [user.userId]);
    await harness.app.sql(`UPDATE usage_rollups SET bucket = bucket - interval '91 days' WHERE user_id = $1`, [user.userId]);
    await harness.app.sql(`UPDATE usage_daily_rollups SET bucket = bucket - interval '92 days' WHERE user_id = $1`, [user.userId]);
    const { UsageRecorder } = await import('../src/usage/usage-recorder.js');
    expect(await harness.app.app.get(UsageRecorder).purgeExpired()).toBeGreaterThanOrEqual(1);
    expect(await harness.app.sql('SELECT 1 FROM usage_requests WHERE user_id = $1', [user.userId])).toEqual([]);
    expect(await harness.app.sql('SELECT 1 FROM usage_rollups WHERE user_id = $1', [user.userId])).toEqual([]);
    expect(await harness.app.sql('SELECT 1 FROM usage_daily_rollups WHERE user_id = $1', [user.userId])).toEqual([]);
    // The owner's recent traffic stays.
    expect((await harness.app.sql('SELECT 1 FROM usage_requests WHERE user_id = $1', [owner.userId])).length).toBe(expected.length);
  });
});

describe(`§10 usage under a stalled database (${DATABASE_KIND})`, () => {
  let harness: Harness;

  beforeAll(async () => {
    harness = await startGatewayWithStandIns({ env: { USAGE_QUEUE_MAX: '3' } });
  });
  afterAll(async () => {
    await harness?.close();
  });

  it('serves every request while the log cannot be written, drops past USAGE_QUEUE_MAX and says so in /metrics, then catches up', async () => {
    const user = await userWithApiKey(harness);
    const ask = () => user.openai.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'still here' }] });
    // Warm: the API key and credential are cached, so the next requests need no database at all.
    await ask();
    await harness.client.get('/admin/usage/requests', user.token);

    const stall = await stallUsageWrites(harness);
    try {
      const answers = [];
      for (let index = 0; index < 8; index += 1) answers.push(await ask());
      expect(answers.every((answer) => answer.choices[0]!.message.content === 'Echo: still here')).toBe(true);
      const metrics = (await harness.client.get('/metrics')).text;
      // One batch may be in flight (taken from the queue, blocked in the database, at most 3); the queue holds 3; the rest were dropped.
      const dropped = Number(/uniroute_usage_records_dropped_total\{reason="queue_full"\} (\d+)/.exec(metrics)?.[1]);
      expect(dropped).toBeGreaterThanOrEqual(8 - 3 - 3);
      expect(dropped).toBeLessThanOrEqual(8 - 3);
      await stall.release();
      const written = (await harness.client.get<UsageRequestsPage>('/admin/usage/requests?limit=200', user.token)).body.requests.length;
      expect(written).toBe(1 + 8 - dropped);
    } finally {
      await stall.release();
    }
  }, 30_000);
});

/**
 * Makes the usage log's writes hang. PostgreSQL: another session locks the usage tables (a real stall; everything
 * else keeps working). PGlite is a single session, so a lock there would stall the test's own queries too: the
 * writer's statement is held in the driver instead, exactly where a stalled database would hold it.
 */
async function stallUsageWrites(harness: Harness): Promise<{ release(): Promise<void> }> {
  if (harness.app.databaseUrl) {
    const blocker = new pg.Client({ connectionString: harness.app.databaseUrl });
    await blocker.connect();
    await blocker.query('BEGIN');
    await blocker.query('LOCK TABLE usage_requests, usage_rollups IN ACCESS EXCLUSIVE MODE');
    let released = false;
    return {
      async release() {
        if (released) return;
        released = true;
        await blocker.query('COMMIT');
        await blocker.end();
      },
    };
  }
  const dataSource = harness.app.app.get(DataSource);
  const query = dataSource.query.bind(dataSource);
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  const spy = vi.spyOn(dataSource, 'query').mockImplementation(async (text: string, ...rest: unknown[]) => {
    if (text.includes('INSERT INTO usage_requests')) await opened;
    return query(text, ...(rest as [unknown[]]));
  });
  return {
    async release() {
      open();
      spy.mockRestore();
    },
  };
}
