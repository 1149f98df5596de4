import type { StandInProvider } from './provider-id.js';

/**
 * Fake demo keys the stand-ins accept unless told otherwise. Each is shaped like
 * the provider's real keys (so key-masking code treats it like a real one) and
 * ends in four characters that are unique across providers, so a masked
 * `****oa01` still says which key it was.
 */
export const DEFAULT_STAND_IN_KEYS: Readonly<Record<StandInProvider, readonly string[]>> = {
  openai: ['sk-stand-in-openai-demo-key-oa01', 'sk-stand-in-openai-demo-key-oa02'],
  anthropic: ['sk-ant-api03-stand-in-demo-key-an01', 'sk-ant-api03-stand-in-demo-key-an02'],
  google: ['AIzaSy-stand-in-google-demo-key-gg01', 'AIzaSy-stand-in-google-demo-key-gg02'],
};
