import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DATABASE_KIND, startTestApp, type TestApp } from './support/test-app.js';
import { httpClient, registerUser, uniqueEmail } from './support/http.js';

const PASSWORD = 'correct horse battery staple';
const LOGIN_MAX_ATTEMPTS = 2;
/** The gateway allows an IP five times an account's failures (shared NATs). */
const IP_LIMIT = LOGIN_MAX_ATTEMPTS * 5;

/** The client IP a failed login was counted under: the `login:ip:<ip>` rate-limit bucket it created. */
async function countedIps(app: TestApp): Promise<string[]> {
  const rows = await app.sql<{ bucket: string }>(`SELECT bucket FROM rate_limit_counters WHERE bucket LIKE 'login:ip:%' ORDER BY bucket`);
  return rows.map((row) => row.bucket.slice('login:ip:'.length));
}

describe(`TRUST_PROXY off, the default (${DATABASE_KIND})`, () => {
  it('ignores X-Forwarded-For: a client cannot pick the IP its limits are counted under', { timeout: 120_000 }, async () => {
    const app = await startTestApp();
    try {
      const client = httpClient(app.url);
      for (const forwardedFor of ['203.0.113.9', '198.51.100.1, 203.0.113.10']) {
        const response = await client.post('/auth/login', { email: uniqueEmail('ip'), password: 'wrong password 123' }, undefined, { 'x-forwarded-for': forwardedFor });
        expect(response.status).toBe(401);
      }
      expect(await countedIps(app)).toEqual(['127.0.0.1']);
    } finally {
      await app.close();
    }
  });
});

// TRUST_PROXY=true behind a proxy that appends to X-Forwarded-For (nginx's $proxy_add_x_forwarded_for): the
// client writes the leftmost entry, and `request.ip` is that text, address or not. Before, a 300-character
// "address" made every failure's rate-limit write fail (the bucket is a varchar(200)): wrong passwords were
// answered 400, nothing was counted, and the account-wide limit never came — unlimited guessing.
describe(`TRUST_PROXY=true and a forwarded "address" that is no address (${DATABASE_KIND})`, () => {
  it('counts failed logins all the same: the account-wide limit stops a guesser who forges long X-Forwarded-For values', { timeout: 180_000 }, async () => {
    const app = await startTestApp({ env: { TRUST_PROXY: 'true', LOGIN_MAX_ATTEMPTS: String(LOGIN_MAX_ATTEMPTS) } });
    try {
      const client = httpClient(app.url);
      const victim = await registerUser(client);
      const forged = (attempt: number) => `${String(attempt).padStart(3, '0')}${'x'.repeat(297)}`;
      const statuses: number[] = [];
      // Each attempt from a fresh forged "address": only the account-wide counter (LOGIN_MAX_ATTEMPTS × 10) can stop it.
      for (let attempt = 0; attempt < LOGIN_MAX_ATTEMPTS * 10; attempt += 1) {
        const response = await client.post('/auth/login', { email: victim.email, password: 'wrong password 123' }, undefined, { 'x-forwarded-for': forged(attempt) });
        statuses.push(response.status);
      }
      const guessed = await client.post('/auth/login', { email: victim.email, password: PASSWORD }, undefined, { 'x-forwarded-for': forged(999) });
      // Before: every wrong guess answered 400, nothing counted, and the right one 200.
      expect({ wrong: statuses, right: guessed.status }).toEqual({ wrong: Array<number>(LOGIN_MAX_ATTEMPTS * 10).fill(401), right: 429 });
      expect(guessed.body.error.type).toBe('rate_limit_error');
    } finally {
      await app.close();
    }
  });
});

describe(`login limits: IP first, failures only (${DATABASE_KIND})`, () => {
  let app: TestApp;
  let client: ReturnType<typeof httpClient>;
  /** A login from `ip` (the gateway trusts the loopback proxy this test poses as). */
  const loginFrom = (ip: string, email: string, password: string) => client.post('/auth/login', { email, password }, undefined, { 'x-forwarded-for': ip });

  beforeAll(async () => {
    app = await startTestApp({ env: { TRUST_PROXY: '127.0.0.1/32', LOGIN_MAX_ATTEMPTS: String(LOGIN_MAX_ATTEMPTS) } });
    client = httpClient(app.url);
  });
  afterAll(async () => {
    await app?.close();
  });

  it('counts failures under the forwarded client IP when the proxy is trusted', async () => {
    await loginFrom('192.0.2.99', uniqueEmail('ip'), 'wrong password 123');
    expect(await countedIps(app)).toContain('192.0.2.99');
  });

  it('successful logins do not count, and a success clears the account’s failures', { timeout: 120_000 }, async () => {
    const { email } = await registerUser(client);
    for (let attempt = 0; attempt < LOGIN_MAX_ATTEMPTS + 2; attempt += 1) expect((await loginFrom('198.51.100.10', email, PASSWORD)).status).toBe(200);
    for (let round = 0; round < 3; round += 1) {
      for (let failure = 0; failure < LOGIN_MAX_ATTEMPTS - 1; failure += 1) expect((await loginFrom('198.51.100.10', email, 'wrong password 123')).status).toBe(401);
      expect((await loginFrom('198.51.100.10', email, PASSWORD)).status).toBe(200);
    }
  });

  it('an IP that is already blocked adds nothing to an account’s count: it cannot lock the owner out', { timeout: 180_000 }, async () => {
    const victim = await registerUser(client);
    const attacker = '203.0.113.66';
    // The attacker burns its IP's allowance on accounts that do not exist…
    for (let attempt = 0; attempt < IP_LIMIT; attempt += 1) expect((await loginFrom(attacker, uniqueEmail('spray'), 'wrong password 123')).status).toBe(401);
    // …and is then refused before the victim's account is even looked at, however often it tries.
    for (let attempt = 0; attempt < LOGIN_MAX_ATTEMPTS + 2; attempt += 1) {
      const refused = await loginFrom(attacker, victim.email, 'wrong password 123');
      expect(refused.status).toBe(429);
      expect(refused.body.error.type).toBe('rate_limit_error');
    }
    // Even the right password is refused from the blocked IP…
    expect((await loginFrom(attacker, victim.email, PASSWORD)).status).toBe(429);
    // …while the owner, elsewhere, signs in: the blocked attempts never reached the account's counter.
    expect((await loginFrom('198.51.100.77', victim.email, PASSWORD)).status).toBe(200);
  });

  // Before, the account counter was one for every client: ten wrong passwords from one script locked
  // any account, the admin's included, whoever tried the right password from wherever.
  it('one client’s failures refuse that client on the account, never the owner elsewhere', { timeout: 120_000 }, async () => {
    const victim = await registerUser(client);
    const attacker = '203.0.113.70';
    for (let attempt = 0; attempt < LOGIN_MAX_ATTEMPTS; attempt += 1) expect((await loginFrom(attacker, victim.email, 'wrong password 123')).status).toBe(401);
    expect((await loginFrom(attacker, victim.email, PASSWORD)).status).toBe(429);
    expect((await loginFrom('198.51.100.78', victim.email, PASSWORD)).status).toBe(200);
  });

  it('counts an IPv6 client by its /64: fresh addresses buy no fresh attempts', { timeout: 120_000 }, async () => {
    const victim = await registerUser(client);
    for (let attempt = 0; attempt < LOGIN_MAX_ATTEMPTS; attempt += 1) expect((await loginFrom(`2001:db8:77:1::${attempt + 1}`, victim.email, 'wrong password 123')).status).toBe(401);
    expect((await loginFrom('2001:db8:77:1::ffff', victim.email, 'wrong password 123')).status).toBe(429);
  });

  it('an account’s limit holds across IPs: many clients together are refused', { timeout: 180_000 }, async () => {
    const { email } = await registerUser(client);
    // Each client stays under its own limit on the account; together they reach the account-wide one.
    for (let network = 1; network <= 10; network += 1) {
      for (let attempt = 0; attempt < LOGIN_MAX_ATTEMPTS; attempt += 1) expect((await loginFrom(`192.0.2.${network}`, email, 'wrong password 123')).status).toBe(401);
    }
    expect((await loginFrom('192.0.2.200', email, PASSWORD)).status).toBe(429);
  });

  it('limits successful sign-ins per account, so the hashing pool is not one account’s', { timeout: 180_000 }, async () => {
    const { email } = await registerUser(client);
    const statuses: number[] = [];
    for (let attempt = 0; attempt < 31; attempt += 1) statuses.push((await loginFrom(`198.51.100.${(attempt % 50) + 100}`, email, PASSWORD)).status);
    expect(statuses.slice(0, 30).every((status) => status === 200)).toBe(true);
    expect(statuses.at(-1)).toBe(429);
  });

  it('keeps at most 50 live sessions per user: the oldest are revoked', { timeout: 180_000 }, async () => {
    const user = await registerUser(client);
    const [{ n }] = await app.sql<{ n: number }>(`SELECT count(*)::int AS n FROM sessions WHERE user_id = $1 AND revoked_at IS NULL`, [user.userId]);
    expect(n).toBe(1);
    await app.sql(
      `INSERT INTO sessions (user_id, expires_at) SELECT $1, now() + interval '1 hour' FROM generate_series(1, 60)`,
      [user.userId],
    );
    const login = await loginFrom('198.51.100.20', user.email, PASSWORD);
    expect(login.status).toBe(200);
    const [{ live }] = await app.sql<{ live: number }>(`SELECT count(*)::int AS live FROM sessions WHERE user_id = $1 AND revoked_at IS NULL`, [user.userId]);
    expect(live).toBe(50);
    expect((await client.get('/auth/me', login.body.accessToken)).status).toBe(200);
  });
});
