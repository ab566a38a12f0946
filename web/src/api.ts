/** The API as the console uses it: same origin, the HttpOnly cookies from /auth/login carry the session. */
export const API = '/api/v1';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string | undefined,
    message: string,
  ) {
    super(message);
  }
}

/** Called when a request comes back 401 and a refresh did not help: the shell shows the login form. */
let onSignedOut: () => void = () => undefined;
export function whenSignedOut(handler: () => void): void {
  onSignedOut = handler;
}

async function send(path: string, init: RequestInit): Promise<Response> {
  return fetch(`${API}${path}`, { credentials: 'same-origin', ...init });
}

/** JSON in, JSON out; a 401 tries one cookie refresh (access tokens are short-lived), then signs out. */
export async function api<T>(path: string, init: RequestInit = {}): Promise<T> {
  const headers = new Headers(init.headers);
  if (init.body && typeof init.body === 'string') headers.set('Content-Type', 'application/json');
  let res = await send(path, { ...init, headers });
  if (res.status === 401 && !path.startsWith('/auth/')) {
    const refreshed = await send('/auth/refresh', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: '{}',
    });
    if (refreshed.ok) res = await send(path, { ...init, headers });
  }
  if (res.status === 401 && !path.startsWith('/auth/login')) onSignedOut();
  if (!res.ok) {
    const body = (await res.json().catch(() => ({}))) as { code?: string; message?: string | string[] };
    const message = Array.isArray(body.message) ? body.message.join('; ') : (body.message ?? res.statusText);
    throw new ApiError(res.status, body.code, message);
  }
  if (res.status === 204) return undefined as T;
  return (await res.json()) as T;
}

export const post = <T>(path: string, body: unknown) =>
  api<T>(path, { method: 'POST', body: JSON.stringify(body) });
export const put = <T>(path: string, body: unknown) =>
  api<T>(path, { method: 'PUT', body: JSON.stringify(body) });

export interface Me {
  id: string;
  username: string;
  email: string | null;
  full_name: string | null;
  role: 'user' | 'researcher' | 'admin';
  groups: string[];
}
