import { Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { ProviderKeysService } from './provider-keys.service.js';

/**
 * Runs the master-key check once the migrations have run (they run in DatabaseModule's
 * `onModuleInit`) and before the gateway listens: a ring that cannot open the stored keys stops
 * start-up with one line naming UNIROUTE_MASTER_KEY (main.ts prints it).
 */
@Injectable()
export class MasterKeyCheck implements OnApplicationBootstrap {
  constructor(private readonly providerKeys: ProviderKeysService) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.providerKeys.checkMasterKeyRing();
  }
}
