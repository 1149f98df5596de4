#!/usr/bin/env node
// The floor under any gateway on UniRoute's stack: Fastify in front of an undici pool, relaying
// `POST /v1/chat/completions` to one upstream as bytes, with one fixed key. No auth, no body parsing or validation, no
// access log, no metrics, no usage log, no database. `pnpm bench --peer portkey` runs it as a second target of the same
// harness, so that a ratio to Portkey can be read against what the machine allows a relay that does nothing else;
// whatever UniRoute costs above it is its features. `pnpm bench --slow-streams` runs it as a target too; for that it
// serves `GET /metrics` with prom-client's default metrics, whose event-loop delay is measured as the gateway's is.
// Not part of the gateway: it lives beside the benches that use it.
// Env: PORT, UPSTREAM_URL (the upstream's full chat-completions URL), UPSTREAM_KEY.
import Fastify from 'fastify';
import { Registry, collectDefaultMetrics } from 'prom-client';
import { Pool } from 'undici';

const upstream = new URL(process.env.UPSTREAM_URL);
const authorization = `Bearer ${process.env.UPSTREAM_KEY}`;
// Uncapped, like the gateway's default UPSTREAM_CONNECTIONS: one upstream connection per open downstream request.
const pool = new Pool(upstream.origin, { connections: null });
const app = Fastify({ logger: false });
app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));
app.post('/v1/chat/completions', async (request, reply) => {
  const response = await pool.request({
    method: 'POST',
    path: upstream.pathname,
    headers: { 'content-type': 'application/json', authorization },
    body: request.body,
  });
  const contentType = response.headers['content-type'];
  if (contentType) void reply.header('content-type', contentType);
  return reply.code(response.statusCode).send(response.body);
});
const metrics = new Registry();
collectDefaultMetrics({ register: metrics });
app.get('/metrics', async (_request, reply) => reply.header('content-type', metrics.contentType).send(await metrics.metrics()));
await app.listen({ port: Number(process.env.PORT), host: '127.0.0.1' });
