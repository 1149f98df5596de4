import { Global, Module } from '@nestjs/common';
import { TeamsModule } from '../teams/teams.module.js';
import { LastUsedRecorder } from './last-used.recorder.js';
import { UsageController } from './usage.controller.js';
import { UsageQueryService } from './usage-query.service.js';
import { UsageRecorder } from './usage-recorder.js';

/**
 * What gateway traffic leaves behind, written off the request path: last-used times of keys, and the usage log
 * (§10) with its reports. Every gateway route records through `UsageRecorder`; only this module reads the log.
 */
@Global()
@Module({ imports: [TeamsModule], controllers: [UsageController], providers: [LastUsedRecorder, UsageRecorder, UsageQueryService], exports: [LastUsedRecorder, UsageRecorder] })
export class UsageModule {}
