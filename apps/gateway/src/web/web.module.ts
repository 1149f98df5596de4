import { Module } from '@nestjs/common';
import { SpaController } from './spa.controller.js';

/** Serves the built settings SPA; its static files are registered in `create-app.ts`. Import last: its route is a catch-all. */
@Module({ controllers: [SpaController] })
export class WebModule {}
