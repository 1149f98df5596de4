import { describe, expect, it } from 'vitest';
import { ThoughtSignatureStore } from './thought-signature-store.js';

describe(ThoughtSignatureStore.name, () => {
  it('gives a caller back the signature it remembered under a tool-call id', () => {
    const sut = new ThoughtSignatureStore();

    sut.forCaller('user-a').remember('call_1', 'signature-a');

    expect(sut.forCaller('user-a').recall('call_1')).toBe('signature-a');
  });

  it('never shows one caller another caller’s signature, nor lets one overwrite another’s', () => {
    const sut = new ThoughtSignatureStore();
    sut.forCaller('user-a').remember('call_1', 'signature-a');

    sut.forCaller('user-b').remember('call_1', 'planted-by-b');

    expect(sut.forCaller('user-b').recall('call_1')).toBe('planted-by-b');
    expect(sut.forCaller('user-a').recall('call_1')).toBe('signature-a');
    expect(sut.forCaller('user-c').recall('call_1')).toBeUndefined();
  });

  it('forgets signatures after their time to live', () => {
    let now = 5_000;
    const sut = new ThoughtSignatureStore({ maxChars: 1_000_000, maxEntries: 100, ttlMs: 1000 }, () => now);
    sut.forCaller('user-a').remember('call_1', 'signature-a');

    now += 999;
    expect(sut.forCaller('user-a').recall('call_1')).toBe('signature-a');
    now += 2;
    expect(sut.forCaller('user-a').recall('call_1')).toBeUndefined();
  });

  it('stays within its size bound by dropping the least recently used signatures', () => {
    const sut = new ThoughtSignatureStore({ maxChars: 300, maxEntries: 100, ttlMs: 60_000 });
    const memory = sut.forCaller('user-a');

    for (let index = 0; index < 10; index += 1) memory.remember(`call_${index}`, 'x'.repeat(50));

    expect(memory.recall('call_0')).toBeUndefined();
    expect(memory.recall('call_9')).toBe('x'.repeat(50));
  });
});
