import { pipeline, Transform } from 'node:stream';
import { Injectable, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { RouteConfig } from '@nestjs/platform-fastify';
import type { FastifyInstance, FastifyRequest } from 'fastify';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Set by {@link KeepRawBody}: the hook keeps a copy of the request body bytes. */
    keepRawBody?: boolean;
  }
}

const RAW_BODY = Symbol('uniroute.rawBody');

type RequestWithRawBody = FastifyRequest & { [RAW_BODY]?: Buffer };

/**
 * Marks a route whose request body must reach the upstream exactly as the client sent it. Fastify
 * parses JSON bodies, and `JSON.stringify` of the parsed value is not the same bytes (spacing,
 * `1.0`, `\u00e9`), so a pass-through route sends the copy the hook kept instead.
 */
export const KeepRawBody = () => RouteConfig({ keepRawBody: true });

/** The body bytes of a {@link KeepRawBody} route, as UTF-8 text (JSON is UTF-8); undefined without a body. */
export function rawBodyOf(request: FastifyRequest): string | undefined {
  return (request as RequestWithRawBody)[RAW_BODY]?.toString('utf8');
}

/**
 * Installs one `preParsing` hook that copies the body of {@link KeepRawBody} routes as it streams past
 * the parser; every other route is untouched. Fastify still enforces the body limit on the stream.
 */
@Injectable()
export class RawBodyCapture implements OnModuleInit {
  constructor(private readonly adapterHost: HttpAdapterHost) {}

  onModuleInit(): void {
    // Route hooks are collected when Fastify gets ready (at listen), so routes registered earlier get this one too.
    const fastify = this.adapterHost.httpAdapter.getInstance<FastifyInstance>();
    fastify.addHook('preParsing', (request, _reply, payload, done) => {
      if (request.routeOptions.config.keepRawBody !== true) {
        done(null, payload);
        return;
      }
      const chunks: Buffer[] = [];
      const copy = new Transform({
        transform(chunk: Buffer, _encoding, callback) {
          chunks.push(chunk);
          callback(null, chunk);
        },
        flush(callback) {
          (request as RequestWithRawBody)[RAW_BODY] = Buffer.concat(chunks);
          callback();
        },
      });
      // A broken upload destroys `copy` with the error, which reaches Fastify's body reader.
      pipeline(payload, copy, () => undefined);
      done(null, copy);
    });
  }
}
