/** The key-encryption keys by version; `current` encrypts, every version decrypts. */
export interface MasterKeyRing {
  readonly currentVersion: number;
  readonly keys: ReadonlyMap<number, Buffer>;
}

/** Thrown for a ring that must not be used; the message says why, without the key material. */
export class MasterKeyRingError extends Error {}

/**
 * `v<N>` with N a positive whole number written without leading zeros: `v0` would be skipped by
 * code that treats 0 as "unset", and `v01` next to `v1` is the same version written twice — both
 * once chose the wrong current key silently. The bound keeps N in `key_version`'s integer column.
 */
const VERSION_LABEL = /^v([1-9][0-9]{0,8})$/;
const BASE64 = /^[A-Za-z0-9+/_-]+={0,2}$/;

/**
 * Parses `v2:<b64>,v1:<b64>`: the first entry is the current version. Every entry must be a
 * distinct version with exactly 32 bytes of base64 key; anything else is refused, never guessed at.
 */
export function parseMasterKeyRing(source: string): MasterKeyRing {
  const keys = new Map<number, Buffer>();
  let currentVersion: number | undefined;
  for (const entry of source.split(',')) {
    const separator = entry.indexOf(':');
    const label = entry.slice(0, Math.max(separator, 0)).trim();
    const encoded = entry.slice(separator + 1).trim();
    const match = VERSION_LABEL.exec(label);
    if (separator < 0 || !match) {
      throw new MasterKeyRingError('each entry must start with its version, v1, v2, … (no v0, no leading zeros)');
    }
    const version = Number(match[1]);
    const key = Buffer.from(encoded, 'base64');
    if (!BASE64.test(encoded) || key.length !== 32) throw new MasterKeyRingError(`v${version} must be 32 random bytes, base64-encoded`);
    if (keys.has(version)) throw new MasterKeyRingError(`v${version} appears twice`);
    keys.set(version, key);
    currentVersion ??= version;
  }
  if (currentVersion === undefined) throw new MasterKeyRingError('is empty');
  return { currentVersion, keys };
}
