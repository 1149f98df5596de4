import { DEFAULT_STAND_IN_KEYS, startStandIns, type StandInOptions, type StandIns } from '@uniroute/provider-stand-ins';
import OpenAI from 'openai';
import { httpClient, registerUser } from './http.js';
import { startTestApp, type TestApp, type TestAppOptions } from './test-app.js';

/** The server-level keys the gateway is started with, when a test wants them. */
export const SERVER_KEYS = {
  openai: DEFAULT_STAND_IN_KEYS.openai[0]!,
  anthropic: DEFAULT_STAND_IN_KEYS.anthropic[0]!,
  google: DEFAULT_STAND_IN_KEYS.google[0]!,
} as const;

/** Keys a user brings: accepted by the stand-ins, distinct from the server's. */
export const USER_KEYS = {
  openai: DEFAULT_STAND_IN_KEYS.openai[1]!,
  anthropic: DEFAULT_STAND_IN_KEYS.anthropic[1]!,
  google: DEFAULT_STAND_IN_KEYS.google[1]!,
} as const;

export interface Harness {
  app: TestApp;
  standIns: StandIns;
  client: ReturnType<typeof httpClient>;
  close(): Promise<void>;
}

/** The gateway in front of the provider stand-ins, with server keys unless `serverKeys: false`. */
export async function startGatewayWithStandIns(options: TestAppOptions & { serverKeys?: boolean; standIns?: StandInOptions } = {}): Promise<Harness> {
  const standIns = await startStandIns({ port: 0, ...options.standIns });
  const serverKeys = options.serverKeys ?? true;
  const app = await startTestApp({
    ...options,
    env: {
      OPENAI_BASE_URL: standIns.baseUrls.openai,
      ANTHROPIC_BASE_URL: standIns.baseUrls.anthropic,
      GOOGLE_BASE_URL: standIns.baseUrls.google,
      OPENAI_API_KEY: serverKeys ? SERVER_KEYS.openai : undefined,
      ANTHROPIC_API_KEY: serverKeys ? SERVER_KEYS.anthropic : undefined,
      GOOGLE_API_KEY: serverKeys ? SERVER_KEYS.google : undefined,
      ...options.env,
    },
  });
  return {
    app,
    standIns,
    client: httpClient(app.url),
    async close() {
      await app.close();
      await standIns.close();
    },
  };
}

/** A registered user with one UniRoute API key, and the official OpenAI SDK pointed at the gateway with it. */
export async function userWithApiKey(harness: Harness): Promise<{ token: string; userId: string; apiKey: string; openai: OpenAI }> {
  const user = await registerUser(harness.client);
  const created = await harness.client.post('/admin/api-keys', { name: 'sdk' }, user.token);
  if (created.status !== 201) throw new Error(`api key creation failed: ${created.status} ${created.text}`);
  const apiKey: string = created.body.key;
  const openai = new OpenAI({ apiKey, baseURL: `${harness.app.url}/v1`, maxRetries: 0, timeout: 10_000 });
  return { ...user, apiKey, openai };
}
