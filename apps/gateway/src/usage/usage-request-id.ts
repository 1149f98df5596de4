import { randomFillSync } from 'node:crypto';

/** Random hex digits per id: 3 (rand_a) + 1 (variant) + 3 + 12 (rand_b), rounded up to whole bytes. */
const RANDOM_HEX_PER_ID = 20;
const VARIANT_DIGITS = '89ab';

/**
 * Ids for one batch of usage rows: UUID version 7 (the time in milliseconds, then 74 random bits), so rows written
 * together land side by side at the right-hand end of the primary key, and an id says nothing about anyone
 * else's traffic (a global sequence number would count every other user's requests). One call to the random
 * source per batch.
 * @see https://www.rfc-editor.org/rfc/rfc9562#name-uuid-version-7
 */
export function timeOrderedIds(times: readonly number[]): string[] {
  const random = randomFillSync(Buffer.alloc((times.length * RANDOM_HEX_PER_ID) / 2)).toString('hex');
  const ids = new Array<string>(times.length);
  for (let index = 0; index < times.length; index += 1) {
    const time = Math.max(0, Math.floor(times[index]!)).toString(16).padStart(12, '0');
    const at = index * RANDOM_HEX_PER_ID;
    const variant = VARIANT_DIGITS[Number.parseInt(random[at + 3]!, 16) & 3]!;
    ids[index] =
      `${time.slice(0, 8)}-${time.slice(8, 12)}-7${random.slice(at, at + 3)}-${variant}${random.slice(at + 4, at + 7)}-${random.slice(at + 7, at + 19)}`;
  }
  return ids;
}
