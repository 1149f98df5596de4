import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ProvidersModule } from '../providers/providers.module.js';
import { MasterKeyCheck } from './master-key.check.js';
import { RateLimitModule } from '../rate-limit/rate-limit.module.js';
import { ProviderKeyPolicyEntity } from './provider-key-policy.entity.js';
import { ProviderKeyEntity } from './provider-key.entity.js';
import { PROVIDER_KEY_REPOSITORY, TypeOrmProviderKeyRepository } from './provider-key.repository.js';
import { ProviderKeyTester } from './provider-key.tester.js';
import { ProviderKeysController } from './provider-keys.controller.js';
import { ProviderKeysService } from './provider-keys.service.js';
import { RequestKeyBudget } from './request-key-budget.js';
import { TrafficKeyJudge } from './traffic-key-judge.js';

@Module({
  imports: [TypeOrmModule.forFeature([ProviderKeyEntity, ProviderKeyPolicyEntity]), ProvidersModule, RateLimitModule],
  controllers: [ProviderKeysController],
  providers: [ProviderKeysService, RequestKeyBudget, TrafficKeyJudge, MasterKeyCheck, ProviderKeyTester, { provide: PROVIDER_KEY_REPOSITORY, useClass: TypeOrmProviderKeyRepository }],
  exports: [ProviderKeysService, RequestKeyBudget, TrafficKeyJudge],
})
export class ProviderKeyModule {}
