import { createCipheriv, createDecipheriv, createHmac, hash, hkdfSync, randomBytes } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { ProviderId } from '@uniroute/shared';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import type { MasterKeyRing } from '../config/master-key-ring.js';

/** Who a provider key belongs to (§4 a user, §9 a team): one storage, one cipher rule, one tester for both. */
export interface KeyOwner {
  readonly kind: 'user' | 'team';
  readonly id: string;
}

/** Whose key a ciphertext belongs to and for which provider: bound into it as associated data, and the HKDF salt. */
export interface ProviderKeyOwner {
  readonly owner: KeyOwner;
  readonly provider: ProviderId;
}

/** A sealed provider key as stored: `iv.authTag.ciphertext` (base64url) and the master key version. */
export interface SealedProviderKey {
  readonly ciphertext: string;
  readonly keyVersion: number;
}

/** The ciphertext does not authenticate: tampered, moved to another row, or its master key is gone. */
export class ProviderKeyDecryptionError extends Error {
  override name = 'ProviderKeyDecryptionError';
}

const ALGORITHM = 'aes-256-gcm';
const NONCE_BYTES = 12;
const TAG_BYTES = 16;
const HKDF_INFO = 'uniroute/provider-key/v1';
const FINGERPRINT_INFO = 'uniroute/provider-key-fingerprint/v1';
/** HKDF needs a salt; the fingerprint secret is one per master key, not per user, so duplicates across accounts match. */
const FINGERPRINT_SALT = Buffer.from('uniroute-fingerprint', 'utf8');

/**
 * The only place that touches node:crypto (STYLE §1). Provider keys: AES-256-GCM with a fresh
 * 96-bit nonce per encryption, under a per-owner data key derived from the master key with
 * HKDF-SHA256 (the owner as salt), and the owner and provider as associated data, so a ciphertext
 * copied to another row, user or team fails to authenticate. A user's salt and associated data are
 * exactly what they were before teams existed (stored user keys keep decrypting); a team's carry the
 * word `team` too, so a team id can never stand in for a user id or the other way round.
 */
@Injectable()
export class CryptoService {
  private readonly ring: MasterKeyRing;

  constructor(@Inject(APP_CONFIG) config: Pick<AppConfig, 'masterKeys'>) {
    this.ring = config.masterKeys;
  }

  get currentKeyVersion(): number {
    return this.ring.currentVersion;
  }

  /** Hex SHA-256, for API-key lookups (the key itself is never stored). */
  /** Whether the ring holds master key `version` (rows sealed with another cannot be opened). */
  hasKeyVersion(version: number): boolean {
    return this.ring.keys.has(version);
  }

  /** One-shot `crypto.hash` (Node ≥ 20.12): ~0.3 µs against ~0.9 µs for a Hash object, once per API-key request. */
  sha256(text: string): string {
    return hash('sha256', text, 'hex');
  }

  /** `bytes` random bytes as base64url. */
  randomToken(bytes: number): string {
    return randomBytes(bytes).toString('base64url');
  }

  /**
   * HMAC-SHA256 of a provider key (§8) under a secret derived with HKDF from the current master key: equal keys
   * match across rows and accounts, but without the master key a leaked fingerprint cannot be checked against
   * guesses the way a plain SHA-256 could. Rotation re-computes stored fingerprints with the ciphertext.
   */
  fingerprintProviderKey(plaintext: string): string {
    return this.fingerprintUnder(this.ring.currentVersion, plaintext);
  }

  /** The key's fingerprint under every master key in the ring: matches rows not yet rotated too. */
  fingerprintCandidates(plaintext: string): string[] {
    return [...this.ring.keys.keys()].map((version) => this.fingerprintUnder(version, plaintext));
  }

  encryptProviderKey(plaintext: string, owner: ProviderKeyOwner): SealedProviderKey {
    const keyVersion = this.ring.currentVersion;
    const nonce = randomBytes(NONCE_BYTES);
    const cipher = createCipheriv(ALGORITHM, this.dataKey(keyVersion, owner.owner), nonce, { authTagLength: TAG_BYTES });
    cipher.setAAD(associatedData(owner));
    const encrypted = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    const ciphertext = [nonce, cipher.getAuthTag(), encrypted].map((part) => part.toString('base64url')).join('.');
    return { ciphertext, keyVersion };
  }

  /** @throws ProviderKeyDecryptionError when the ciphertext does not authenticate for `owner`. */
  decryptProviderKey(sealed: SealedProviderKey, owner: ProviderKeyOwner): string {
    const parts = sealed.ciphertext.split('.');
    if (parts.length !== 3) throw new ProviderKeyDecryptionError('malformed ciphertext');
    const [nonce, tag, encrypted] = parts.map((part) => Buffer.from(part, 'base64url')) as [Buffer, Buffer, Buffer];
    if (nonce.length !== NONCE_BYTES || tag.length !== TAG_BYTES) throw new ProviderKeyDecryptionError('malformed ciphertext');
    if (!this.ring.keys.has(sealed.keyVersion)) {
      throw new ProviderKeyDecryptionError(`master key v${sealed.keyVersion} is not in the key ring`);
    }
    try {
      const decipher = createDecipheriv(ALGORITHM, this.dataKey(sealed.keyVersion, owner.owner), nonce, { authTagLength: TAG_BYTES });
      decipher.setAAD(associatedData(owner));
      decipher.setAuthTag(tag);
      return Buffer.concat([decipher.update(encrypted), decipher.final()]).toString('utf8');
    } catch {
      throw new ProviderKeyDecryptionError('ciphertext failed authentication');
    }
  }

  private fingerprintUnder(version: number, plaintext: string): string {
    const masterKey = this.ring.keys.get(version);
    if (!masterKey) throw new ProviderKeyDecryptionError(`master key v${version} is not in the key ring`);
    const secret = Buffer.from(hkdfSync('sha256', masterKey, FINGERPRINT_SALT, FINGERPRINT_INFO, 32));
    return createHmac('sha256', secret).update(plaintext, 'utf8').digest('hex');
  }

  private dataKey(version: number, owner: KeyOwner): Buffer {
    const masterKey = this.ring.keys.get(version);
    if (!masterKey) throw new ProviderKeyDecryptionError(`master key v${version} is not in the key ring`);
    return Buffer.from(hkdfSync('sha256', masterKey, dataKeySalt(owner), HKDF_INFO, 32));
  }
}

/** A user's salt is their id, as it always was; a team's is prefixed so the two kinds never share a data key. */
function dataKeySalt(owner: KeyOwner): Buffer {
  return Buffer.from(owner.kind === 'user' ? owner.id : `team:${owner.id}`, 'utf8');
}

function associatedData(binding: ProviderKeyOwner): Buffer {
  const { owner, provider } = binding;
  return Buffer.from(`uniroute:${owner.kind}-provider-key:${owner.id}:${provider}`, 'utf8');
}
