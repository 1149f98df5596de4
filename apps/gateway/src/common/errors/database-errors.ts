import { QueryFailedError } from 'typeorm';
import { GatewayError } from './gateway-error.js';

/** The PostgreSQL error (SQLSTATE code and where it happened) behind a failed query, without the query or its values. */
interface DriverErrorFacts {
  readonly code?: string;
  readonly table?: string;
  readonly column?: string;
  readonly constraint?: string;
  readonly routine?: string;
}

function driverErrorFacts(error: QueryFailedError): DriverErrorFacts {
  const driverError = (error.driverError ?? {}) as unknown as Record<string, unknown>;
  const text = (name: string) => (typeof driverError[name] === 'string' ? (driverError[name] as string) : undefined);
  return { code: text('code'), table: text('table'), column: text('column'), constraint: text('constraint'), routine: text('routine') };
}

/**
 * A value the database refuses as data (SQLSTATE class 22: NUL or invalid UTF-8, a string too long
 * for its column, a number out of range) came from the client: 400, not 500. Validation should
 * refuse such values first; this is the fallback for a field it missed.
 * @see https://www.postgresql.org/docs/current/errcodes-appendix.html
 */
export function fromDatabaseError(error: unknown): GatewayError | undefined {
  if (!(error instanceof QueryFailedError)) return undefined;
  const { code } = driverErrorFacts(error);
  if (code?.startsWith('22')) return new GatewayError('invalid_request', 'A value in the request cannot be stored.', { cause: error });
  return undefined;
}

/**
 * What an error log line keeps of an unexpected error. A failed query keeps its SQLSTATE and the
 * table, column or constraint, never the SQL, its parameters (user data, hashes) or the driver's
 * message and `detail` (which quote values); other errors keep their name, message and stack.
 */
export function loggableError(error: unknown): Record<string, unknown> {
  if (error instanceof QueryFailedError) return { type: 'QueryFailedError', ...driverErrorFacts(error) };
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return { type: error.name, message: error.message, ...(typeof code === 'string' ? { code } : {}), stack: error.stack };
  }
  return { type: typeof error };
}
