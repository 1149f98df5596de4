import { Module } from '@nestjs/common';
import { ThoughtSignatureStore } from './google/thought-signature-store.js';
import { UpstreamClient } from './upstream-client.js';

/**
 * The pooled upstream HTTP client and the callers' Gemini thought-signature memory; the adapters themselves are plain
 * objects (provider-registry.ts).
 */
@Module({
  providers: [UpstreamClient, { provide: ThoughtSignatureStore, useFactory: () => new ThoughtSignatureStore() }],
  exports: [UpstreamClient, ThoughtSignatureStore],
})
export class ProvidersModule {}
