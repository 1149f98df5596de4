import { Module } from '@nestjs/common';
import { InflightLimiter } from './inflight-limiter.js';
import { ServerKeyRationService } from './server-key-ration.service.js';

/** Abuse limits on the gateway routes (§12): server-key rationing and concurrent requests per user. */
@Module({
  providers: [ServerKeyRationService, InflightLimiter],
  exports: [ServerKeyRationService, InflightLimiter],
})
export class QuotasModule {}
