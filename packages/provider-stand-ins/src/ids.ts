import { randomFillSync } from 'node:crypto';

const ALPHANUMERIC = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const HEXADECIMAL = '0123456789abcdef';

// One crypto call per 4 KB of ids instead of one per id: ids are minted on every
// request and the stand-ins sit under a benchmark.
const pool = Buffer.alloc(4096);
let poolOffset = pool.length;

function randomByte(): number {
  if (poolOffset >= pool.length) {
    randomFillSync(pool);
    poolOffset = 0;
  }
  return pool[poolOffset++] as number;
}

/** Random characters from an alphabet; ids only need to look real and not collide. */
export function randomToken(length: number, alphabet: string = ALPHANUMERIC): string {
  let token = '';
  for (let index = 0; index < length; index += 1) token += alphabet[randomByte() % alphabet.length];
  return token;
}

export function randomHex(length: number): string {
  return randomToken(length, HEXADECIMAL);
}

/** Unix seconds, the unit of OpenAI's `created`. */
export function unixSeconds(): number {
  return Math.floor(Date.now() / 1000);
}
