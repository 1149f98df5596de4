import { Module } from '@nestjs/common';
import { RouterModule } from '../router/router.module.js';
import { EmbeddingsController } from './embeddings.controller.js';
import { EmbeddingsService } from './embeddings.service.js';

/** `POST /v1/embeddings` (§11), on the router's credential resolution and upstream relay. */
@Module({
  imports: [RouterModule],
  controllers: [EmbeddingsController],
  providers: [EmbeddingsService],
})
export class EmbeddingsModule {}
