import type { Server } from 'node:http';
import { setTimeout as delay } from 'node:timers/promises';
import type { Logger } from 'pino';
import type { DrainState } from '../health/drain-state.js';
import type { MetricsService } from '../metrics/metrics.service.js';

/** How often connections that went idle while draining are closed (Node closes idle ones only once, at `server.close()`). */
const IDLE_SWEEP_MS = 100;

export interface DrainOptions {
  readonly server: Server;
  readonly drain: DrainState;
  readonly metrics: MetricsService;
  readonly timeoutMs: number;
  readonly logger: Logger;
}

/**
 * The first half of a graceful shutdown: stop accepting connections at once, answer 503 on
 * kept-alive ones (`drain.draining`), and let in-flight requests and SSE streams finish — up to
 * `timeoutMs`, after which the remaining connections are cut. The router hijacks stream replies,
 * so Fastify does not know about them: they are counted in `MetricsService`. Resolves `true` when
 * everything finished in time.
 */
export async function drainHttp({ server, drain, metrics, timeoutMs, logger }: DrainOptions): Promise<boolean> {
  drain.startDraining();
  const serverClosed = new Promise<void>((resolve) => {
    if (!server.listening) resolve();
    else server.close(() => resolve());
  });
  const sweep = setInterval(() => server.closeIdleConnections(), IDLE_SWEEP_MS);
  const timeout = new AbortController();
  try {
    const finished = await Promise.race([
      Promise.all([serverClosed, metrics.whenStreamsIdle()]).then(() => true),
      delay(timeoutMs, false, { signal: timeout.signal }).catch(() => false),
    ]);
    if (!finished) {
      logger.warn({ activeStreams: metrics.activeStreams, timeoutMs }, 'shutdown: in-flight requests still running after SHUTDOWN_TIMEOUT_MS; closing their connections');
      server.closeAllConnections();
    }
    return finished;
  } finally {
    timeout.abort();
    clearInterval(sweep);
  }
}
