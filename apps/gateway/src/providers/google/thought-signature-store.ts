import { Injectable } from '@nestjs/common';
import { LRUCache } from 'lru-cache';
import type { ThoughtSignatureMemory } from '../provider-adapter.js';

/** Limits of the in-memory store; signatures are a few kilobytes each, so the byte bound is the one that bites. */
export interface ThoughtSignatureStoreLimits {
  /** Total characters of keys and signatures held (one process's share of memory for this). */
  readonly maxChars: number;
  readonly maxEntries: number;
  /** How long a signature is kept for the next turn of its conversation. */
  readonly ttlMs: number;
}

/**
 * 32 Mi characters (about 64 MiB of strings), 100,000 tool calls, one hour: a tool round trip takes seconds to minutes,
 * and a conversation resumed later falls back to Google's documented signature-less history (see the README).
 */
export const DEFAULT_THOUGHT_SIGNATURE_LIMITS: ThoughtSignatureStoreLimits = {
  maxChars: 32 * 1024 * 1024,
  maxEntries: 100_000,
  ttlMs: 60 * 60 * 1000,
};

/**
 * Gemini thought signatures by caller and tool-call id, for clients that drop `extra_content` from the history they
 * send back. Entries are keyed by the caller's user id, so one caller can neither read nor overwrite another's; the
 * store is bounded (LRU by size) and entries expire. It is per process: the README says what happens when the next
 * turn lands on another replica.
 * @see https://ai.google.dev/gemini-api/docs/thought-signatures
 */
@Injectable()
export class ThoughtSignatureStore {
  private readonly entries: LRUCache<string, string>;

  /** `now` (milliseconds) is injectable so expiry can be tested without waiting. */
  constructor(limits: ThoughtSignatureStoreLimits = DEFAULT_THOUGHT_SIGNATURE_LIMITS, now: () => number = () => performance.now()) {
    this.entries = new LRUCache<string, string>({
      max: limits.maxEntries,
      maxSize: limits.maxChars,
      sizeCalculation: (signature, key) => signature.length + key.length,
      ttl: limits.ttlMs,
      // Read the clock on every lookup rather than a value cached for a millisecond (cheap next to a request).
      ttlResolution: 0,
      perf: { now },
    });
  }

  /** A view of the store that only sees one caller's entries. */
  forCaller(userId: string): ThoughtSignatureMemory {
    // NUL cannot occur in a user id (a UUID), so no caller can forge another caller's key prefix.
    const key = (toolCallId: string): string => `${userId}\u0000${toolCallId}`;
    return {
      remember: (toolCallId, signature) => {
        this.entries.set(key(toolCallId), signature);
      },
      recall: (toolCallId) => this.entries.get(key(toolCallId)),
    };
  }
}
