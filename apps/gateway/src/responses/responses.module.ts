import { Module } from '@nestjs/common';
import { RouterModule } from '../router/router.module.js';
import { ResponsesController } from './responses.controller.js';
import { ResponsesService } from './responses.service.js';

/** `/v1/responses` (§11): OpenAI's Responses API relayed on the router's credential resolution. */
@Module({
  imports: [RouterModule],
  controllers: [ResponsesController],
  providers: [ResponsesService],
})
export class ResponsesModule {}
