import { JsonClient, microsoftApi, type JsonClientOptions } from '../rest/json-client.js';
import type { M365Credentials } from './graph-types.js';

const GRAPH_SCOPE = 'https://graph.microsoft.com/.default';

export interface GraphClientOptions extends JsonClientOptions {
  graphUrl: string;
  authorityHost: string;
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
    this.http = microsoftApi(options.graphUrl, options.authorityHost, credentials, GRAPH_SCOPE, options);
  }

  get<T>(path: string, query?: Record<string, string>, signal?: AbortSignal): Promise<T> {
    return this.http.get<T>(`/v1.0${path}`, query, signal);
  }

  /** Every item of a collection, page after page; `beta` for what v1.0 lacks (site recycle bins). */
  async all<T>(
    path: string,
    query: Record<string, string> = {},
    signal?: AbortSignal,
    version: 'v1.0' | 'beta' = 'v1.0',
  ): Promise<T[]> {
    const items: T[] = [];
    let url: string | undefined = this.http.url(`/${version}${path}`, query);
    while (url) {
      const page: GraphPage<T> = await this.http.get<GraphPage<T>>(url, undefined, signal);
      items.push(...(page.value ?? []));
      url = page['@odata.nextLink'];
    }
    return items;
  }
}
