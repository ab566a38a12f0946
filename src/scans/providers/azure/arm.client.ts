import {
  JsonClient,
  microsoftApi,
  type AppRegistration,
  type JsonClientOptions,
} from '../rest/json-client.js';
import type { ArmList, MetricsResponse } from './arm-types.js';

const MANAGEMENT_SCOPE = 'https://management.azure.com/.default';
const DAY_MS = 86_400_000;

export interface ArmClientOptions extends JsonClientOptions {
  endpoint: string;
  authorityHost: string;
}

export interface ArmCredentials extends AppRegistration {
  subscription_id: string;
}

/**
 * Azure Resource Manager over its REST API: a client-credentials token from the Microsoft identity platform,
 * subscription-wide lists followed through `nextLink`, and Azure Monitor metrics. Both base URLs come from config.
 */
export class ArmClient {
  private readonly http: JsonClient;
  readonly subscription: string;

  constructor(credentials: ArmCredentials, options: ArmClientOptions) {
    this.http = microsoftApi(options.endpoint, options.authorityHost, credentials, MANAGEMENT_SCOPE, options);
    this.subscription = `/subscriptions/${credentials.subscription_id}`;
  }

  get<T>(path: string, apiVersion: string, signal?: AbortSignal): Promise<T> {
    return this.http.get<T>(path, { 'api-version': apiVersion }, signal);
  }

  /** Every item of a list, page after page (`nextLink` carries the api-version and skip token). */
  async list<T>(
    path: string,
    apiVersion: string,
    signal?: AbortSignal,
    query: Record<string, string> = {},
  ): Promise<T[]> {
    const items: T[] = [];
    let url: string | undefined = this.http.url(path, { 'api-version': apiVersion, ...query });
    while (url) {
      const page: ArmList<T> = await this.http.get<ArmList<T>>(url, undefined, signal);
      items.push(...(page.value ?? []));
      url = page.nextLink;
    }
    return items;
  }

  /** A subscription-wide list of one resource provider's type, e.g. `Microsoft.Compute/disks`. */
  listAll<T>(type: string, apiVersion: string, signal?: AbortSignal, query?: Record<string, string>) {
    return this.list<T>(`${this.subscription}/providers/${type}`, apiVersion, signal, query);
  }

  /** Daily values of one metric of one resource over the last `days` days (days without data are left out). */
  async dailyMetric(
    resourceId: string,
    metric: string,
    aggregation: 'Average' | 'Total' | 'Maximum',
    days: number,
    now: Date,
    signal?: AbortSignal,
  ): Promise<number[]> {
    const start = new Date(now.getTime() - days * DAY_MS).toISOString();
    const answer = await this.http.get<MetricsResponse>(
      `${resourceId}/providers/Microsoft.Insights/metrics`,
      {
        'api-version': '2018-01-01',
        metricnames: metric,
        timespan: `${start}/${now.toISOString()}`,
        interval: 'P1D',
        aggregation,
      },
      signal,
    );
    const field = aggregation.toLowerCase() as 'average' | 'total' | 'maximum';
    return (answer.value ?? [])
      .flatMap((m) => m.timeseries ?? [])
      .flatMap((series) => series.data ?? [])
      .map((point) => point[field])
      .filter((v): v is number => typeof v === 'number');
  }
}
