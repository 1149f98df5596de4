import underPressure from '@fastify/under-pressure';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import { GatewayError } from '../common/errors/gateway-error.js';
import { isMachineApiPath } from '../common/security/security-headers.js';
import type { AppConfig } from '../config/app-config.js';
import type { MetricsService } from '../metrics/metrics.service.js';

/** How long a shed caller is asked to wait: about the time the event loop needs to catch up (one sample or two). */
export const SHED_RETRY_AFTER_SECONDS = 2;

/** How often the event-loop delay is averaged: shedding starts, and stops, within about this long of a change. */
const SAMPLE_INTERVAL_MS = 1_000;

/**
 * Load shedding (§12): while the event loop runs late by more than `SHED_EVENT_LOOP_DELAY_MS` on average, new
 * gateway requests get a 503 with `Retry-After` at once (the official SDKs wait and retry it) instead of joining a
 * queue they would leave by timing out. One event loop relays every stream of the process; past what it can
 * serve, each request accepted makes every open stream later, and new connections wait in the kernel's accept
 * queue until it overflows (connection resets, client timeouts: docs/benchmarks.md, 5,000 streams). Refusing
 * early keeps the streams already open on time. Only the gateway routes (`/v1/`, `/anthropic/`, `/google/`) are
 * shed: the settings page, the management API, `/metrics` and the probes still answer, so an operator can see
 * what is going on and `/readyz` does not take every replica out at once under a burst. `0` (the default) turns it
 * off: on a burst of 5,000 streams on 2 cores it refused streams that queueing would have served (docs/benchmarks.md).
 */
export async function installLoadShedding(app: NestFastifyApplication, config: AppConfig, metrics: MetricsService, logger: Logger): Promise<void> {
  const maxEventLoopDelay = config.shedEventLoopDelayMs;
  if (maxEventLoopDelay === 0) return;
  const body = new GatewayError(
    'service_unavailable',
    `The gateway is overloaded: retry in ${SHED_RETRY_AFTER_SECONDS} s.`,
  ).toBody();
  let shedding = false;
  let shedSinceLastLine = 0;
  await app.register(underPressure, {
    maxEventLoopDelay,
    sampleInterval: SAMPLE_INTERVAL_MS,
    // Returning without sending lets the request through (the other routes); once a reply is sent, Fastify stops there.
    pressureHandler: (request: FastifyRequest, reply: FastifyReply, _type: string, value: number | undefined) => {
      if (!isMachineApiPath(request.url)) return;
      if (!shedding) {
        shedding = true;
        logger.warn({ eventLoopDelayMs: Math.round(value ?? 0), limitMs: maxEventLoopDelay }, 'overloaded: shedding new gateway requests (503)');
      }
      shedSinceLastLine += 1;
      metrics.limitRejected('overloaded');
      void reply.code(503).header('retry-after', String(SHED_RETRY_AFTER_SECONDS)).header('content-type', 'application/json; charset=utf-8').send(body);
    },
  });
  // One line when it ends, with how many were refused: not one error line per refusal while the process is busiest.
  const fastify = app.getHttpAdapter().getInstance();
  const timer = setInterval(() => {
    if (!shedding || fastify.isUnderPressure()) return;
    shedding = false;
    logger.warn({ shedRequests: shedSinceLastLine }, 'overload over: gateway requests accepted again');
    shedSinceLastLine = 0;
  }, SAMPLE_INTERVAL_MS);
  timer.unref();
  fastify.addHook('onClose', (_instance, done) => {
    clearInterval(timer);
    done();
  });
}
