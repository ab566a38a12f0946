/**
 * How a failed database call is read across the app. PostgreSQL names its errors by SQLSTATE (driver errors carry
 * `code`, TypeORM's QueryFailedError copies it); the network and the pool give no SQLSTATE at all.
 */

/** The database cannot be reached or is going away: the caller's request was fine, try again shortly (503). */
const UNAVAILABLE_SQLSTATES = new Set(['57P01', '57P02', '57P03', '53300']);
const UNAVAILABLE_NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENOTFOUND',
]);
const UNAVAILABLE_MESSAGES =
  /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error|Connection is not established/i;

/**
 * SQLSTATE classes of a failure that says nothing about the statement: the connection (08), resources (53: disk,
 * memory, connections), an operator or crash shutdown (57), an I/O error (58), a rollback (40) or a lock not
 * available (55). Any other SQLSTATE (22 data, 23 constraint, 54 a server limit, XX, ...) is the statement's doing.
 */
const TRANSIENT_SQLSTATE_CLASSES = new Set(['08', '40', '53', '55', '57', '58']);

export function sqlstateOf(error: unknown): string | null {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) ? code : null;
}

/** The database is down, restarting or out of connections (not a problem of the request). */
export function isDatabaseUnavailable(error: unknown): boolean {
  const e = error as { code?: unknown; message?: unknown; driverError?: unknown } | null;
  if (!e || typeof e !== 'object') return false;
  const code = sqlstateOf(e);
  if (code) return code.startsWith('08') || UNAVAILABLE_SQLSTATES.has(code);
  if (typeof e.code === 'string' && UNAVAILABLE_NETWORK_CODES.has(e.code)) return true;
  if (typeof e.message === 'string' && UNAVAILABLE_MESSAGES.test(e.message)) return true;
  return e.driverError !== undefined && e.driverError !== error && isDatabaseUnavailable(e.driverError);
}

/** A failure to retry as it is: a transient SQLSTATE, or none at all (a network error, a pool timeout). */
export function isTransientDbError(error: unknown): boolean {
  const code = sqlstateOf(error);
  return code === null || TRANSIENT_SQLSTATE_CLASSES.has(code.slice(0, 2));
}

/**
 * PostgreSQL refused a value itself: a data exception (SQLSTATE class 22: bad text such as a NUL byte, a number out
 * of range, an invalid date) or a statement too deep to evaluate (54001). When a request reaches
 * this, validation let a bad value through; the caller is told 400, never 500.
 */
export function isRefusedValue(error: unknown): boolean {
  const code = sqlstateOf(error);
  return code !== null && (code.startsWith('22') || code === '54001');
}
