import { describe, expect, it } from 'vitest';
import { GatewayError } from '../common/errors/gateway-error.js';
import { RESPONSE_OWNER_METADATA_KEY, isOwnedBy, withOwnerTag } from './response-ownership.js';

describe(withOwnerTag.name, () => {
  it('adds the owner tag to the caller\'s metadata, replacing a forged one', () => {
    expect(withOwnerTag({ input: 'hi' }, 'user-1')).toEqual({ input: 'hi', metadata: { [RESPONSE_OWNER_METADATA_KEY]: 'user-1' } });
    expect(withOwnerTag({ metadata: { team: 'a', [RESPONSE_OWNER_METADATA_KEY]: 'someone-else' } }, 'user-1')).toEqual({
      metadata: { team: 'a', [RESPONSE_OWNER_METADATA_KEY]: 'user-1' },
    });
  });

  it('keeps room for the tag: 15 pairs of the caller\'s at most', () => {
    const fifteen = Object.fromEntries(Array.from({ length: 15 }, (_item, index) => [`k${index}`, 'v']));
    expect(Object.keys(withOwnerTag({ metadata: fifteen }, 'u').metadata as object)).toHaveLength(16);
    expect(() => withOwnerTag({ metadata: { ...fifteen, k15: 'v' } }, 'u')).toThrow(GatewayError);
    expect(() => withOwnerTag({ metadata: ['not', 'an', 'object'] }, 'u')).toThrow(/metadata/);
  });
});

describe(isOwnedBy.name, () => {
  it('is true only for the tag of that owner', () => {
    expect(isOwnedBy({ metadata: { [RESPONSE_OWNER_METADATA_KEY]: 'u1' } }, 'u1')).toBe(true);
    expect(isOwnedBy({ metadata: { [RESPONSE_OWNER_METADATA_KEY]: 'u2' } }, 'u1')).toBe(false);
    expect(isOwnedBy({ metadata: {} }, 'u1')).toBe(false);
    expect(isOwnedBy({ metadata: null }, 'u1')).toBe(false);
    expect(isOwnedBy('not json', 'u1')).toBe(false);
  });
});
