import { isTransientDbError } from './reading-writer.js';

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
