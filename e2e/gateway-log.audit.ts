import { readFileSync } from 'node:fs';
import { expect, test } from '@playwright/test';
import { e2eEnvironment } from './support/env.js';
import { KEYS } from './support/keys.js';
import { GATEWAY_LOG } from './support/paths.js';

/**
 * After every browser test: nothing the gateway logged while they ran carries a provider key,
 * the user's password, a UniRoute API key or a session token (CONTRACT §4).
 */
test('the gateway logged no secret during the browser tests', () => {
  const log = readFileSync(GATEWAY_LOG, 'utf8');
  expect(log, 'the gateway logged the requests').toMatch(/"url":"\/admin\/provider-keys".*"request completed"/);

  const secrets = { ...KEYS, password: e2eEnvironment().userPassword };
  for (const [name, secret] of Object.entries(secrets)) {
    expect(log.includes(secret), `${name} appears in ${GATEWAY_LOG}`).toBe(false);
  }
  expect(log, 'a UniRoute API key appears in the log').not.toMatch(/\bur_[A-Za-z0-9_-]{20,}/);
  expect(log, 'a session token appears in the log').not.toMatch(/\beyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}\./);
});
