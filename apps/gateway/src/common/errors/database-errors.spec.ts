import { QueryFailedError } from 'typeorm';
import { describe, expect, it } from 'vitest';
import { fromDatabaseError, loggableError } from './database-errors.js';

function queryFailed(code: string, message: string): QueryFailedError {
  const driverError = Object.assign(new Error(message), { code, table: 'api_keys', column: 'name', detail: 'Key (name)=(secret-value) already exists.' });
  return new QueryFailedError('INSERT INTO api_keys (name) VALUES ($1)', ['secret-value'], driverError);
}

describe(loggableError.name, () => {
  it('keeps the SQLSTATE and where, never the SQL, its parameters, the message or the detail', () => {
    const sut = loggableError(queryFailed('23505', 'duplicate key value violates unique constraint'));
    expect(sut).toEqual({ type: 'QueryFailedError', code: '23505', table: 'api_keys', column: 'name', constraint: undefined, routine: undefined });
    expect(JSON.stringify(sut)).not.toContain('secret-value');
    expect(JSON.stringify(sut)).not.toContain('INSERT');
  });

  it('keeps name, message, code and stack of other errors', () => {
    const sut = loggableError(Object.assign(new TypeError('boom'), { code: 'E_X', query: 'SELECT $1', parameters: ['x'] }));
    expect(sut).toMatchObject({ type: 'TypeError', message: 'boom', code: 'E_X' });
    expect(sut).not.toHaveProperty('parameters');
  });
});

describe(fromDatabaseError.name, () => {
  it('turns a value the database refuses (SQLSTATE class 22) into a 400', () => {
    const sut = fromDatabaseError(queryFailed('22021', 'invalid byte sequence for encoding "UTF8": 0x00'));
    expect(sut?.status).toBe(400);
    expect(sut?.message).not.toContain('0x00');
  });

  it('leaves every other failure a 500', () => {
    expect(fromDatabaseError(queryFailed('23505', 'duplicate'))).toBeUndefined();
    expect(fromDatabaseError(new Error('x'))).toBeUndefined();
  });
});
