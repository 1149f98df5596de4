import { randomBytes } from 'node:crypto';

const ALPHANUMERIC = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const HEXADECIMAL = '0123456789abcdef';

/** Random characters from an alphabet; ids only need to look real and not collide. */
export function randomToken(length: number, alphabet: string = ALPHANUMERIC): string {
  const bytes = randomBytes(length);
  let token = '';
  for (const byte of bytes) token += alphabet[byte % alphabet.length];
  return token;
}

export function randomHex(length: number): string {
  return randomToken(length, HEXADECIMAL);
}

/** Unix seconds, the unit of OpenAI's `created`. */
export function unixSeconds(): number {
  return Math.floor(Date.now() / 1000);
}
