import { QueryFailedError } from 'typeorm';

/** PostgreSQL's SQLSTATE for a UNIQUE constraint violation. */
const UNIQUE_VIOLATION = '23505';

/** Whether `error` is an INSERT/UPDATE refused by a UNIQUE constraint (a 409 for the client, not a 500). */
export function isUniqueViolation(error: unknown): boolean {
  return error instanceof QueryFailedError && (error.driverError as { code?: string }).code === UNIQUE_VIOLATION;
}
