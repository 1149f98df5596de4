import { Module } from '@nestjs/common';
import { SecretMasker } from '../common/security/secret-masker.js';
import { ThoughtSignatureStore } from './google/thought-signature-store.js';
import { UpstreamClient } from './upstream-client.js';

/**
 * The pooled upstream HTTP client, the masker for what comes back and the callers' Gemini
 * thought-signature memory; the adapters themselves are plain objects (provider-registry.ts).
 */
@Module({
  providers: [UpstreamClient, SecretMasker, { provide: ThoughtSignatureStore, useFactory: () => new ThoughtSignatureStore() }],
  exports: [UpstreamClient, SecretMasker, ThoughtSignatureStore],
})
export class ProvidersModule {}
