#!/usr/bin/env node
// The floor under any gateway on UniRoute's stack: Fastify in front of an undici pool, relaying
// `POST /v1/chat/completions` to one upstream as bytes, with one fixed key. No auth, no body parsing or validation, no
// access log, no metrics, no usage log, no database. `pnpm bench --peer portkey` runs it as a second target of the same
// harness, so that a ratio to Portkey can be read against what the machine allows a relay that does nothing else;
// whatever UniRoute costs above it is its features. Not part of the gateway: it lives beside the benches that use it.
// Env: PORT, UPSTREAM_URL (the upstream's full chat-completions URL), UPSTREAM_KEY.
import Fastify from 'fastify';
import { Pool } from 'undici';

const upstream = new URL(process.env.UPSTREAM_URL);
const authorization = `Bearer ${process.env.UPSTREAM_KEY}`;
// As many upstream connections as the bench opens downstream, like the gateway's uncapped UPSTREAM_CONNECTIONS.
const pool = new Pool(upstream.origin, { connections: 256 });
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
await app.listen({ port: Number(process.env.PORT), host: '127.0.0.1' });
