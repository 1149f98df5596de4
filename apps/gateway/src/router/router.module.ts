import { Module } from '@nestjs/common';
import { ProviderKeyModule } from '../provider-keys/provider-key.module.js';
import { ProvidersModule } from '../providers/providers.module.js';
import { QuotasModule } from '../quotas/quotas.module.js';
import { ChatCompletionsController } from './chat-completions.controller.js';
import { CredentialResolver } from './credential-resolver.js';
import { ModelsController } from './models.controller.js';
import { ModelsService } from './models.service.js';
import { RouterService } from './router.service.js';

@Module({
  imports: [ProvidersModule, ProviderKeyModule, QuotasModule],
  controllers: [ChatCompletionsController, ModelsController],
  providers: [RouterService, CredentialResolver, ModelsService],
  exports: [CredentialResolver],
})
export class RouterModule {}
