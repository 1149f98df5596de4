import { Socket } from 'node:net';
import { setTimeout as delay } from 'node:timers/promises';
import { startStandIns, type StandIns } from '@uniroute/provider-stand-ins';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SERVER_KEYS } from './support/gateway-with-stand-ins.js';
import { createDatabase, ensureBuilt, postgresUnavailable, productionEnv, startGatewayProcess, type GatewayProcess } from './support/gateway-process.js';
import { httpClient, uniqueEmail } from './support/http.js';

/**
 * `SERVER_KEY_RPM` holds across replicas (§12, within 10 %): two gateway processes on one PostgreSQL
 * database, one user's burst spread over both. Without Redis the replicas share leases from the database;
 * with `REDIS_URL` they share one Redis counter.
 */
const unavailable = await postgresUnavailable();
if (unavailable) console.warn(`server-key-ration-replicas.e2e-spec: skipped: ${unavailable}`);

const REDIS_URL = process.env.TEST_REDIS_URL || 'redis://127.0.0.1:6379';
const redisUnavailable = await new Promise<string | undefined>((resolve) => {
  const url = new URL(REDIS_URL);
  const socket = new Socket();
  socket.setTimeout(2_000);
  socket.once('connect', () => {
    socket.destroy();
    resolve(undefined);
  });
  socket.once('timeout', () => {
    socket.destroy();
    resolve(`no Redis answers at ${url.host}`);
  });
  socket.once('error', () => resolve(`no Redis answers at ${url.host}`));
  socket.connect(Number(url.port || 6379), url.hostname);
});
if (redisUnavailable) console.warn(`server-key-ration-replicas.e2e-spec: Redis case skipped: ${redisUnavailable}`);

const SERVER_KEY_RPM = 60;
const ATTEMPTS = 150;
const BATCH = 6;

/** A minute window must not turn over mid-burst: wait for the next one when it is close. */
async function awayFromMinuteEnd(): Promise<void> {
  const left = 60_000 - (Date.now() % 60_000);
  if (left < 20_000) await delay(left + 200);
}

/** One user fires `ATTEMPTS` server-key requests at the two replicas, alternating, a few at a time; returns how many got through. */
async function burstAcross(replicas: readonly GatewayProcess[]): Promise<{ admitted: number; refused: number; userId: string }> {
  const first = httpClient(replicas[0]!.url);
  const user = await first.post('/auth/register', { email: uniqueEmail('ration'), password: 'correct horse battery staple' });
  const apiKey: string = (await first.post('/admin/api-keys', { name: 'ration' }, user.body.accessToken)).body.key;
  let admitted = 0;
  let refused = 0;
  for (let sent = 0; sent < ATTEMPTS; sent += BATCH) {
    const batch = Array.from({ length: Math.min(BATCH, ATTEMPTS - sent) }, (_, index) =>
      httpClient(replicas[(sent + index) % replicas.length]!.url).post('/v1/chat/completions', { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] }, apiKey),
    );
    for (const response of await Promise.all(batch)) {
      if (response.status === 200) admitted += 1;
      else if (response.status === 429 && /^\d+$/.test(response.headers.get('retry-after') ?? '')) refused += 1;
      else throw new Error(`unexpected ${response.status}: ${response.text}`);
    }
    // Spread over a few seconds, so the replicas' background rounds run in between.
    await delay(40);
  }
  return { admitted, refused, userId: user.body.user.id };
}

describe.skipIf(unavailable !== undefined)('SERVER_KEY_RPM across two replicas on one PostgreSQL database', () => {
  let database: Awaited<ReturnType<typeof createDatabase>>;
  let standIns: StandIns;
  const started: GatewayProcess[] = [];

  const pair = async (extra: Record<string, string> = {}): Promise<GatewayProcess[]> => {
    const env = productionEnv(database.url, {
      OPENAI_BASE_URL: standIns.baseUrls.openai,
      ANTHROPIC_BASE_URL: standIns.baseUrls.anthropic,
      GOOGLE_BASE_URL: standIns.baseUrls.google,
      OPENAI_API_KEY: SERVER_KEYS.openai,
      SERVER_KEY_RPM: String(SERVER_KEY_RPM),
      REGISTRATION: 'open',
      ...extra,
    });
    // Generous: two processes booting at once on a busy CI machine.
    const replicas = await Promise.all([startGatewayProcess(env, 120_000), startGatewayProcess(env, 120_000)]);
    started.push(...replicas);
    return replicas;
  };

  beforeAll(async () => {
    await ensureBuilt();
    database = await createDatabase('ration');
    standIns = await startStandIns({ port: 0 });
  }, 300_000);
  afterAll(async () => {
    await Promise.all(started.map((replica) => replica.stop()));
    await standIns?.close();
    await database?.drop();
  });

  it('without Redis: database leases keep the two replicas together within 10 % of the limit, never above it', async () => {
    const replicas = await pair();
    await awayFromMinuteEnd();
    const { admitted, refused } = await burstAcross(replicas);

    expect(admitted).toBeLessThanOrEqual(SERVER_KEY_RPM);
    expect(admitted).toBeGreaterThanOrEqual(Math.floor(SERVER_KEY_RPM * 0.9));
    expect(admitted + refused).toBe(ATTEMPTS);
    for (const replica of replicas) await replica.stop();
  }, 240_000);

  it.skipIf(redisUnavailable !== undefined)('with REDIS_URL: one Redis counter, exactly the limit', async () => {
    const replicas = await pair({ REDIS_URL });
    await awayFromMinuteEnd();
    const { admitted, refused, userId } = await burstAcross(replicas);

    expect(admitted).toBe(SERVER_KEY_RPM);
    expect(refused).toBe(ATTEMPTS - SERVER_KEY_RPM);
    // Counted in Redis (not the database fallback): every attempt, both replicas, one key.
    const redis = new Redis(REDIS_URL);
    try {
      const keys = await redis.keys(`uniroute:server-key-rpm:${userId}:*`);
      expect(keys).toHaveLength(1);
      expect(Number(await redis.get(keys[0]!))).toBe(ATTEMPTS);
    } finally {
      redis.disconnect();
    }
    // Nothing about Redis (its URL may hold a password) reached the logs.
    for (const replica of replicas) expect(replica.stdout()).not.toMatch(/Redis unreachable/);
  }, 240_000);
});
