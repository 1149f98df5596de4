import { Module } from '@nestjs/common';
import { UpstreamClient } from './upstream-client.js';

/** The pooled upstream HTTP client; the adapters themselves are plain objects (provider-registry.ts). */
@Module({ providers: [UpstreamClient], exports: [UpstreamClient] })
export class ProvidersModule {}
