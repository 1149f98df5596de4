import { Global, Module } from '@nestjs/common';
import { LastUsedRecorder } from './last-used.recorder.js';

@Global()
@Module({ providers: [LastUsedRecorder], exports: [LastUsedRecorder] })
export class UsageModule {}
