import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ProviderId, RegistrationMode } from '@uniroute/shared';
import { envSchema, type Env } from './env.schema.js';
import { loadDevSecrets } from './dev-secrets.js';
import { parseMasterKeyRing, type MasterKeyRing } from './master-key-ring.js';

/** Thrown for invalid configuration: `main.ts` prints its message as one line and exits. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** Per-provider upstream settings. */
export interface ProviderConfig {
  readonly baseUrl: string;
  /** The operator's server-level key, if any. Never logged. */
  readonly serverKey: string | undefined;
}

/** The validated configuration: the only place the process environment is read. */
export interface AppConfig {
  readonly env: Env['NODE_ENV'];
  readonly host: string;
  readonly port: number;
  readonly database: { readonly url: string | undefined; readonly poolSize: number; readonly dataDir: string };
  readonly masterKeys: MasterKeyRing;
  readonly jwt: { readonly secret: string; readonly ttlSeconds: number };
  readonly providers: Readonly<Record<ProviderId, ProviderConfig>>;
  readonly allowServerKeyFallback: boolean;
  /** `x-uniroute-provider-key` (§8): a caller may send a provider key for one request. */
  readonly allowRequestKeys: boolean;
  /** Audit events older than this are deleted (§8). */
  readonly auditRetentionDays: number;
  /** Usage (§10): rows older than `retentionDays` are deleted; at most `queueMax` requests wait in memory for the database. */
  readonly usage: { readonly retentionDays: number; readonly queueMax: number };
  /** `connections` 0 = no cap per origin (the per-user in-flight cap bounds what one user holds). */
  readonly upstream: { readonly timeoutMs: number; readonly connectTimeoutMs: number; readonly connections: number };
  /**
   * Abuse limits (§12): server-key requests per user per minute (0 = none), concurrent gateway requests per user
   * (per replica), provider-key tests and validations per user per hour. `redisUrl` (never logged: it may hold a
   * password) makes the server-key count a Redis counter instead of leases from the database.
   */
  readonly quotas: {
    readonly serverKeyRpm: number;
    readonly maxInflightPerUser: number;
    readonly providerKeyTestsPerHour: number;
    readonly redisUrl: string | undefined;
  };
  readonly logLevel: Env['LOG_LEVEL'];
  readonly login: { readonly maxAttempts: number; readonly windowSeconds: number };
  /**
   * Gateway requests per client network (IPv6: its /64) and minute, on each replica, whose `ur_` key had to be looked up
   * in the database and was no valid key; past it a `429` before any lookup. 0 = no limit.
   */
  readonly apiKeyFailuresPerMinute: number;
  /** Who may create an account (§12), and how many registrations one client IP may attempt per window. */
  readonly registration: { readonly mode: RegistrationMode; readonly maxPerIp: number; readonly windowSeconds: number };
  /** The gateway's public origin for links it hands out (invitations); unset: the request's origin. */
  readonly publicUrl: string | undefined;
  /** Fastify's `trustProxy`: which `X-Forwarded-For` hops give the client IP (`request.ip`). */
  readonly trustProxy: boolean | number | readonly string[];
  /** How long a cached principal (API key or session → user) is trusted before it is re-checked, ≤ 60 s. */
  readonly principalCacheTtlSeconds: number;
  readonly bodyLimitBytes: number;
  /** Slow clients (§12): the whole request (headers and body) must arrive within this; responses are not limited. */
  readonly requestTimeoutMs: number;
  /** How long an idle kept-alive connection (between requests, never during a response) stays open. */
  readonly keepAliveTimeoutMs: number;
  /** Open connections beyond this are closed at once (Node's `server.maxConnections`). */
  readonly maxConnections: number;
  readonly corsOrigins: readonly string[];
  readonly shutdownTimeoutMs: number;
  /** Gateway requests get a 503 while the event loop runs this late on average (load shedding); 0 = never. */
  readonly shedEventLoopDelayMs: number;
  readonly webDistDir: string;
  /** When set, `GET /metrics` needs `Authorization: Bearer <token>`; unset, it is public. Never logged. */
  readonly metricsToken: string | undefined;
  /** Warnings to log once the logger exists (e.g. generated dev secrets). */
  readonly startupWarnings: readonly string[];
}

/** Every configured server key: masked as they are in everything relayed from or logged about an upstream. */
export function serverKeysOf(config: Pick<AppConfig, 'providers'>): string[] {
  return Object.values(config.providers)
    .map((provider) => provider.serverKey)
    .filter((key): key is string => typeof key === 'string' && key.length > 0);
}

/** The Nest injection token for `AppConfig`. */
export const APP_CONFIG = Symbol('APP_CONFIG');

const defaultWebDist = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../web/dist');

/** Validates `environment` and resolves secrets; throws `ConfigError` naming the first bad variable. */
export function loadConfig(environment: NodeJS.ProcessEnv = process.env): AppConfig {
  const parsed = envSchema.safeParse(environment);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const variable = String(issue?.path[0] ?? 'environment');
    throw new ConfigError(`Invalid configuration: ${variable} ${issue?.message ?? 'is invalid'}`);
  }
  const env = parsed.data;
  const dataDir = path.resolve(env.DATA_DIR);
  const startupWarnings: string[] = [];

  let masterKeySource = env.UNIROUTE_MASTER_KEYS ?? (env.UNIROUTE_MASTER_KEY ? `v1:${env.UNIROUTE_MASTER_KEY}` : undefined);
  let jwtSecret = env.JWT_SECRET;
  if (env.NODE_ENV === 'production') {
    if (!masterKeySource) throw new ConfigError('Invalid configuration: UNIROUTE_MASTER_KEY is required when NODE_ENV=production (32 random bytes, base64)');
    if (!jwtSecret) throw new ConfigError('Invalid configuration: JWT_SECRET is required when NODE_ENV=production (at least 32 characters)');
  } else if (!masterKeySource || !jwtSecret) {
    const devSecrets = loadDevSecrets(dataDir);
    if (!masterKeySource) {
      masterKeySource = `v1:${devSecrets.masterKey}`;
      startupWarnings.push(
        `UNIROUTE_MASTER_KEY is not set: using the development master key in ${devSecrets.masterKeyPath}. ` +
          'Anyone who can read that file can decrypt every stored provider key. Set UNIROUTE_MASTER_KEY in production.',
      );
    }
    if (!jwtSecret) {
      jwtSecret = devSecrets.jwtSecret;
      startupWarnings.push(`JWT_SECRET is not set: using the development secret in ${devSecrets.jwtSecretPath}.`);
    }
  }

  const hasServerKey = Boolean(env.OPENAI_API_KEY || env.ANTHROPIC_API_KEY || env.GOOGLE_API_KEY);
  if (env.REGISTRATION === 'open' && hasServerKey && env.ALLOW_SERVER_KEY_FALLBACK) {
    startupWarnings.push(
      'REGISTRATION=open with server provider keys and ALLOW_SERVER_KEY_FALLBACK=true: ANYONE who can reach this gateway can create an account ' +
        'and spend your server keys. Use REGISTRATION=invite (the default), or set ALLOW_SERVER_KEY_FALLBACK=false.',
    );
  }

  return {
    env: env.NODE_ENV,
    host: env.HOST,
    port: env.PORT,
    database: { url: env.DATABASE_URL, poolSize: env.DATABASE_POOL_SIZE, dataDir },
    masterKeys: parseMasterKeyRing(masterKeySource),
    jwt: { secret: jwtSecret, ttlSeconds: env.SESSION_TTL_SECONDS },
    providers: {
      openai: { baseUrl: env.OPENAI_BASE_URL, serverKey: env.OPENAI_API_KEY },
      anthropic: { baseUrl: env.ANTHROPIC_BASE_URL, serverKey: env.ANTHROPIC_API_KEY },
      google: { baseUrl: env.GOOGLE_BASE_URL, serverKey: env.GOOGLE_API_KEY },
    },
    allowServerKeyFallback: env.ALLOW_SERVER_KEY_FALLBACK,
    allowRequestKeys: env.ALLOW_REQUEST_KEYS,
    auditRetentionDays: env.AUDIT_RETENTION_DAYS,
    usage: { retentionDays: env.USAGE_RETENTION_DAYS, queueMax: env.USAGE_QUEUE_MAX },
    upstream: { timeoutMs: env.UPSTREAM_TIMEOUT_MS, connectTimeoutMs: env.UPSTREAM_CONNECT_TIMEOUT_MS, connections: env.UPSTREAM_CONNECTIONS },
    quotas: {
      serverKeyRpm: env.SERVER_KEY_RPM,
      maxInflightPerUser: env.MAX_INFLIGHT_PER_USER,
      providerKeyTestsPerHour: env.PROVIDER_KEY_TESTS_PER_HOUR,
      redisUrl: env.REDIS_URL,
    },
    logLevel: env.LOG_LEVEL,
    login: { maxAttempts: env.LOGIN_MAX_ATTEMPTS, windowSeconds: env.LOGIN_WINDOW_SECONDS },
    apiKeyFailuresPerMinute: env.API_KEY_FAILURES_PER_MINUTE,
    registration: { mode: env.REGISTRATION, maxPerIp: env.REGISTRATION_MAX_PER_IP, windowSeconds: env.REGISTRATION_WINDOW_SECONDS },
    publicUrl: env.PUBLIC_URL,
    trustProxy: env.TRUST_PROXY,
    principalCacheTtlSeconds: env.PRINCIPAL_CACHE_TTL_SECONDS,
    bodyLimitBytes: env.BODY_LIMIT_BYTES,
    requestTimeoutMs: env.REQUEST_TIMEOUT_MS,
    keepAliveTimeoutMs: env.KEEP_ALIVE_TIMEOUT_MS,
    maxConnections: env.MAX_CONNECTIONS,
    corsOrigins: env.CORS_ORIGINS.split(',').map((origin) => origin.trim()).filter(Boolean),
    shutdownTimeoutMs: env.SHUTDOWN_TIMEOUT_MS,
    shedEventLoopDelayMs: env.SHED_EVENT_LOOP_DELAY_MS,
    webDistDir: env.WEB_DIST_DIR ? path.resolve(env.WEB_DIST_DIR) : defaultWebDist,
    metricsToken: env.METRICS_TOKEN,
    startupWarnings,
  };
}
