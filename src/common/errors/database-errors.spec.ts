import { isDatabaseUnavailable, isRefusedValue, isTransientDbError } from './database-errors.js';

describe('isTransientDbError', () => {
  const failure = (code?: unknown) => Object.assign(new Error('x'), { code });

  it('retries what says nothing about the rows: connection, resources, shutdown, I/O, rollback, lock', () => {
    for (const code of ['08006', '53100', '53300', '57P01', '57014', '58030', '40P01', '55P03'])
      expect(isTransientDbError(failure(code))).toBe(true);
  });

  it('retries a failure without a SQLSTATE (a network error, a pool timeout)', () => {
    expect(isTransientDbError(failure('ECONNREFUSED'))).toBe(true);
    expect(isTransientDbError(failure())).toBe(true);
    expect(isTransientDbError(new Error('timeout exceeded when trying to connect'))).toBe(true);
  });

  it('sets aside what the rows caused: data, constraints, server limits, internal errors', () => {
    for (const code of ['22P02', '22P05', '23505', '54001', 'XX000'])
      expect(isTransientDbError(failure(code))).toBe(false);
  });
});

describe('isDatabaseUnavailable', () => {
  const failure = (message: string, code?: unknown) => Object.assign(new Error(message), { code });

  it('is true when the database cannot be reached or is going away', () => {
    expect(isDatabaseUnavailable(failure('connect ECONNREFUSED 127.0.0.1:5432', 'ECONNREFUSED'))).toBe(true);
    expect(isDatabaseUnavailable(failure('Connection terminated unexpectedly'))).toBe(true);
    expect(isDatabaseUnavailable(failure('timeout exceeded when trying to connect'))).toBe(true);
    expect(
      isDatabaseUnavailable(failure('terminating connection due to administrator command', '57P01')),
    ).toBe(true);
    expect(isDatabaseUnavailable(failure('sorry, too many clients already', '53300'))).toBe(true);
    expect(isDatabaseUnavailable(failure('connection failure', '08006'))).toBe(true);
    // TypeORM's QueryFailedError keeps the driver's error.
    const wrapped = Object.assign(new Error('Query failed'), {
      driverError: failure('Connection terminated unexpectedly'),
    });
    expect(isDatabaseUnavailable(wrapped)).toBe(true);
  });

  it('is false for what the statement or the request caused, and for anything else', () => {
    for (const code of ['22P02', '23505', '42P01', '54001', '40P01'])
      expect(isDatabaseUnavailable(failure('x', code))).toBe(false);
    expect(isDatabaseUnavailable(new TypeError('undefined is not a function'))).toBe(false);
    expect(isDatabaseUnavailable(undefined)).toBe(false);
  });
});

describe('isRefusedValue', () => {
  const failure = (code?: unknown) => Object.assign(new Error('x'), { code });

  it('is true for data exceptions and a too-deep statement', () => {
    for (const code of ['22021', '22P02', '22P05', '22003', '22007', '54001'])
      expect(isRefusedValue(failure(code))).toBe(true);
  });

  it('is false for constraints, outages, internal errors and errors without a SQLSTATE', () => {
    for (const code of ['23505', '08006', '57P01', 'XX000', 'ECONNREFUSED', undefined])
      expect(isRefusedValue(failure(code))).toBe(false);
  });
});
