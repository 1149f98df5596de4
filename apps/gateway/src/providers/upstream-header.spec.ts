import { describe, expect, it } from 'vitest';
import { upstreamHeader } from './upstream-header.js';

describe(upstreamHeader.name, () => {
  it('returns a header sent once as it is', () => {
    expect(upstreamHeader({ 'retry-after': '30' }, 'retry-after')).toBe('30');
    expect(upstreamHeader({ 'retry-after': '' }, 'retry-after')).toBe('');
  });

  it('returns the first value of a header sent more than once', () => {
    expect(upstreamHeader({ 'retry-after': ['7', '30'] }, 'retry-after')).toBe('7');
  });

  it('returns undefined for a header that was not sent, or with no value', () => {
    expect(upstreamHeader({ 'content-type': 'application/json' }, 'retry-after')).toBeUndefined();
    expect(upstreamHeader({ 'retry-after': undefined }, 'retry-after')).toBeUndefined();
    expect(upstreamHeader({ 'retry-after': [] }, 'retry-after')).toBeUndefined();
    expect(upstreamHeader(undefined, 'retry-after')).toBeUndefined();
  });
});
