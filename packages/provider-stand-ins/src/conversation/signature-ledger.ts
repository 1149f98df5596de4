import { randomBytes } from 'node:crypto';

/**
 * The signatures a stand-in issued (Anthropic thinking signatures, redacted-thinking data, Gemini thought
 * signatures), each with what it signs, so the next turn can be checked the way the real APIs check it: a signature
 * the stand-in never issued, or one sent back with different content, is rejected. Bounded: the oldest are forgotten
 * first, so a long benchmark cannot exhaust memory.
 */
export class SignatureLedger {
  private readonly issued = new Map<string, string>();

  constructor(private readonly maxEntries = 10_000) {}

  /** A fresh opaque signature (base64, like the real ones) over `content`. */
  issue(content: string): string {
    const signature = randomBytes(48).toString('base64');
    this.issued.set(signature, content);
    if (this.issued.size > this.maxEntries) {
      const oldest = this.issued.keys().next().value;
      if (oldest !== undefined) this.issued.delete(oldest);
    }
    return signature;
  }

  /** Whether `signature` was issued here, for exactly `content` when that is given. */
  verify(signature: string, content?: string): boolean {
    const signed = this.issued.get(signature);
    return signed !== undefined && (content === undefined || signed === content);
  }
}
