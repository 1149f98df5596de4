import { pino, type Logger } from 'pino';
import { maskSecrets } from '../security/mask-secrets.js';

/**
 * Every field that can carry a secret, wherever it appears in a log object: request headers,
 * bodies with provider keys or passwords, tokens. pino replaces their values with "[redacted]".
 */
export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers["x-api-key"]',
  'req.headers["x-goog-api-key"]',
  'req.headers.cookie',
  'headers.authorization',
  'headers["x-api-key"]',
  'headers["x-goog-api-key"]',
  'apiKey',
  '*.apiKey',
  'body.apiKey',
  'password',
  '*.password',
  'accessToken',
  '*.accessToken',
  'key',
  '*.key',
  'secret',
  '*.secret',
];

export interface LoggerOptions {
  level: string;
  /** Where lines go; defaults to stdout. Tests pass a stream to capture every line. */
  destination?: NodeJS.WritableStream;
}

/** The process logger: JSON lines, secrets redacted, query-string keys masked in URLs. */
export function createLogger(options: LoggerOptions): Logger {
  return pino(
    {
      level: options.level,
      base: { service: 'uniroute' },
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
      serializers: {
        err: pino.stdSerializers.err,
        url: (url: string) => maskSecrets(url),
      },
      formatters: { level: (label) => ({ level: label }) },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    options.destination ?? pino.destination({ sync: false }),
  );
}
