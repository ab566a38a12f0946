import { clientCredentialsToken, JsonClient } from '../rest/json-client.js';
import type { M365Credentials } from './graph-types.js';

const GRAPH_SCOPE = 'https://graph.microsoft.com/.default';

export interface GraphClientOptions {
  graphUrl: string;
  authorityHost: string;
  timeoutMs: number;
  maxAttempts: number;
  /** Longest `Retry-After` honoured as given (Graph asks for seconds to minutes when throttling). */
  maxRetryAfterMs?: number;
}

interface GraphPage<T> {
  value?: T[];
  '@odata.nextLink'?: string;
}

/**
 * Microsoft Graph with an app-only token (client-credentials grant). Collections are followed through
 * `@odata.nextLink`; throttled calls (429 with `Retry-After`) are retried by JsonClient.
 */
export class GraphClient {
  private readonly http: JsonClient;

  constructor(credentials: M365Credentials, options: GraphClientOptions) {
    const login = new JsonClient(options.authorityHost, options);
    const token = clientCredentialsToken(
      login,
      credentials.tenant_id,
      credentials.client_id,
      credentials.client_secret,
      GRAPH_SCOPE,
    );
    this.http = new JsonClient(options.graphUrl, { ...options, token: token.get });
  }

  get<T>(path: string, query?: Record<string, string>, signal?: AbortSignal): Promise<T> {
    return this.http.get<T>(`/v1.0${path}`, query, signal);
  }

  /** Every item of a collection, page after page. */
  async all<T>(path: string, query: Record<string, string> = {}, signal?: AbortSignal): Promise<T[]> {
    const items: T[] = [];
    let url: string | undefined = this.http.url(`/v1.0${path}`, query);
    while (url) {
      const page: GraphPage<T> = await this.http.get<GraphPage<T>>(url, undefined, signal);
      items.push(...(page.value ?? []));
      url = page['@odata.nextLink'];
    }
    return items;
  }
}
