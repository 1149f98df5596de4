import { Module } from '@nestjs/common';
import { ProviderKeyModule } from '../provider-keys/provider-key.module.js';
import { ProvidersModule } from '../providers/providers.module.js';
import { RouterModule } from '../router/router.module.js';
import { AnthropicNativeController } from './anthropic-native.controller.js';
import { GoogleNativeController } from './google-native.controller.js';
import { NativeRelayService } from './native-relay.service.js';
import { RawBodyCapture } from './raw-body.js';

/**
 * Native pass-through routes for the official Anthropic and Google SDKs (`/anthropic/*`, `/google/*`),
 * with the same API keys, BYOK resolution and upstream client as `/v1/chat/completions`.
 */
@Module({
  imports: [ProvidersModule, ProviderKeyModule, RouterModule],
  controllers: [AnthropicNativeController, GoogleNativeController],
  providers: [NativeRelayService, RawBodyCapture],
})
export class NativeModule {}
