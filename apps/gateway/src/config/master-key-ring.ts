/** The key-encryption keys by version; `current` encrypts, every version decrypts. */
export interface MasterKeyRing {
  readonly currentVersion: number;
  readonly keys: ReadonlyMap<number, Buffer>;
}

/** Parses `v2:<b64>,v1:<b64>` (already validated by the env schema); the first entry is current. */
export function parseMasterKeyRing(source: string): MasterKeyRing {
  const keys = new Map<number, Buffer>();
  let currentVersion = 0;
  for (const entry of source.split(',')) {
    const [label, encoded] = entry.trim().split(/:(.*)/s, 2) as [string, string];
    const version = Number.parseInt(label.slice(1), 10);
    keys.set(version, Buffer.from(encoded, 'base64'));
    if (currentVersion === 0) currentVersion = version;
  }
  return { currentVersion, keys };
}
