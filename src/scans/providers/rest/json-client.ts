import { createSign } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';

/**
 * A failed call to a cloud REST API. `name` is the provider's own error code (ARM `AuthorizationFailed`, GCP
 * `PERMISSION_DENIED`, Graph `Authorization_RequestDenied`, OAuth `invalid_client`) so the scan's status table shows
 * it; `statusCode` is the HTTP status.
 */
export class RestError extends Error {
  constructor(
    message: string,
    readonly statusCode: number,
    code: string,
  ) {
    super(message);
    this.name = code;
  }
}

type Query = Record<string, string | number | undefined>;

export interface JsonClientOptions {
  /** Each request's time limit (one attempt). */
  timeoutMs: number;
  /** Attempts on 429 and 503 before the error is the caller's. */
  maxAttempts: number;
  /** A server asking to wait longer than this is waited for only this long. */
  maxRetryAfterMs?: number;
  /** Bearer token of each request; called every time (the token source caches). */
  token?: () => Promise<string>;
}

/** The provider's code and message out of the error bodies of ARM, Google APIs, Graph and OAuth token endpoints. */
function errorOf(status: number, body: unknown): { code: string; message: string } {
  const b = (body ?? {}) as {
    error?: string | { code?: string | number; status?: string; message?: string };
    error_description?: string;
    message?: string;
  };
  if (typeof b.error === 'string') return { code: b.error, message: b.error_description ?? b.error };
  const e = b.error;
  const code = e?.status ?? (typeof e?.code === 'string' ? e.code : undefined) ?? `HTTP_${status}`;
  return { code, message: e?.message ?? b.message ?? `HTTP ${status}` };
}

/** Seconds or an HTTP date, as RFC 9110 allows; undefined when absent or unreadable. */
export function retryAfterMs(header: string | null, now = Date.now()): number | undefined {
  if (!header) return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const at = Date.parse(header);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/**
 * The signal of one attempt: aborted by the caller's signal or after `timeoutMs`, and let go with `release` once the
 * attempt is over. `AbortSignal.timeout` + `AbortSignal.any` kept every request's fetch (its request, response and
 * listeners) reachable from a pending 30 s timer and from the scan's long-lived signal until the timer fired: a
 * Microsoft 365 scan of 9,185 calls in about 11 s held all of them.
 */
function attemptSignal(timeoutMs: number, signal?: AbortSignal): { signal: AbortSignal; release(): void } {
  const controller = new AbortController();
  const timer = setTimeout(
    () => controller.abort(new DOMException('The operation was aborted due to timeout', 'TimeoutError')),
    timeoutMs,
  );
  const onAbort = () => controller.abort(signal?.reason);
  if (signal?.aborted) onAbort();
  else signal?.addEventListener('abort', onAbort, { once: true });
  return {
    signal: controller.signal,
    release: () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
    },
  };
}

/**
 * A small JSON-over-HTTPS client for the cloud REST APIs (ARM, Google APIs, Microsoft Graph): one base URL from
 * config so tests point it at a local fake, a bearer token per request, and throttling (429, 503) retried after the
 * server's `Retry-After` or an exponential back-off.
 */
export class JsonClient {
  constructor(
    readonly baseUrl: string,
    private readonly options: JsonClientOptions,
  ) {}

  url(pathOrUrl: string, query: Query = {}): string {
    const url = /^https?:\/\//.test(pathOrUrl)
      ? new URL(pathOrUrl)
      : new URL(this.baseUrl.replace(/\/$/, '') + pathOrUrl);
    for (const [name, value] of Object.entries(query))
      if (value !== undefined) url.searchParams.set(name, String(value));
    return url.toString();
  }

  get<T>(pathOrUrl: string, query?: Query, signal?: AbortSignal): Promise<T> {
    return this.request<T>('GET', this.url(pathOrUrl, query), undefined, signal);
  }

  async request<T>(
    method: string,
    url: string,
    body?: { form: Record<string, string> } | { json: unknown },
    signal?: AbortSignal,
  ): Promise<T> {
    const payload =
      body === undefined
        ? undefined
        : 'form' in body
          ? { type: 'application/x-www-form-urlencoded', text: new URLSearchParams(body.form).toString() }
          : { type: 'application/json', text: JSON.stringify(body.json) };
    for (let attempt = 1; ; attempt++) {
      const headers: Record<string, string> = { accept: 'application/json' };
      if (this.options.token) headers.authorization = `Bearer ${await this.options.token()}`;
      if (payload) headers['content-type'] = payload.type;
      const call = attemptSignal(this.options.timeoutMs, signal);
      let res: Response;
      let text: string;
      try {
        try {
          res = await fetch(url, { method, headers, body: payload?.text, signal: call.signal });
        } catch (error) {
          if (signal?.aborted) throw error;
          const cause = (error as { cause?: { code?: string; message?: string } }).cause;
          throw new RestError(
            `${method} ${new URL(url).host}: ${cause?.message ?? (error as Error).message}`,
            0,
            cause?.code ?? 'NETWORK_ERROR',
          );
        }
        text = await res.text();
      } finally {
        call.release();
      }
      let parsed: unknown;
      try {
        parsed = text ? JSON.parse(text) : undefined;
      } catch {
        parsed = undefined;
      }
      if (res.ok) return parsed as T;
      if ((res.status === 429 || res.status === 503) && attempt < this.options.maxAttempts) {
        const asked = retryAfterMs(res.headers.get('retry-after'));
        const wait = Math.min(asked ?? 250 * 2 ** (attempt - 1), this.options.maxRetryAfterMs ?? 60_000);
        await sleep(wait, undefined, { signal });
        continue;
      }
      const { code, message } = errorOf(res.status, parsed);
      throw new RestError(`${res.status} ${code}: ${message}`.slice(0, 500), res.status, code);
    }
  }
}

/** An OAuth2 access token, fetched on first use and again a minute before it expires. */
export class TokenSource {
  private current?: { token: string; expiresAt: number };
  private pending?: Promise<string>;

  constructor(private readonly fetchToken: () => Promise<{ access_token: string; expires_in?: number }>) {}

  get = (): Promise<string> => {
    if (this.current && this.current.expiresAt > Date.now() + 60_000)
      return Promise.resolve(this.current.token);
    this.pending ??= this.fetchToken()
      .then(({ access_token, expires_in }) => {
        this.current = { token: access_token, expiresAt: Date.now() + (expires_in ?? 3600) * 1000 };
        return access_token;
      })
      .finally(() => (this.pending = undefined));
    return this.pending;
  };
}

/** An Entra ID application: what the client-credentials grant needs. */
export interface AppRegistration {
  tenant_id: string;
  client_id: string;
  client_secret: string;
}

/**
 * A client of a Microsoft API (Resource Manager, Graph) with an app-only token for `scope`, from the identity
 * platform's client-credentials grant (`{authorityHost}/{tenant}/oauth2/v2.0/token`).
 */
export function microsoftApi(
  apiBase: string,
  authorityHost: string,
  app: AppRegistration,
  scope: string,
  options: JsonClientOptions,
): JsonClient {
  const login = new JsonClient(authorityHost, options);
  const token = new TokenSource(() =>
    login.request('POST', login.url(`/${encodeURIComponent(app.tenant_id)}/oauth2/v2.0/token`), {
      form: {
        grant_type: 'client_credentials',
        client_id: app.client_id,
        client_secret: app.client_secret,
        scope,
      },
    }),
  );
  return new JsonClient(apiBase, { ...options, token: token.get });
}

const base64url = (data: string | Buffer) => Buffer.from(data).toString('base64url');

/** Google's service-account flow: an RS256-signed JWT exchanged with the JWT-bearer grant (RFC 7523). */
export function serviceAccountToken(
  http: JsonClient,
  tokenUrl: string,
  clientEmail: string,
  privateKey: string,
  scope: string,
): TokenSource {
  return new TokenSource(() => {
    const iat = Math.floor(Date.now() / 1000);
    const header = base64url(JSON.stringify({ alg: 'RS256', typ: 'JWT' }));
    const claims = base64url(
      JSON.stringify({ iss: clientEmail, scope, aud: tokenUrl, iat, exp: iat + 3600 }),
    );
    const signature = createSign('RSA-SHA256').update(`${header}.${claims}`).sign(privateKey);
    return http.request('POST', tokenUrl, {
      form: {
        grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer',
        assertion: `${header}.${claims}.${base64url(signature)}`,
      },
    });
  });
}

/** Runs `fn` over `items` with at most `limit` at once, results in order. */
export async function mapLimit<T, R>(items: T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}
