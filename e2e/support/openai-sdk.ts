import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { OpenAI as OpenAIClient } from 'openai';
import { ROOT } from './paths.js';

/**
 * The official OpenAI SDK, exactly as an app using UniRoute would call it. It is a dependency of
 * the gateway (whose own e2e tests use it), not of the root, so it is resolved from there.
 */
export async function loadOpenAI(): Promise<typeof OpenAIClient> {
  const entry = createRequire(path.join(ROOT, 'apps/gateway/package.json')).resolve('openai');
  // The CommonJS build: Node exposes its `exports.OpenAI` as a named export.
  const module = (await import(pathToFileURL(entry).href)) as { OpenAI: typeof OpenAIClient };
  return module.OpenAI;
}
