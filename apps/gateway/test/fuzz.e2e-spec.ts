import { randomInt } from 'node:crypto';
import net from 'node:net';
import { Pool } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGatewayWithStandIns, USER_KEYS, type Harness } from './support/gateway-with-stand-ins.js';
import { registerUser, uniqueEmail } from './support/http.js';
import { DATABASE_KIND } from './support/test-app.js';

/**
 * A hostile client with a free account and a script (issue 12): every operation of the app's own
 * OpenAPI document (so new routes are covered without touching this file), each a few hundred
 * times, with hostile paths, headers and bodies, some sent as raw bytes no HTTP library would
 * send. Nothing may answer 5xx, every 4xx must have OpenAI's error shape, and another user's data
 * must be exactly as it was. Seeded: a failure prints the seed; `FUZZ_SEED=<seed>` replays it.
 * `FUZZ_REQUESTS_PER_ROUTE` scales it (default 120).
 */
const SEED = Number(process.env.FUZZ_SEED ?? randomInt(2 ** 31));
const REQUESTS_PER_ROUTE = Number(process.env.FUZZ_REQUESTS_PER_ROUTE ?? 120);
const CONCURRENCY = 8;

/** mulberry32: small, fast and replayable from one 32-bit seed. */
function createRandom(seed: number) {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (max: number) => Math.floor(next() * max);
  return { next, int, pick: <T>(items: readonly T[]): T => items[int(items.length)]!, chance: (p: number) => next() < p };
}
type Random = ReturnType<typeof createRandom>;

const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'HEAD'] as const;

/** Strings an attacker tries in any field. */
const HOSTILE_STRINGS = [
  '',
  ' ',
  'a\u0000b',
  '\u0000',
  '\ud800',
  'x\udfffy',
  '\ud83d\ude00 emoji',
  '\u202e\u0645\u0631\u062d\u0628\u0627',
  "' OR 1=1; DROP TABLE users; --",
  '"; SELECT pg_sleep(10); --',
  '../../../../etc/passwd',
  '<script>alert(1)</script>',
  '${jndi:ldap://x}',
  '{{7*7}}',
  '%00%ff%zz',
  '\r\nSet-Cookie: x=1',
  '\\u0000',
  'ur_',
  'sk-' + 'A'.repeat(40),
  'openai',
  'OpenAI',
  'gpt-4o-mini',
  'claude-3-5-sonnet-latest',
  'gemini-2.0-flash',
  '00000000-0000-0000-0000-000000000000',
  'a'.repeat(321),
  'é'.repeat(2_000),
  'x'.repeat(70_000),
];

function hostileString(random: Random): string {
  if (random.chance(0.15)) return Array.from({ length: random.int(40) }, () => String.fromCharCode(random.int(0x10000))).join('');
  return random.pick(HOSTILE_STRINGS);
}

function hostileValue(random: Random, depth = 0): unknown {
  switch (random.int(depth > 3 ? 6 : 9)) {
    case 0:
    case 1:
      return hostileString(random);
    case 2:
      return random.pick([0, -1, 1, 1.5, 1e21, -1e308, 2 ** 53 + 1, 4294967296]);
    case 3:
      return random.pick([true, false]);
    case 4:
      return null;
    case 5:
      return random.pick(['', 'user', 'assistant', 'system', 'tool']);
    case 6:
      return Array.from({ length: random.int(4) }, () => hostileValue(random, depth + 1));
    case 7:
      return Object.fromEntries(Array.from({ length: random.int(4) }, () => [random.pick(['a', 'role', 'content', '__proto__', 'constructor', 'type', hostileString(random)]), hostileValue(random, depth + 1)]));
    default:
      return { role: random.pick(['user', 'x']), content: hostileValue(random, depth + 1) };
  }
}

/** A plausible value for a named field, so some requests get past the first check. */
function plausibleValue(random: Random, name: string, context: FuzzContext): unknown {
  switch (name) {
    case 'email':
      return random.chance(0.3) ? context.victim.email : uniqueEmail('fuzz');
    case 'password':
    case 'currentPassword':
    case 'newPassword':
      return random.pick(['correct horse battery staple', 'short', 'p'.repeat(200)]);
    case 'provider':
      return random.pick(['openai', 'anthropic', 'google', 'azure']);
    case 'apiKey':
      return random.pick([USER_KEYS.openai, `sk-fuzz-${random.int(1e9)}-abcdefghijkl`, 'sk-short']);
    case 'model':
      return random.pick(['gpt-4o-mini', 'claude-3-5-haiku-latest', 'gemini-2.0-flash', 'nonexistent-model', '']);
    case 'messages':
      return [{ role: 'user', content: random.pick(['hi', '', hostileString(random)]) }];
    case 'max_tokens':
      return random.pick([1, 16, -5, 1e9]);
    case 'contents':
      return [{ role: 'user', parts: [{ text: 'hi' }] }];
    case 'name':
      return random.pick(['laptop', ' ', 'x'.repeat(101)]);
    default:
      return random.chance(0.5) ? random.pick([true, false, 1, 'x']) : hostileValue(random);
  }
}

interface Operation {
  readonly method: string;
  /** OpenAPI path, e.g. `/admin/provider-keys/{provider}`. */
  readonly path: string;
  readonly bodyFields: readonly string[];
  readonly security: string | undefined;
}

interface FuzzContext {
  readonly victim: { email: string; token: string; apiKey: string; apiKeyId: string };
  readonly attacker: { token: string; apiKey: string };
}

/** Every byte as `%XX` (encodeURIComponent throws on lone surrogates; these bytes are what a client would send). */
function percentEncode(text: string): string {
  return [...Buffer.from(text, 'utf8')].map((byte) => `%${byte.toString(16).padStart(2, '0')}`).join('');
}

/** Path parameter values: real ids (the victim's), valid names, and what breaks routers. */
function pathParameter(random: Random, context: FuzzContext): string {
  return random.pick([
    'openai',
    'anthropic',
    'google',
    context.victim.apiKeyId,
    '00000000-0000-4000-8000-000000000000',
    'gemini-2.0-flash:generateContent',
    'gemini-2.0-flash:streamGenerateContent',
    '%ff',
    '%zz',
    '%00',
    '%E0%A4%A',
    '%2e%2e',
    '..',
    '%2F..%2Fadmin',
    'x'.repeat(random.pick([99, 101, 1_000, 9_000])),
    '%41'.repeat(200),
    percentEncode(hostileString(random)).slice(0, 3_000),
    'a;b=c',
    '',
  ]);
}

function buildPath(random: Random, operation: Operation, context: FuzzContext): string {
  let path = operation.path.replace(/\{[^}]+\}/g, () => pathParameter(random, context));
  if (random.chance(0.1)) path += '/';
  if (random.chance(0.05)) path = path.replace('/', '//');
  if (random.chance(0.05)) path = path.toUpperCase();
  if (random.chance(0.15)) path += random.pick(['?a=%zz', '?key=ur_bogus&alt=sse', '?__proto__[x]=1&a[]=2', `?q=${'x'.repeat(8_000)}`, '?limit=-1&before=%ff', '?=&&=']);
  return path || '/';
}

function buildHeaders(random: Random, operation: Operation, context: FuzzContext): Record<string, string> {
  const headers: Record<string, string> = {};
  const credential = random.pick([
    operation.security === 'api-key' ? context.attacker.apiKey : context.attacker.token,
    operation.security === 'api-key' ? context.attacker.apiKey : context.attacker.token,
    context.attacker.token,
    context.attacker.apiKey,
    'ur_' + 'A'.repeat(43),
    'eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.',
    'x'.repeat(5_000),
    '',
  ]);
  if (random.chance(0.85)) headers.authorization = random.chance(0.9) ? `Bearer ${credential}` : random.pick([`Basic ${credential}`, credential, 'Bearer']);
  if (random.chance(0.1)) headers['x-api-key'] = random.pick([context.attacker.apiKey, 'ur_bogus', '']);
  if (random.chance(0.05)) headers['x-goog-api-key'] = random.pick([context.attacker.apiKey, 'ur_bogus']);
  if (random.chance(0.1)) headers['x-request-id'] = random.pick(['../../x', 'a'.repeat(500), 'ok-id']);
  if (random.chance(0.05)) headers['content-encoding'] = random.pick(['gzip', 'br', 'identity', 'x']);
  if (random.chance(0.05)) headers.accept = random.pick(['text/event-stream', '*/*', 'application/xml']);
  if (random.chance(0.05)) headers['anthropic-version'] = random.pick(['2023-06-01', '', 'x'.repeat(300)]);
  return headers;
}

function buildBody(random: Random, operation: Operation, context: FuzzContext): { text?: string; contentType?: string } {
  const contentType = random.chance(0.85)
    ? 'application/json'
    : random.pick(['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/json; charset=utf-16', 'application/json, text/html', 'application/jsonx', '', ';;;']);
  switch (random.int(16)) {
    case 0:
      return { contentType };
    case 1:
      return { contentType, text: '' };
    case 2:
      return { contentType, text: random.pick(['{', '{"a":1,}', 'nul', '"\\ud800"', '[1,2', '\u0000', '{"a":"\\x00"}', '1e999999', '{"__proto__":{"admin":true}}', '{"constructor":{"prototype":{"x":1}}}']) };
    case 3: {
      const depth = random.pick([63, 64, 65, 200, 5_000]);
      return { contentType, text: '['.repeat(depth) + ']'.repeat(depth) };
    }
    case 4:
      return { contentType, text: JSON.stringify(hostileValue(random)) };
    case 5:
      return { contentType, text: `{"name":"${'x'.repeat(random.pick([1_048_560, 1_100_000]))}"}` };
    default: {
      const fields = [...operation.bodyFields, ...(random.chance(0.2) ? [hostileString(random).slice(0, 20) || 'extra'] : [])];
      const body = Object.fromEntries(fields.filter(() => random.chance(0.85)).map((field) => [field, random.chance(0.6) ? plausibleValue(random, field, context) : hostileValue(random)]));
      return { contentType: random.chance(0.9) ? 'application/json' : contentType, text: JSON.stringify(body) };
    }
  }
}

interface Answer {
  readonly status: number;
  readonly contentType: string;
  readonly body: string;
}

/** Requests no HTTP library sends: raw bytes on a socket. Node's parser or the router refuses them. */
function rawHostileRequest(random: Random, operation: Operation, context: FuzzContext): string {
  const path = buildPath(random, operation, context);
  const auth = `Authorization: Bearer ${operation.security === 'api-key' ? context.attacker.apiKey : context.attacker.token}\r\n`;
  switch (random.int(6)) {
    case 0:
      return `${operation.method} ${path}\u00e9\u0000 HTTP/1.1\r\nHost: x\r\n${auth}\r\n`;
    case 1:
      return `${operation.method} ${path} HTTP/1.1\r\nHost: x\r\n${auth}Content-Type: application/json\r\nContent-Length: 5\r\nContent-Length: 7\r\n\r\n{"a":1}`;
    case 2:
      return `${operation.method} ${path} HTTP/1.1\r\nHost: x\r\n${auth}Content-Type: application/json\r\nTransfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n2\r\n{}\r\n0\r\n\r\n`;
    case 3:
      // Shorter than the body: the rest reads as a second, broken request.
      return `${operation.method} ${path} HTTP/1.1\r\nHost: x\r\n${auth}Content-Type: application/json\r\nContent-Length: 3\r\n\r\n{"a":1}`;
    case 4:
      return `${operation.method} ${path} HTTP/1.1\r\nHost: x\r\n${auth}X-Bad\u0001Name: 1\r\nContent-Type: application/json\r\n\r\n`;
    default:
      return `${operation.method} ${path} HTTP/1.1\r\nHost: x\r\n${auth}Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n`;
  }
}

function sendRaw(url: string, text: string): Promise<Answer> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = net.connect(Number(port), hostname, () => socket.write(Buffer.from(text, 'latin1')));
    let received = Buffer.alloc(0);
    const finish = () => {
      socket.destroy();
      const answer = received.toString('utf8');
      const headEnd = answer.indexOf('\r\n\r\n');
      const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(answer)?.[1] ?? 0);
      const contentType = /\r\ncontent-type: ([^\r]*)/i.exec(answer.slice(0, headEnd))?.[1] ?? '';
      // The first answer only: a broken request can be followed by a second answer on the same socket.
      const length = /\r\ncontent-length: (\d+)/i.exec(answer.slice(0, headEnd))?.[1];
      let body = headEnd < 0 ? '' : received.subarray(Buffer.byteLength(answer.slice(0, headEnd + 4)), length === undefined ? undefined : Buffer.byteLength(answer.slice(0, headEnd + 4)) + Number(length)).toString('utf8');
      if (/\r\ntransfer-encoding: chunked/i.test(answer.slice(0, headEnd))) body = body.replace(/^[0-9a-f]+\r\n/i, '').replace(/\r\n0\r\n\r\n[\s\S]*$/, '');
      resolve({ status, contentType, body });
    };
    socket.on('data', (chunk: Buffer) => {
      received = Buffer.concat([received, chunk]);
      // One answer is enough: a kept-alive socket would wait for the next request.
      const text = received.toString('latin1');
      const headEnd = text.indexOf('\r\n\r\n');
      const length = /\r\ncontent-length: (\d+)/i.exec(text.slice(0, headEnd))?.[1];
      if (headEnd >= 0 && length !== undefined && received.length >= headEnd + 4 + Number(length)) finish();
    });
    socket.on('end', finish);
    socket.on('error', finish);
    socket.setTimeout(20_000, finish);
  });
}

/** The problem with an answer, or undefined when it is acceptable. */
function problemWith(method: string, answer: Answer): string | undefined {
  if (answer.status === 0) return `no answer (connection dropped) ${answer.body}`;
  if (answer.status >= 500) return `status ${answer.status}: ${answer.body.slice(0, 200)}`;
  if (answer.status < 400 || method === 'HEAD') return undefined;
  if (!answer.contentType.startsWith('application/json')) return `status ${answer.status} with content-type ${answer.contentType}: ${answer.body.slice(0, 200)}`;
  let parsed: unknown;
  try {
    parsed = JSON.parse(answer.body);
  } catch {
    return `status ${answer.status}, body not JSON: ${answer.body.slice(0, 200)}`;
  }
  const error = (parsed as { error?: Record<string, unknown> } | null)?.error;
  const shapeOk =
    error !== undefined &&
    Object.keys(parsed as object).length === 1 &&
    Object.keys(error).sort().join() === 'code,message,param,type' &&
    typeof error.message === 'string' &&
    typeof error.type === 'string' &&
    (typeof error.code === 'string' || error.code === null) &&
    (typeof error.param === 'string' || error.param === null);
  if (!shapeOk) return `status ${answer.status}, not the error shape: ${answer.body.slice(0, 200)}`;
  if (/FST_ERR|QueryFailedError|at [\w.]+ \(/.test(answer.body)) return `status ${answer.status} leaks internals: ${answer.body.slice(0, 200)}`;
  return undefined;
}

/** Every operation in the OpenAPI document, with its body's property names and its security scheme. */
function operationsOf(document: { paths: Record<string, Record<string, { requestBody?: unknown; security?: Array<Record<string, unknown>> }>>; components?: { schemas?: Record<string, unknown> } }): Operation[] {
  const schemas = document.components?.schemas ?? {};
  const propertiesOf = (schema: unknown): string[] => {
    const reference = (schema as { $ref?: string } | undefined)?.$ref;
    const resolved = reference ? schemas[reference.split('/').pop()!] : schema;
    return Object.keys((resolved as { properties?: object } | undefined)?.properties ?? {});
  };
  const operations: Operation[] = [];
  for (const [path, item] of Object.entries(document.paths)) {
    for (const [method, operation] of Object.entries(item)) {
      if (!METHODS.includes(method.toUpperCase() as (typeof METHODS)[number])) continue;
      const requestBody = operation.requestBody as { content?: Record<string, { schema?: unknown }> } | undefined;
      operations.push({
        method: method.toUpperCase(),
        path,
        bodyFields: propertiesOf(requestBody?.content?.['application/json']?.schema),
        security: Object.keys(operation.security?.[0] ?? {})[0],
      });
    }
  }
  return operations;
}

describe(`fuzzing every route of the OpenAPI document (${DATABASE_KIND}, seed ${SEED})`, () => {
  let harness: Harness;
  let context: FuzzContext;
  let operations: Operation[];
  const snapshotVictim = async () => ({
    user: await harness.app.sql('SELECT * FROM users WHERE email = $1', [context.victim.email]),
    apiKeys: await harness.app.sql('SELECT id, name, key_hash, prefix, revoked_at, created_at FROM api_keys WHERE user_id = (SELECT id FROM users WHERE email = $1) ORDER BY id', [context.victim.email]),
    providerKeys: await harness.app.sql('SELECT * FROM user_provider_keys WHERE user_id = (SELECT id FROM users WHERE email = $1) ORDER BY id', [context.victim.email]),
  });

  beforeAll(async () => {
    console.log(`fuzz seed ${SEED} (replay: FUZZ_SEED=${SEED}), ${REQUESTS_PER_ROUTE} requests per route`);
    harness = await startGatewayWithStandIns({ serverKeys: false, env: { REGISTRATION: 'open', LOG_LEVEL: 'info' } });
    const { client } = harness;
    // Not the password the fuzzer tries: a login as the victim would be a success, not an attack.
    const victimEmail = uniqueEmail('victim');
    const victimPassword = `victim-${randomInt(2 ** 31)}-password`;
    const registered = await client.post('/auth/register', { email: victimEmail, password: victimPassword });
    if (registered.status !== 201) throw new Error(`register: ${registered.status} ${registered.text}`);
    const victim = { email: victimEmail, token: registered.body.accessToken as string };
    const victimKey = await client.post('/admin/api-keys', { name: 'victim' }, victim.token);
    const stored = await client.post('/admin/provider-keys', { provider: 'openai', apiKey: USER_KEYS.openai }, victim.token);
    if (stored.status !== 201) throw new Error(`provider key: ${stored.status} ${stored.text}`);
    const attacker = await registerUser(client);
    const attackerKey = await client.post('/admin/api-keys', { name: 'attacker' }, attacker.token);
    context = {
      victim: { email: victim.email, token: victim.token, apiKey: victimKey.body.key, apiKeyId: victimKey.body.id },
      attacker: { token: attacker.token, apiKey: attackerKey.body.key },
    };
    const document = await client.get('/docs/json');
    operations = operationsOf(document.body);
  });
  afterAll(async () => {
    await harness?.close();
  });

  it(
    'answers hostile requests to every operation without a 5xx, with the error shape on every 4xx, and leaves other users untouched',
    async () => {
      expect(operations.length).toBeGreaterThan(15);
      const before = await snapshotVictim();
      const random = createRandom(SEED);
      const pool = new Pool(harness.app.url, { connections: CONCURRENCY, pipelining: 1 });
      // The whole plan is drawn up front from the seed, so concurrency cannot change what is sent.
      type Planned = { label: string; send: () => Promise<Answer>; method: string };
      const plan: Planned[] = [];
      for (const operation of operations) {
        for (let index = 0; index < REQUESTS_PER_ROUTE; index++) {
          if (random.chance(0.08)) {
            const text = rawHostileRequest(random, operation, context);
            plan.push({ label: `raw ${JSON.stringify(text.length > 240 ? `${text.slice(0, 100)} … ${text.slice(-140)}` : text)}`, method: operation.method, send: () => sendRaw(harness.app.url, text) });
            continue;
          }
          const method = random.chance(0.85) ? operation.method : random.pick(METHODS);
          const path = buildPath(random, operation, context);
          const headers = buildHeaders(random, operation, context);
          const body = method === 'GET' || method === 'HEAD' ? {} : buildBody(random, operation, context);
          if (body.contentType) headers['content-type'] = body.contentType;
          const label = `${method} ${path.slice(0, 120)} ${JSON.stringify(headers).slice(0, 200)} ${body.text === undefined ? '(no body)' : JSON.stringify(body.text.slice(0, 160))}`;
          plan.push({
            label,
            method,
            send: async () => {
              try {
                // A connection that carried a body is not reused: when the server answers before the body
                // is sent (401, 413), what the client does with the unsent rest is the client's business.
                const response = await pool.request({ method, path, headers, body: body.text, reset: body.text !== undefined, headersTimeout: 30_000, bodyTimeout: 30_000 });
                const text = await response.body.text();
                const contentType = response.headers['content-type'];
                return { status: response.statusCode, contentType: Array.isArray(contentType) ? contentType.join() : (contentType ?? ''), body: text };
              } catch (error) {
                return { status: 0, contentType: '', body: `${(error as Error).name}: ${(error as Error).message}` };
              }
            },
          });
        }
      }

      const problems: string[] = [];
      let next = 0;
      await Promise.all(
        Array.from({ length: CONCURRENCY }, async () => {
          while (next < plan.length) {
            const planned = plan[next++]!;
            const problem = problemWith(planned.method, await planned.send());
            if (problem) problems.push(`${planned.label}\n    → ${problem}`);
          }
        }),
      );
      await pool.close();
      if (problems.length > 0) console.log(`fuzz seed ${SEED}: ${problems.length} of ${plan.length} requests failed:\n${problems.slice(0, 15).join('\n')}`);
      expect(problems.slice(0, 5), `replay with FUZZ_SEED=${SEED}`).toEqual([]);

      expect(await snapshotVictim()).toEqual(before);
      // And the victim's key still works and still reaches their own provider key.
      const models = await harness.client.get('/v1/models', context.victim.apiKey);
      expect(models.status).toBe(200);
      const serverErrors = harness.app.logs().filter((line) => line.includes('"level":"error"') || line.includes('"level":50'));
      expect(serverErrors.slice(0, 3)).toEqual([]);
    },
    // A few thousand requests take well under a minute on an idle machine; a shared CI runner is slower.
    240_000,
  );
});
