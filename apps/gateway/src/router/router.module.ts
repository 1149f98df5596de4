import { Module } from '@nestjs/common';
import { ProviderKeysModule } from '../provider-keys/provider-keys.module.js';
import { ProvidersModule } from '../providers/providers.module.js';
import { ChatCompletionsController } from './chat-completions.controller.js';
import { CredentialResolver } from './credential-resolver.js';
import { ModelsController } from './models.controller.js';
import { ModelsService } from './models.service.js';
import { RouterService } from './router.service.js';

@Module({
  imports: [ProvidersModule, ProviderKeysModule],
  controllers: [ChatCompletionsController, ModelsController],
  providers: [RouterService, CredentialResolver, ModelsService],
  exports: [CredentialResolver],
})
export class RouterModule {}
