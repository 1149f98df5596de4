import { Module } from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import { InflightLimitInterceptor } from './inflight-limit.interceptor.js';
import { InflightLimiter } from './inflight-limiter.js';
import { ServerKeyRationService } from './server-key-ration.service.js';

/** Abuse limits on the gateway routes (§12): server-key rationing and concurrent requests per user. */
@Module({
  providers: [ServerKeyRationService, InflightLimiter, { provide: APP_INTERCEPTOR, useClass: InflightLimitInterceptor }],
  exports: [ServerKeyRationService, InflightLimiter],
})
export class QuotasModule {}
