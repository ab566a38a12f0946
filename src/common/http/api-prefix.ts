/** The prefix of every route but the probes (`/health...`) and `/metrics`: the one place it is written. */
export const API_PREFIX = 'api/v1';

/** An absolute URL path under the API prefix: `apiPath('auth')` is `/api/v1/auth`. */
export function apiPath(path: string): string {
  return `/${API_PREFIX}/${path.replace(/^\//, '')}`;
}
