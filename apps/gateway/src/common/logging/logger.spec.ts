import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from './logger.js';

/** A logger whose lines are captured, and a way to read them once pino has written. */
function capturedLogger() {
  const destination = new PassThrough();
  let text = '';
  destination.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
  const sut = createLogger({ level: 'trace', destination });
  return { sut, output: async () => (await new Promise((resolve) => setImmediate(resolve)), text) };
}

const SECRETS = {
  bearer: 'ur_bearerSecretValue0001',
  xApiKey: 'ur_xApiKeySecretValue0002',
  googleKey: 'AIzaSyGoogleSecretValue0003',
  cookie: 'session=cookieSecretValue0004',
  providerKey: 'sk-proj-providerSecretValue0005',
  password: 'passwordSecretValue0006',
  accessToken: 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ1c2VyIn0.tokenSecretValue0007',
  queryKey: 'querySecretValue0008',
  echoedKey: 'sk-ant-api03-echoedSecretValue0009',
  masterKey: 'bWFzdGVyU2VjcmV0VmFsdWUwMDEwMTIzNDU2Nzg5MA==',
};

describe(createLogger.name, () => {
  it('keeps every secret-bearing field and key-like text out of the log', async () => {
    const { sut, output } = capturedLogger();
    sut.info({ req: { headers: { authorization: `Bearer ${SECRETS.bearer}`, 'x-api-key': SECRETS.xApiKey, cookie: SECRETS.cookie } } }, 'request headers');
    sut.info({ headers: { 'x-goog-api-key': SECRETS.googleKey, authorization: `Bearer ${SECRETS.bearer}`, 'set-cookie': SECRETS.cookie } }, 'upstream headers');
    sut.info({ body: { provider: 'openai', apiKey: SECRETS.providerKey } }, 'provider key body');
    sut.info({ apiKey: SECRETS.providerKey, password: SECRETS.password, accessToken: SECRETS.accessToken, token: SECRETS.accessToken }, 'top-level fields');
    sut.info({ body: { email: 'ada@example.com', password: SECRETS.password } }, 'login body');
    sut.info({ request: { body: { newPassword: SECRETS.password } } }, 'nested body');
    sut.info({ context: { apiKey: SECRETS.providerKey, keySource: 'user' } }, 'upstream context');
    sut.info({ config: { masterKey: SECRETS.masterKey, jwtSecret: SECRETS.password, serverKey: SECRETS.providerKey } }, 'configuration');
    sut.info({ url: `/v1beta/models/gemini-2.0-flash:generateContent?alt=sse&key=${SECRETS.queryKey}` }, 'url with a key');
    sut.warn(`upstream said: Incorrect API key provided: ${SECRETS.echoedKey}`);
    sut.error({ err: new Error(`401 from provider: invalid x-api-key ${SECRETS.echoedKey}`) }, 'upstream error');
    sut.error({ err: Object.assign(new Error('request failed'), { headers: { authorization: `Bearer ${SECRETS.bearer}` } }) }, 'error with headers');
    const text = await output();

    expect(text.trim().split('\n')).toHaveLength(12);
    for (const [name, secret] of Object.entries(SECRETS)) {
      expect(text, name).not.toContain(secret);
      // Not even the distinctive middle of it.
      expect(text, name).not.toContain(secret.slice(4, -4));
    }
    expect(text).toContain('[redacted]');
    expect(text).toContain('key=****');
    expect(text).toContain('"keySource":"user"');
    expect(text).toContain('ada@example.com');
  });

  it('keeps the request id a caller passes', async () => {
    const { sut, output } = capturedLogger();
    sut.info('outside a request');
    sut.warn({ reqId: 'req-42', provider: 'openai' }, 'inside a request');
    const lines = (await output()).trim().split('\n').map((line) => JSON.parse(line) as { msg: string; reqId?: string; level: string });
    expect(lines.map((line) => [line.msg, line.reqId])).toEqual([
      ['outside a request', undefined],
      ['inside a request', 'req-42'],
    ]);
    expect(lines[1]!.level).toBe('warn');
  });

  it('honours the level', async () => {
    const destination = new PassThrough();
    let text = '';
    destination.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
    const sut = createLogger({ level: 'warn', destination });
    sut.info('hidden');
    sut.warn('shown');
    await new Promise((resolve) => setImmediate(resolve));
    expect(text).not.toContain('hidden');
    expect(text).toContain('shown');
  });
});
