import type { IncomingHttpHeaders } from 'node:http';

/** What a request says about where it was sent and from which page. */
export interface RequestOrigins {
  headers: IncomingHttpHeaders;
  /** The connection to this process is TLS. */
  encrypted: boolean;
  /** TRUST_PROXY: X-Forwarded-Proto and X-Forwarded-Host describe the URL the browser used. */
  trustProxy: boolean;
}

/**
 * The origin (`scheme://host[:port]`) of the URL the client requested, as Express's `req.protocol` and `req.host`
 * see it: behind a trusted proxy, the forwarded scheme and host; otherwise the connection's own. Undefined without
 * a Host header.
 */
export function ownOrigin({ headers, encrypted, trustProxy }: RequestOrigins): string | undefined {
  const forwarded = (name: string) =>
    trustProxy ? first(headers[`x-forwarded-${name}`])?.split(',')[0].trim() || undefined : undefined;
  const scheme = forwarded('proto') ?? (encrypted ? 'https' : 'http');
  const host = forwarded('host') ?? headers.host;
  return host ? `${scheme}://${host}`.toLowerCase() : undefined;
}

/**
 * Whether a browser page of `origin` may act with the user's cookie. The same rule as the HTTP CORS
 * (`app.enableCors({origin: CORS_ORIGINS})`): an exact match against the configured list. A page of the app's own
 * origin needs no entry, as over HTTP, where browsers apply no CORS to same-origin requests.
 */
export function originAllowed(origin: string, allowed: readonly string[], own: string | undefined): boolean {
  return allowed.includes(origin) || (own !== undefined && origin.toLowerCase() === own);
}

function first(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
