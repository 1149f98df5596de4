import { describe, expect, it } from 'vitest';
import { timeOrderedIds } from './usage-request-id.js';

const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('timeOrderedIds', () => {
  it('makes RFC 9562 version 7 UUIDs that carry the millisecond and sort by it', () => {
    const at = Date.UTC(2026, 0, 2, 3, 4, 5, 678);
    const times = Array.from({ length: 2_000 }, (_, index) => at + Math.floor(index / 10));
    const sut = timeOrderedIds(times);
    expect(sut).toHaveLength(times.length);
    for (const [index, id] of sut.entries()) {
      expect(id).toMatch(UUID_V7);
      expect(Number.parseInt(id.slice(0, 8) + id.slice(9, 13), 16)).toBe(times[index]);
    }
    expect(new Set(sut).size).toBe(sut.length);
    // Ids of different milliseconds sort as their times do.
    const firsts = sut.filter((_, index) => index % 10 === 0);
    expect([...firsts].sort()).toEqual(firsts);
  });

  it('spreads the variant and random bits', () => {
    const variants = new Set(timeOrderedIds(Array.from({ length: 400 }, () => 0)).map((id) => id[19]));
    expect([...variants].sort()).toEqual(['8', '9', 'a', 'b']);
  });
});
