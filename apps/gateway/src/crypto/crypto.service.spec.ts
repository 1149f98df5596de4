import { createCipheriv, hkdfSync, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { parseMasterKeyRing } from '../config/master-key-ring.js';
import { CryptoService, ProviderKeyDecryptionError } from './crypto.service.js';

const keyV1 = randomBytes(32).toString('base64');
const keyV2 = randomBytes(32).toString('base64');
const ALICE_ID = '11111111-1111-4111-8111-111111111111';
const alice = { owner: { kind: 'user', id: ALICE_ID }, provider: 'openai' } as const;
const bob = { owner: { kind: 'user', id: '22222222-2222-4222-8222-222222222222' }, provider: 'openai' } as const;
/** A team whose id equals Alice's user id: the kind alone must keep their ciphertexts apart. */
const teamSameId = { owner: { kind: 'team', id: ALICE_ID }, provider: 'openai' } as const;
const otherTeam = { owner: { kind: 'team', id: '33333333-3333-4333-8333-333333333333' }, provider: 'openai' } as const;

function service(ring: string): CryptoService {
  return new CryptoService({ masterKeys: parseMasterKeyRing(ring) });
}

describe(CryptoService.name, () => {
  const sut = service(`v1:${keyV1}`);

  it('round-trips a provider key and never stores it in the clear', () => {
    const sealed = sut.encryptProviderKey('sk-live-plaintext-1234', alice);
    expect(sealed.keyVersion).toBe(1);
    expect(sealed.ciphertext).not.toContain('plaintext');
    expect(Buffer.from(sealed.ciphertext.replaceAll('.', ''), 'base64url').toString('latin1')).not.toContain('sk-live');
    expect(sut.decryptProviderKey(sealed, alice)).toBe('sk-live-plaintext-1234');
  });

  it('uses a fresh nonce for every encryption', () => {
    const first = sut.encryptProviderKey('sk-same', alice);
    const second = sut.encryptProviderKey('sk-same', alice);
    expect(first.ciphertext).not.toBe(second.ciphertext);
    expect(first.ciphertext.split('.')[0]).not.toBe(second.ciphertext.split('.')[0]);
  });

  it('refuses a ciphertext moved to another user or another provider', () => {
    const sealed = sut.encryptProviderKey('sk-alice', alice);
    expect(() => sut.decryptProviderKey(sealed, bob)).toThrow(ProviderKeyDecryptionError);
    expect(() => sut.decryptProviderKey(sealed, { ...alice, provider: 'anthropic' })).toThrow(ProviderKeyDecryptionError);
  });

  it('refuses a tampered ciphertext', () => {
    const sealed = sut.encryptProviderKey('sk-alice', alice);
    const [nonce, tag, body] = sealed.ciphertext.split('.') as [string, string, string];
    const flipped = Buffer.from(body, 'base64url');
    flipped[0] = flipped[0]! ^ 0x01;
    expect(() => sut.decryptProviderKey({ ...sealed, ciphertext: [nonce, tag, flipped.toString('base64url')].join('.') }, alice)).toThrow(
      ProviderKeyDecryptionError,
    );
    expect(() => sut.decryptProviderKey({ ...sealed, ciphertext: 'garbage' }, alice)).toThrow(ProviderKeyDecryptionError);
  });

  it('decrypts old versions with a rotated ring and encrypts with the current one', () => {
    const old = sut.encryptProviderKey('sk-old', alice);
    const rotated = service(`v2:${keyV2},v1:${keyV1}`);
    expect(rotated.currentKeyVersion).toBe(2);
    expect(rotated.decryptProviderKey(old, alice)).toBe('sk-old');
    expect(rotated.encryptProviderKey('sk-new', alice).keyVersion).toBe(2);
  });

  it('reports a key whose master key left the ring as undecryptable', () => {
    const sealed = service(`v2:${keyV2}`).encryptProviderKey('sk-x', alice);
    expect(() => sut.decryptProviderKey(sealed, alice)).toThrow(/v2 is not in the key ring/);
  });

  it('hashes API keys with SHA-256', () => {
    expect(sut.sha256('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });

  it('fingerprints a key with an HMAC that depends on the master key, not the user, and matches across rotation', () => {
    const fingerprint = sut.fingerprintProviderKey('sk-live-fingerprinted-1234');
    expect(fingerprint).toMatch(/^[0-9a-f]{64}$/);
    expect(sut.fingerprintProviderKey('sk-live-fingerprinted-1234')).toBe(fingerprint);
    expect(fingerprint).not.toBe(sut.sha256('sk-live-fingerprinted-1234'));
    expect(sut.fingerprintProviderKey('sk-live-fingerprinted-1235')).not.toBe(fingerprint);
    expect(service(`v1:${keyV2}`).fingerprintProviderKey('sk-live-fingerprinted-1234')).not.toBe(fingerprint);
    const rotated = service(`v2:${keyV2},v1:${keyV1}`);
    expect(rotated.fingerprintProviderKey('sk-live-fingerprinted-1234')).not.toBe(fingerprint);
    expect(rotated.fingerprintCandidates('sk-live-fingerprinted-1234')).toContain(fingerprint);
  });

  it('binds a team key to its team and provider: moved to a user row, another team or provider, it fails', () => {
    const sealed = sut.encryptProviderKey('sk-team', otherTeam);
    expect(sut.decryptProviderKey(sealed, otherTeam)).toBe('sk-team');
    expect(() => sut.decryptProviderKey(sealed, teamSameId)).toThrow(ProviderKeyDecryptionError);
    expect(() => sut.decryptProviderKey(sealed, { ...otherTeam, provider: 'anthropic' })).toThrow(ProviderKeyDecryptionError);
    expect(() => sut.decryptProviderKey(sealed, { owner: { kind: 'user', id: otherTeam.owner.id }, provider: 'openai' })).toThrow(ProviderKeyDecryptionError);
  });

  it('keeps a team and a user with the same id apart', () => {
    expect(() => sut.decryptProviderKey(sut.encryptProviderKey('sk-a', alice), teamSameId)).toThrow(ProviderKeyDecryptionError);
    expect(() => sut.decryptProviderKey(sut.encryptProviderKey('sk-t', teamSameId), alice)).toThrow(ProviderKeyDecryptionError);
  });

  it('still opens user ciphertexts sealed before teams existed (user id as salt, the same associated data)', () => {
    const masterKey = Buffer.from(keyV1, 'base64');
    const dataKey = Buffer.from(hkdfSync('sha256', masterKey, Buffer.from(ALICE_ID, 'utf8'), 'uniroute/provider-key/v1', 32));
    const nonce = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', dataKey, nonce, { authTagLength: 16 });
    cipher.setAAD(Buffer.from(`uniroute:user-provider-key:${ALICE_ID}:openai`, 'utf8'));
    const encrypted = Buffer.concat([cipher.update('sk-legacy', 'utf8'), cipher.final()]);
    const ciphertext = [nonce, cipher.getAuthTag(), encrypted].map((part) => part.toString('base64url')).join('.');
    expect(sut.decryptProviderKey({ ciphertext, keyVersion: 1 }, alice)).toBe('sk-legacy');
  });
});
