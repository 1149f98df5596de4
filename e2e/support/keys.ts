/**
 * The provider keys the tests type into the page. The good ones are the stand-ins' demo keys
 * (`DEFAULT_STAND_IN_KEYS` in packages/provider-stand-ins; global-setup checks they still are),
 * each ending in its own four characters, so the masked `••••oa02` the page shows and the
 * `apiKeyLast4` the stand-in recorded both say which key it was.
 */
export const KEYS = {
  /** The user's first OpenAI key. */
  openaiFirst: 'sk-stand-in-openai-demo-key-oa01',
  /** The key the user re-adds before calling the gateway with the SDK. */
  openaiSecond: 'sk-stand-in-openai-demo-key-oa02',
  /** Shaped like an OpenAI key but unknown to the stand-in: it answers 401 "Incorrect API key". */
  openaiRejected: 'sk-stand-in-openai-revoked-key-zz99',
  /** The operator's server-level Anthropic key (the only server key this run configures). */
  anthropicServer: 'sk-ant-api03-stand-in-demo-key-an01',
  /** A Google key the phone-width test stores, so a configured card is on screen. */
  google: 'AIzaSy-stand-in-google-demo-key-gg01',
} as const;

/** The last four characters, as the page and the stand-ins' recordings show a key. */
export function last4(key: string): string {
  return key.slice(-4);
}
