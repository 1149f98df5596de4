import { Module } from '@nestjs/common';
import { ApiKeysModule } from '../api-keys/api-keys.module.js';
import { ProviderKeyModule } from '../provider-keys/provider-key.module.js';
import { RateLimitModule } from '../rate-limit/rate-limit.module.js';
import { UsersModule } from '../users/users.module.js';
import { TeamProviderKeysController } from './team-provider-keys.controller.js';
import { TeamsController } from './teams.controller.js';
import { TeamsService } from './teams.service.js';

/** Teams and shared provider keys (§9). */
@Module({
  imports: [ApiKeysModule, ProviderKeyModule, RateLimitModule, UsersModule],
  controllers: [TeamsController, TeamProviderKeysController],
  providers: [TeamsService],
  exports: [TeamsService],
})
export class TeamsModule {}
