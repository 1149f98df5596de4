import argon2 from 'argon2';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { GatewayError } from '../common/errors/gateway-error.js';
import { PASSWORD_HASH_CONCURRENCY, PASSWORD_HASH_QUEUE_LIMIT, PasswordHasher } from './password-hasher.js';

describe(PasswordHasher.name, () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('hashes with argon2id and verifies, refusing a wrong password', async () => {
    const sut = new PasswordHasher();
    const hash = await sut.hash('correct horse battery staple');
    expect(hash).toMatch(/^\$argon2id\$v=19\$m=19456,p=1,t=2\$/);
    expect(await sut.verify(hash, 'correct horse battery staple')).toBe(true);
    expect(await sut.verify(hash, 'wrong')).toBe(false);
    expect(await sut.verify(undefined, 'anything at all')).toBe(false);
    expect(await sut.verify('not a hash', 'anything at all')).toBe(false);
  });

  it('runs at most a few hashes at a time and refuses, with 503, what would queue beyond the bound', async () => {
    let running = 0;
    let mostAtOnce = 0;
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    vi.spyOn(argon2, 'hash').mockImplementation(async () => {
      running += 1;
      mostAtOnce = Math.max(mostAtOnce, running);
      await gate;
      running -= 1;
      return '$argon2id$stub';
    });
    const sut = new PasswordHasher(); // its decoy hash takes one slot too
    const flood = Array.from({ length: 100 }, () => sut.hash('flood password').then(() => 'hashed', (error: unknown) => error));
    await new Promise((resolve) => setTimeout(resolve, 20));
    release();
    const outcomes = await Promise.all(flood);

    expect(mostAtOnce).toBe(PASSWORD_HASH_CONCURRENCY);
    const refused = outcomes.filter((outcome): outcome is GatewayError => outcome instanceof GatewayError);
    expect(outcomes.filter((outcome) => outcome === 'hashed').length).toBeLessThanOrEqual(PASSWORD_HASH_CONCURRENCY + PASSWORD_HASH_QUEUE_LIMIT);
    expect(refused.length).toBeGreaterThanOrEqual(100 - PASSWORD_HASH_CONCURRENCY - PASSWORD_HASH_QUEUE_LIMIT);
    expect(refused[0]).toMatchObject({ status: 503, code: 'service_unavailable', headers: { 'retry-after': '1' } });
    // Once the flood has drained, hashing works again.
    expect(await sut.hash('later')).toBe('$argon2id$stub');
  });
});
