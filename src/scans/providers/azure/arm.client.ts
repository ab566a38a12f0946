import {
  JsonClient,
  microsoftApi,
  type AppRegistration,
  type JsonClientOptions,
} from '../rest/json-client.js';
import type { ArmList, MetricsBatchResponse, MetricsResponse } from './arm-types.js';

const MANAGEMENT_SCOPE = 'https://management.azure.com/.default';
/** The metrics data plane (metrics:getBatch) takes a token of its own audience. */
const METRICS_SCOPE = 'https://metrics.monitor.azure.com/.default';
const DAY_MS = 86_400_000;
/** metrics:getBatch answers at most 50 resources a call. */
export const METRICS_BATCH_SIZE = 50;

export type Aggregation = 'Average' | 'Total' | 'Maximum';

export interface ArmClientOptions extends JsonClientOptions {
  endpoint: string;
  authorityHost: string;
  /** Replaces `https://{region}.metrics.monitor.azure.com` for every region. */
  metricsEndpoint?: string;
}

/** One metric's daily values, in the aggregation asked, out of a single resource's answer. */
function dailyValues(answer: MetricsResponse, aggregation: Aggregation): number[] {
  const field = aggregation.toLowerCase() as 'average' | 'total' | 'maximum';
  return (answer.value ?? [])
    .flatMap((m) => m.timeseries ?? [])
    .flatMap((series) => series.data ?? [])
    .map((point) => point[field])
    .filter((v): v is number => typeof v === 'number');
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
  private readonly metricsHttp: JsonClient;
  readonly subscription: string;

  constructor(
    credentials: ArmCredentials,
    private readonly options: ArmClientOptions,
  ) {
    this.http = microsoftApi(options.endpoint, options.authorityHost, credentials, MANAGEMENT_SCOPE, options);
    // Its base URL is the region's, given with each call.
    this.metricsHttp = microsoftApi('', options.authorityHost, credentials, METRICS_SCOPE, options);
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
    aggregation: Aggregation,
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
    return dailyValues(answer, aggregation);
  }

  /**
   * The same daily values for up to 50 resources of one type and region in one Azure Monitor `metrics:getBatch`
   * call (the regional metrics endpoint), by resource id in lower case (Azure Monitor may change an id's case).
   */
  async dailyMetricBatch(
    query: { region: string; namespace: string; metric: string; aggregation: Aggregation; days: number },
    resourceIds: string[],
    now: Date,
    signal?: AbortSignal,
  ): Promise<Map<string, number[]>> {
    const base = this.options.metricsEndpoint ?? `https://${query.region}.metrics.monitor.azure.com`;
    const url = this.metricsHttp.url(`${base.replace(/\/$/, '')}${this.subscription}/metrics:getBatch`, {
      metricnamespace: query.namespace,
      metricnames: query.metric,
      starttime: new Date(now.getTime() - query.days * DAY_MS).toISOString(),
      endtime: now.toISOString(),
      interval: 'P1D',
      aggregation: query.aggregation.toLowerCase(),
      'api-version': '2023-10-01',
    });
    const answer = await this.metricsHttp.request<MetricsBatchResponse>(
      'POST',
      url,
      { json: { resourceids: resourceIds } },
      signal,
    );
    return new Map(
      (answer?.values ?? []).map((entry) => [
        (entry.resourceid ?? '').toLowerCase(),
        dailyValues(entry, query.aggregation),
      ]),
    );
  }
}
