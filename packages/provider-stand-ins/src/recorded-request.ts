import type { StandInProvider } from './provider-id.js';

/** One request a provider stand-in received, as tests inspect it afterwards. */
export interface RecordedRequest {
  readonly provider: StandInProvider;
  readonly method: string;
  /** Path and query as received, minus any `key=` query parameter. */
  readonly path: string;
  /** The API key the request carried (header or `?key=`), or null when it carried none. */
  readonly apiKey: string | null;
  /** The model named by the body (OpenAI, Anthropic) or the path (Gemini), or null. */
  readonly model: string | null;
  readonly stream: boolean;
  /** The parsed JSON body, or null for GET requests and unparsable bodies. */
  readonly body: unknown;
  /** Request headers, with every credential header masked to its last four characters. */
  readonly headers: Readonly<Record<string, string>>;
  /** `Date.now()` when the request arrived. */
  readonly receivedAt: number;
  /** Becomes true if the client went away before the response ended. */
  clientAborted: boolean;
}

/** A recorded request as the HTTP control API shows it: the key reduced to its last four characters. */
export type PublicRecordedRequest = Omit<RecordedRequest, 'apiKey'> & { readonly apiKeyLast4: string | null };

export function toPublicRecordedRequest(recorded: RecordedRequest): PublicRecordedRequest {
  const { apiKey, ...rest } = recorded;
  return { ...rest, apiKeyLast4: apiKey === null ? null : apiKey.slice(-4) };
}
