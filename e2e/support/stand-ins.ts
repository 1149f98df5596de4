import { e2eEnvironment } from './env.js';

/** One request a stand-in received, as its HTTP control API shows it (the key only as its last 4). */
export interface StandInRequest {
  provider: 'openai' | 'anthropic' | 'google';
  method: string;
  path: string;
  apiKeyLast4: string | null;
  model: string | null;
  stream: boolean;
}

async function control(method: 'GET' | 'POST', path: string, body?: unknown): Promise<unknown> {
  const response = await fetch(`${e2eEnvironment().standInsUrl}/__stand-ins${path}`, {
    method,
    ...(body === undefined ? {} : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
  });
  if (!response.ok) throw new Error(`stand-ins ${method} ${path} answered ${response.status}: ${await response.text()}`);
  return response.json();
}

/** Everything the stand-in for `provider` received since the last reset, oldest first. */
export async function standInRequests(provider: StandInRequest['provider']): Promise<StandInRequest[]> {
  const body = (await control('GET', `/requests?provider=${provider}`)) as { requests: StandInRequest[] };
  return body.requests;
}

/** Forgets the recordings (the accepted keys stay). */
export async function resetStandIns(): Promise<void> {
  await control('POST', '/reset');
}

/** Where the stand-ins serve each provider, for a gateway a spec starts itself. */
export async function standInBaseUrls(): Promise<Record<StandInRequest['provider'], string>> {
  const body = (await control('GET', '/health')) as { baseUrls: Record<StandInRequest['provider'], string> };
  return body.baseUrls;
}

/** Makes the stand-in answer the next request carrying `apiKey` with `status`, in the provider's own error shape. */
export async function failNextRequestWithKey(provider: StandInRequest['provider'], apiKey: string, status: number): Promise<void> {
  await control('POST', '/inject', { provider, apiKey, status });
}
