import { isIP } from 'node:net';
import { REGISTRATION_MODES } from '@uniroute/shared';
import { z } from 'zod';
import { MasterKeyRingError, parseMasterKeyRing } from './master-key-ring.js';

const booleanString = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'], { message: 'must be true or false' })
  .transform((value) => value === 'true' || value === '1' || value === 'yes');

const positiveInteger = z.coerce.number({ message: 'must be a number' }).int('must be a whole number').positive('must be positive');

const nonNegativeInteger = z.coerce.number({ message: 'must be a number' }).int('must be a whole number').min(0, 'must be 0 or more');

const httpUrl = z
  .url({ message: 'must be an http(s) URL' })
  .refine((value) => /^https?:\/\//.test(value), 'must be an http(s) URL')
  .transform((value) => value.replace(/\/+$/, ''));

/** A base64 string that decodes to exactly 32 bytes (an AES-256 key). */
export const base64Key32 = z
  .string()
  .trim()
  .refine((value) => /^[A-Za-z0-9+/_-]+={0,2}$/.test(value) && Buffer.from(value, 'base64').length === 32, {
    message: 'must be 32 random bytes, base64-encoded (e.g. `openssl rand -base64 32`)',
  });

/** `v2:<b64>,v1:<b64>`: the first entry is the current version (rules in master-key-ring.ts). */
const masterKeyRing = z
  .string()
  .trim()
  .superRefine((value, context) => {
    try {
      parseMasterKeyRing(value);
    } catch (error) {
      if (!(error instanceof MasterKeyRingError)) throw error;
      context.addIssue({ code: 'custom', message: `${error.message} (expected v2:<base64 32 bytes>,v1:<base64 32 bytes>, first = current)` });
    }
  });

/** Fastify's `trustProxy` forms: false | true | hop count | comma-separated addresses/CIDRs (or proxy-addr's names). */
const PROXY_ADDRESS_NAMES = new Set(['loopback', 'linklocal', 'uniquelocal']);
function isProxyAddress(entry: string): boolean {
  if (PROXY_ADDRESS_NAMES.has(entry)) return true;
  const [address, prefix, ...rest] = entry.split('/');
  const version = isIP(address ?? '');
  if (version === 0 || rest.length > 0) return false;
  if (prefix === undefined) return true;
  // proxy-addr also takes an IPv4 netmask after the slash.
  if (version === 4 && isIP(prefix) === 4) return true;
  return /^\d{1,3}$/.test(prefix) && Number(prefix) <= (version === 4 ? 32 : 128);
}
const trustProxy = z
  .string()
  .trim()
  .transform((value, context): boolean | number | string[] => {
    const lower = value.toLowerCase();
    if (lower === '' || lower === 'false') return false;
    if (lower === 'true') return true;
    if (/^\d+$/.test(value)) return Number(value);
    const entries = value.split(',').map((entry) => entry.trim()).filter(Boolean);
    if (entries.length === 0 || !entries.every(isProxyAddress)) {
      context.addIssue({ code: 'custom', message: 'must be false, true, a hop count or comma-separated IP addresses/CIDRs' });
      return z.NEVER;
    }
    return entries;
  });

const optionalSecret = z
  .string()
  .trim()
  .transform((value) => (value === '' ? undefined : value))
  .optional();

/**
 * Every environment variable the gateway reads, checked once at boot (CONTRACT §1).
 * Unknown variables are ignored; a bad value stops start-up with one line naming it.
 */
export const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  HOST: z.string().default('0.0.0.0'),
  PORT: z.coerce.number({ message: 'must be a port number' }).int().min(0).max(65535, 'must be a port number').default(3000),
  DATABASE_URL: z
    .string()
    .trim()
    .refine((value) => value === '' || /^postgres(ql)?:\/\/.+/.test(value), 'must be a postgres:// URL')
    .transform((value) => (value === '' ? undefined : value))
    .optional(),
  DATABASE_POOL_SIZE: positiveInteger.max(200).default(10),
  DATA_DIR: z.string().trim().min(1).default('./data'),
  UNIROUTE_MASTER_KEY: base64Key32.optional().or(z.literal('').transform(() => undefined)),
  UNIROUTE_MASTER_KEYS: masterKeyRing.optional().or(z.literal('').transform(() => undefined)),
  JWT_SECRET: optionalSecret.refine((value) => value === undefined || value.length >= 32, 'must be at least 32 characters'),
  SESSION_TTL_SECONDS: positiveInteger.default(12 * 60 * 60),
  OPENAI_API_KEY: optionalSecret,
  ANTHROPIC_API_KEY: optionalSecret,
  GOOGLE_API_KEY: optionalSecret,
  OPENAI_BASE_URL: httpUrl.default('https://api.openai.com/v1'),
  ANTHROPIC_BASE_URL: httpUrl.default('https://api.anthropic.com'),
  GOOGLE_BASE_URL: httpUrl.default('https://generativelanguage.googleapis.com'),
  ALLOW_SERVER_KEY_FALLBACK: booleanString.default(true),
  UPSTREAM_TIMEOUT_MS: positiveInteger.default(120_000),
  UPSTREAM_CONNECT_TIMEOUT_MS: positiveInteger.default(10_000),
  // 0 = no cap: a cap per origin is one queue for every user, so one user's hung requests would hold up everyone's.
  UPSTREAM_CONNECTIONS: nonNegativeInteger.default(0),
  SERVER_KEY_RPM: nonNegativeInteger.default(60),
  MAX_INFLIGHT_PER_USER: positiveInteger.default(64),
  SHED_EVENT_LOOP_DELAY_MS: nonNegativeInteger.default(0),
  REDIS_URL: z
    .string()
    .trim()
    .refine((value) => value === '' || /^rediss?:\/\/.+/.test(value), 'must be a redis:// or rediss:// URL')
    .transform((value) => (value === '' ? undefined : value))
    .optional(),
  PROVIDER_KEY_TESTS_PER_HOUR: positiveInteger.default(20),
  AUDIT_RETENTION_DAYS: positiveInteger.max(36_500).default(365),
  USAGE_RETENTION_DAYS: positiveInteger.max(36_500).default(90),
  USAGE_QUEUE_MAX: positiveInteger.max(1_000_000).default(20_000),
  ALLOW_REQUEST_KEYS: booleanString.default(true),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  LOGIN_MAX_ATTEMPTS: positiveInteger.default(10),
  // 0 = no limit. Per client network and replica: it protects the database pool, it accounts for nothing.
  API_KEY_FAILURES_PER_MINUTE: nonNegativeInteger.default(60),
  LOGIN_WINDOW_SECONDS: positiveInteger.default(15 * 60),
  BODY_LIMIT_BYTES: positiveInteger.default(20 * 1024 * 1024),
  REQUEST_TIMEOUT_MS: positiveInteger.default(60_000),
  KEEP_ALIVE_TIMEOUT_MS: positiveInteger.default(5_000),
  MAX_CONNECTIONS: positiveInteger.default(10_000),
  CORS_ORIGINS: z.string().trim().default(''),
  SHUTDOWN_TIMEOUT_MS: positiveInteger.default(30_000),
  WEB_DIST_DIR: z.string().trim().optional(),
  REGISTRATION: z.enum(REGISTRATION_MODES, { message: 'must be open, invite or closed' }).default('invite'),
  REGISTRATION_MAX_PER_IP: positiveInteger.default(10),
  REGISTRATION_WINDOW_SECONDS: positiveInteger.default(60 * 60),
  PUBLIC_URL: httpUrl.optional().or(z.literal('').transform(() => undefined)),
  TRUST_PROXY: trustProxy.default(false),
  PRINCIPAL_CACHE_TTL_SECONDS: positiveInteger.max(60, 'must be at most 60').default(60),
  METRICS_TOKEN: optionalSecret.refine((value) => value === undefined || value.length >= 16, 'must be at least 16 characters'),
});

export type Env = z.infer<typeof envSchema>;
