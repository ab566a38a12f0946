import { JsonClient, serviceAccountToken } from '../rest/json-client.js';
import type { TimeSeries } from './gcp-types.js';

const SCOPE = 'https://www.googleapis.com/auth/cloud-platform.read-only';
const DAY_MS = 86_400_000;

export type GoogleService =
  'compute' | 'sqladmin' | 'container' | 'storage' | 'monitoring' | 'cloudresourcemanager';

export interface GoogleApisOptions {
  /** One base URL for every service (tests); unset: `https://{service}.googleapis.com`. */
  apiEndpoint?: string;
  tokenUrl: string;
  timeoutMs: number;
  maxAttempts: number;
}

interface Paged {
  nextPageToken?: string;
}

/**
 * Google Cloud REST APIs with a service-account key: the JWT-bearer grant for a read-only token, lists followed
 * through `nextPageToken`, compute aggregated lists and Cloud Monitoring time series.
 */
export class GoogleApis {
  private readonly clients = new Map<GoogleService, JsonClient>();
  private readonly token: () => Promise<string>;

  constructor(
    readonly project: string,
    clientEmail: string,
    privateKey: string,
    private readonly options: GoogleApisOptions,
  ) {
    const oauth = new JsonClient(options.tokenUrl, options);
    this.token = serviceAccountToken(oauth, options.tokenUrl, clientEmail, privateKey, SCOPE).get;
  }

  private client(service: GoogleService): JsonClient {
    let client = this.clients.get(service);
    if (!client) {
      client = new JsonClient(this.options.apiEndpoint ?? `https://${service}.googleapis.com`, {
        ...this.options,
        token: this.token,
      });
      this.clients.set(service, client);
    }
    return client;
  }

  get<T>(service: GoogleService, path: string, query?: Record<string, string>, signal?: AbortSignal) {
    return this.client(service).get<T>(path, query, signal);
  }

  /** The pages of a list, following `nextPageToken`. */
  private async *pages<P extends Paged>(
    service: GoogleService,
    path: string,
    signal: AbortSignal | undefined,
    query: Record<string, string>,
  ): AsyncGenerator<P> {
    let pageToken: string | undefined;
    do {
      const page = await this.get<P>(
        service,
        path,
        { ...query, ...(pageToken ? { pageToken } : {}) },
        signal,
      );
      yield page;
      pageToken = page.nextPageToken;
    } while (pageToken);
  }

  /** Every item of a paged list (`items`, `instances`, `clusters`...). */
  async list<T>(
    service: GoogleService,
    path: string,
    field: string,
    signal?: AbortSignal,
    query: Record<string, string> = {},
  ): Promise<T[]> {
    const items: T[] = [];
    for await (const page of this.pages<Paged & Record<string, unknown>>(service, path, signal, query))
      items.push(...((page[field] as T[] | undefined) ?? []));
    return items;
  }

  /** A compute aggregated list: every zone and region in one paged call, each item with its scope. */
  async aggregated<T>(
    resource: string,
    field: string,
    signal?: AbortSignal,
  ): Promise<Array<{ scope: string; item: T }>> {
    const out: Array<{ scope: string; item: T }> = [];
    const path = `/compute/v1/projects/${this.project}/aggregated/${resource}`;
    type Page = Paged & { items?: Record<string, Record<string, T[] | undefined>> };
    for await (const page of this.pages<Page>('compute', path, signal, { returnPartialSuccess: 'true' }))
      for (const [scope, scoped] of Object.entries(page.items ?? {}))
        for (const item of scoped[field] ?? []) out.push({ scope, item });
    return out;
  }

  /** Time series of one metric over the last `days` days, one aligned point per day. */
  timeSeries(
    metricType: string,
    aligner: 'ALIGN_MEAN' | 'ALIGN_SUM' | 'ALIGN_MAX' | 'ALIGN_DELTA',
    days: number,
    now: Date,
    signal?: AbortSignal,
  ): Promise<TimeSeries[]> {
    return this.list<TimeSeries>(
      'monitoring',
      `/v3/projects/${this.project}/timeSeries`,
      'timeSeries',
      signal,
      {
        filter: `metric.type = "${metricType}"`,
        'interval.startTime': new Date(now.getTime() - days * DAY_MS).toISOString(),
        'interval.endTime': now.toISOString(),
        'aggregation.alignmentPeriod': '86400s',
        'aggregation.perSeriesAligner': aligner,
      },
    );
  }
}

/** The daily values of a series. */
export const pointValues = (series: TimeSeries): number[] =>
  (series.points ?? []).map((p) => Number(p.value?.doubleValue ?? p.value?.int64Value ?? 0));
