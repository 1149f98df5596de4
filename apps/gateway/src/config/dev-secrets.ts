import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/** Development-only secrets, generated once into `DATA_DIR` so that data survives restarts. */
export interface DevSecrets {
  masterKey: string;
  masterKeyPath: string;
  jwtSecret: string;
  jwtSecretPath: string;
}

function readOrCreate(filePath: string, create: () => string): string {
  if (existsSync(filePath)) return readFileSync(filePath, 'utf8').trim();
  const value = create();
  // `wx` fails if another process created the file meanwhile; then read theirs.
  try {
    writeFileSync(filePath, `${value}\n`, { mode: 0o600, flag: 'wx' });
    return value;
  } catch {
    return readFileSync(filePath, 'utf8').trim();
  }
}

export function loadDevSecrets(dataDir: string): DevSecrets {
  mkdirSync(dataDir, { recursive: true });
  const masterKeyPath = path.join(dataDir, 'master.key');
  const jwtSecretPath = path.join(dataDir, 'jwt.secret');
  return {
    masterKey: readOrCreate(masterKeyPath, () => randomBytes(32).toString('base64')),
    masterKeyPath,
    jwtSecret: readOrCreate(jwtSecretPath, () => randomBytes(48).toString('base64url')),
    jwtSecretPath,
  };
}
