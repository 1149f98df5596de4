import { EventEmitter } from 'node:events';
import { describe, expect, it, vi } from 'vitest';
import type { CryptoService } from '../crypto/crypto.service.js';
import { GatewayError } from '../common/errors/gateway-error.js';
import type { ProviderKeysService } from './provider-keys.service.js';
import { RequestKeyBudget, type HeldResponse } from './request-key-budget.js';

/** The key-test budget in memory: `limit` tests, each reservation's refund given back once. */
function fakeBudget(limit: number) {
  const budget = {
    spent: 0,
    reserved: 0,
    refusedCounted: 0,
    reserveRequestKeyTest: vi.fn(async () => {
      budget.reserved += 1;
      // A real round trip takes a while: requests arriving meanwhile must find the reservation under way.
      await new Promise((resolve) => setTimeout(resolve, 2));
      if (budget.spent >= limit) throw new GatewayError('rate_limit_exceeded', 'Too many provider-key tests');
      budget.spent += 1;
      let refunded = false;
      return async () => {
        if (!refunded) budget.spent -= 1;
        refunded = true;
      };
    }),
    countRefusedRequestKey: vi.fn(async () => {
      budget.refusedCounted += 1;
      budget.spent += 1;
    }),
  };
  return budget;
}

function setup(limit: number) {
  const budget = fakeBudget(limit);
  const crypto = { fingerprintProviderKey: (key: string) => `hmac(${key.length}:${key.slice(-4)})` };
  const sut = new RequestKeyBudget(budget as unknown as ProviderKeysService, crypto as unknown as CryptoService);
  return { sut, budget };
}

function response() {
  const emitter = new EventEmitter();
  const held = Object.assign(emitter, { destroyed: false, writableFinished: false }) as unknown as HeldResponse & { close(): void };
  held.close = () => emitter.emit('close');
  return held;
}
const settled = () => new Promise((resolve) => setTimeout(resolve, 5));

describe(RequestKeyBudget.name, () => {
  it('counts one test per key not known to be good, kept when the provider refuses it', async () => {
    const { sut, budget } = setup(2);
    const first = response();
    const hold = await sut.hold('u', 'openai', 'sk-bad-0001', first);
    await hold.answered(401);
    first.close();
    await settled();
    expect(budget.spent).toBe(1);
    await expect(sut.hold('u', 'openai', 'sk-bad-0002', response())).resolves.toBeDefined();
    await expect(sut.hold('u', 'openai', 'sk-bad-0003', response())).rejects.toThrow(GatewayError);
  });

  it('requests carrying the same key at once share one test, given back when the provider accepts it', async () => {
    const { sut, budget } = setup(1);
    const responses = Array.from({ length: 20 }, () => response());
    const holds = await Promise.all(responses.map((held) => sut.hold('u', 'openai', 'sk-good-0001', held)));
    expect(budget.reserveRequestKeyTest).toHaveBeenCalledTimes(1);
    expect(budget.spent).toBe(1);
    for (const hold of holds) await hold.answered(200);
    await settled();
    expect(budget.spent).toBe(0);
    for (const held of responses) held.close();

    // Accepted: it skips the budget, even once the budget is spent.
    await (await sut.hold('u', 'openai', 'sk-bad-0002', response())).answered(401);
    expect(budget.spent).toBe(1);
    await expect(sut.hold('u', 'openai', 'sk-good-0001', response())).resolves.toBeDefined();
    expect(budget.reserveRequestKeyTest).toHaveBeenCalledTimes(2);
    // Per user and provider: another user's budget (or another provider) knows nothing of it.
    await expect(sut.hold('u', 'anthropic', 'sk-good-0001', response())).rejects.toThrow(GatewayError);
  });

  it('gives the test back when the response closes without a refusal (a 5xx, a transport error, the client gone)', async () => {
    const { sut, budget } = setup(1);
    const held = response();
    const hold = await sut.hold('u', 'openai', 'sk-new-0001', held);
    await hold.answered(503);
    expect(budget.spent).toBe(1);
    held.close();
    await settled();
    expect(budget.spent).toBe(0);
  });

  it('a good key the provider now refuses is forgotten and counted once, however many requests carried it', async () => {
    const { sut, budget } = setup(5);
    await (await sut.hold('u', 'openai', 'sk-good-0001', response())).answered(200);
    await settled();
    const holds = await Promise.all(Array.from({ length: 5 }, () => sut.hold('u', 'openai', 'sk-good-0001', response())));
    expect(budget.reserveRequestKeyTest).toHaveBeenCalledTimes(1);
    for (const hold of holds) await hold.answered(401);
    expect(budget.refusedCounted).toBe(1);
    await sut.hold('u', 'openai', 'sk-good-0001', response());
    expect(budget.reserveRequestKeyTest).toHaveBeenCalledTimes(2);
  });
});
