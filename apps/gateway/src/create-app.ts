import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { ValidationPipe, type ValidationError } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import { AppModule } from './app.module.js';
import { GatewayError } from './common/errors/gateway-error.js';
import { sendError } from './common/errors/openai-error.filter.js';
import { answerClientError } from './common/http/client-error-handler.js';
import { limitManagementBodies, slowClientServerOptions } from './common/http/http-limits.js';
import { installJsonBodyParser } from './common/http/json-body-parser.js';
import { refuseUnstorableQueryAndParams } from './common/http/unstorable-text.js';
import { createLogger } from './common/logging/logger.js';
import { NestPinoLogger } from './common/logging/nest-logger.js';
import { securityHeaders, securityHeadersFor } from './common/security/security-headers.js';
import { loadConfig, serverKeysOf, type AppConfig } from './config/app-config.js';
import { fastifyTrustProxy } from './config/trust-proxy.js';
import { openDatabase } from './database/open-database.js';
import { DrainState } from './health/drain-state.js';
import { MetricsService } from './metrics/metrics.service.js';
import { setupOpenApi } from './openapi/openapi.js';
import { installLoadShedding } from './overload/load-shedding.js';
import { drainHttp } from './shutdown/drain-http.js';

/** A started gateway. */
export interface RunningApp {
  readonly app: NestFastifyApplication;
  readonly config: AppConfig;
  readonly logger: Logger;
  /** `http://host:port` it listens on. */
  readonly url: string;
  /**
   * Graceful shutdown: stops accepting connections, lets in-flight requests and streams finish (up
   * to SHUTDOWN_TIMEOUT_MS, `/readyz` answering 503 meanwhile), then closes the app and its database.
   */
  close(): Promise<void>;
}

export interface CreateAppOptions {
  /** The environment to read (defaults to `process.env`). */
  readonly env?: NodeJS.ProcessEnv;
  /** Where log lines go (tests capture them to check redaction). */
  readonly logDestination?: NodeJS.WritableStream;
}

const REQUEST_ID_PATTERN = /^[A-Za-z0-9._:-]{1,128}$/;

/** Builds and starts the gateway: config → logger → database → Nest on Fastify → listen. */
export async function createApp(options: CreateAppOptions = {}): Promise<RunningApp> {
  const config = loadConfig(options.env ?? process.env);
  const logger = createLogger({ level: config.logLevel, destination: options.logDestination, secrets: serverKeysOf(config) });
  for (const warning of config.startupWarnings) logger.warn(warning);

  const database = await openDatabase(config);
  let app: NestFastifyApplication;
  try {
    const adapter = new FastifyAdapter({
      bodyLimit: config.bodyLimitBytes,
      // A caller's request id is kept when sane, so logs join up across services.
      genReqId: (request: { headers: Record<string, string | string[] | undefined> }) => {
        const header = request.headers['x-request-id'];
        return typeof header === 'string' && REQUEST_ID_PATTERN.test(header) ? header : randomUUID();
      },
      return503OnClosing: true,
      // TRUST_PROXY (§12): which X-Forwarded-For hops `request.ip` (logs, limits) believes.
      trustProxy: fastifyTrustProxy(config.trustProxy),
      // Slow clients (§12): the request must arrive in time; responses (streams) are not timed.
      requestTimeout: config.requestTimeoutMs,
      // Fastify's default (72 s) lets one client hold MAX_CONNECTIONS idle sockets cheaply. Node times
      // only the idle gap between requests with it, never a response or stream in progress.
      keepAliveTimeout: config.keepAliveTimeoutMs,
      http: slowClientServerOptions(config),
      clientErrorHandler: answerClientError,
      // What the router rejects before any hook runs (bad percent-encoding, over-long parameters).
      frameworkErrors: (error: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
        void reply.headers(securityHeadersFor(request.url, securityHeaders())).header('x-request-id', request.id);
        sendError(error, request, reply, logger);
      },
    });
    app = await NestFactory.create<NestFastifyApplication>(AppModule.forRoot({ config, database, logger }), adapter, {
      logger: new NestPinoLogger(logger),
      abortOnError: false,
      // The JSON parser is ours (installJsonBodyParser): Nest's would override the per-route body limits.
      bodyParser: false,
    });
  } catch (error) {
    await database.stop();
    throw error;
  }

  app.useGlobalPipes(
    new ValidationPipe({
      whitelist: true,
      forbidNonWhitelisted: true,
      transform: true,
      exceptionFactory: (errors: ValidationError[]) => validationError(errors),
    }),
  );
  const fastify = app.getHttpAdapter().getInstance();
  installJsonBodyParser(fastify);
  refuseUnstorableQueryAndParams(fastify);
  limitManagementBodies(fastify, config);
  const drain = app.get(DrainState);
  installCors(app, config);
  installHttpHooks(app, logger, drain);
  await installLoadShedding(app, config, app.get(MetricsService), logger);
  setupOpenApi(app);
  if (existsSync(path.join(config.webDistDir, 'index.html'))) {
    app.useStaticAssets({ root: config.webDistDir, prefix: '/', wildcard: false, index: false, maxAge: '1h' });
  } else {
    logger.warn({ webDistDir: config.webDistDir }, 'settings SPA not built: `pnpm build` (or `pnpm start`) builds it');
  }

  app.getHttpServer().maxConnections = config.maxConnections;
  try {
    // Lifecycle hooks (migrations, the master-key check) run here: a failure must not leave the
    // embedded database running, or the next start would find DATA_DIR "in use".
    await app.listen({ port: config.port, host: config.host });
  } catch (error) {
    await app.close().catch(() => undefined);
    await database.stop();
    throw error;
  }
  const address = app.getHttpServer().address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const url = `http://${config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host}:${port}`;
  logger.info({ url, database: database.embedded ? 'embedded PGlite' : 'PostgreSQL server' }, 'UniRoute gateway listening');

  let closing: Promise<void> | undefined;
  return {
    app,
    config,
    logger,
    url,
    close: () =>
      (closing ??= (async () => {
        await drainHttp({ server: app.getHttpServer(), drain, metrics: app.get(MetricsService), timeoutMs: config.shutdownTimeoutMs, logger });
        await app.close();
        await database.stop();
      })()),
  };
}

/** class-validator errors → one 400 in OpenAI's shape naming the first offending field. */
function validationError(errors: ValidationError[]): GatewayError {
  let error: ValidationError | undefined = errors[0];
  const fieldPath: string[] = [];
  while (error) {
    fieldPath.push(error.property);
    if (error.constraints) break;
    error = error.children?.[0];
  }
  const message = error?.constraints ? Object.values(error.constraints)[0] : 'Invalid request body.';
  return new GatewayError('validation_failed', message ?? 'Invalid request body.', { param: fieldPath.join('.') || undefined });
}

/** CORS for the origins in CORS_ORIGINS (`*` = any); none configured: same-origin only, no CORS headers at all. */
function installCors(app: NestFastifyApplication, config: AppConfig): void {
  if (config.corsOrigins.length === 0) return;
  app.enableCors({
    origin: config.corsOrigins.includes('*') ? '*' : [...config.corsOrigins],
    methods: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'],
    exposedHeaders: ['x-request-id', 'x-uniroute-provider', 'x-uniroute-key-source', 'retry-after'],
    maxAge: 600,
  });
}

/** While draining, requests on kept-alive connections get this and the connection closes; probes still answer. */
const SHUTTING_DOWN = new GatewayError('service_unavailable', 'The gateway is shutting down: retry the request.').toBody();

/**
 * Security headers on every response, hijacked SSE streams included: helmet's (computed once) for
 * pages, docs and the management API; a lean set for the gateway APIs (see security-headers.ts).
 * Request ids: on the response and on the access-log line (one per request; no per-request child
 * logger, that allocation is measurable at load). Code that logs while handling a request passes
 * `reqId` itself (see common/logging/logger.ts for why there is no AsyncLocalStorage).
 */
function installHttpHooks(app: NestFastifyApplication, logger: Logger, drain: DrainState): void {
  const fastify = app.getHttpAdapter().getInstance();
  const headers = securityHeaders();
  fastify.addHook('onRequest', (request, reply, done) => {
    void reply.headers(securityHeadersFor(request.url, headers)).header('x-request-id', request.id);
    if (drain.draining && request.url !== '/healthz' && request.url !== '/readyz') {
      void reply.code(503).header('connection', 'close').header('content-type', 'application/json; charset=utf-8').send(SHUTTING_DOWN);
      return;
    }
    done();
  });
  fastify.addHook('onResponse', (request, reply, done) => {
    const level = reply.statusCode >= 500 ? 'error' : request.url === '/healthz' || request.url === '/readyz' ? 'debug' : 'info';
    // A 5xx line is kept and read more widely: it carries the path only, no query parameters (§12).
    const url = level === 'error' ? request.url.split('?')[0] : request.url;
    logger[level](
      { reqId: request.id, method: request.method, url, status: reply.statusCode, durationMs: Math.round(reply.elapsedTime * 100) / 100 },
      'request completed',
    );
    done();
  });
}
