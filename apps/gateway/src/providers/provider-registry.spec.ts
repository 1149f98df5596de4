import { PROVIDER_IDS } from '@uniroute/shared';
import { describe, expect, it } from 'vitest';
import { AnthropicAdapter } from './anthropic/anthropic.adapter.js';
import { GoogleAdapter } from './google/google.adapter.js';
import { OpenAIAdapter } from './openai/openai.adapter.js';
import { PROVIDER_ADAPTERS } from './provider-registry.js';

describe('PROVIDER_ADAPTERS', () => {
  it('has one adapter per provider, each under its own id', () => {
    const sut = PROVIDER_ADAPTERS;

    expect(Object.keys(sut).sort()).toEqual([...PROVIDER_IDS].sort());
    for (const id of PROVIDER_IDS) expect(sut[id].id).toBe(id);
    expect(sut.openai).toBeInstanceOf(OpenAIAdapter);
    expect(sut.anthropic).toBeInstanceOf(AnthropicAdapter);
    expect(sut.google).toBeInstanceOf(GoogleAdapter);
  });

  it('relays only OpenAI untranslated', () => {
    const sut = PROVIDER_ADAPTERS;

    expect(PROVIDER_IDS.filter((id) => sut[id].passthrough)).toEqual(['openai']);
  });

  it('cannot be changed at runtime', () => {
    expect(Object.isFrozen(PROVIDER_ADAPTERS)).toBe(true);
  });
});
