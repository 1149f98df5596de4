import { Module } from '@nestjs/common';
import { SecretMasker } from '../common/security/secret-masker.js';
import { UpstreamClient } from './upstream-client.js';

/** The pooled upstream HTTP client and the masker for what comes back; the adapters themselves are plain objects (provider-registry.ts). */
@Module({ providers: [UpstreamClient, SecretMasker], exports: [UpstreamClient, SecretMasker] })
export class ProvidersModule {}
