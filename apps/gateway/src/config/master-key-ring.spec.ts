import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { MasterKeyRingError, parseMasterKeyRing } from './master-key-ring.js';

const keyA = randomBytes(32).toString('base64');
const keyB = randomBytes(32).toString('base64');

describe(parseMasterKeyRing.name, () => {
  it('takes the first entry as current, whatever the numbers', () => {
    const sut = parseMasterKeyRing(`v2:${keyA}, v10:${keyB}`);
    expect(sut.currentVersion).toBe(2);
    expect(sut.keys.get(10)?.toString('base64')).toBe(keyB);
  });

  it.each([
    ['v0 (was taken as "no current version yet" and the next entry became current)', `v0:${keyA},v1:${keyB}`],
    ['a leading zero', `v01:${keyA}`],
    ['one version written twice', `v1:${keyA},v01:${keyB}`],
    ['a repeated version', `v3:${keyA},v3:${keyB}`],
    ['no version', keyA],
    ['a non-numeric version', `vX:${keyA}`],
    ['a short key', `v1:${randomBytes(16).toString('base64')}`],
    ['an empty entry', `v1:${keyA},`],
    ['a version beyond the column', `v99999999999:${keyA}`],
  ])('refuses %s', (_why, source) => {
    expect(() => parseMasterKeyRing(source)).toThrow(MasterKeyRingError);
  });

  it('never puts key material in its errors', () => {
    for (const source of [`v0:${keyA}`, keyA, `v1:${keyA},v1:${keyB}`]) {
      try {
        parseMasterKeyRing(source);
      } catch (error) {
        expect((error as Error).message).not.toContain(keyA.slice(0, 8));
        expect((error as Error).message).not.toContain(keyB.slice(0, 8));
      }
    }
  });
});
