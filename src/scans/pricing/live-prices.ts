import { Inject, Injectable, OnModuleDestroy } from '@nestjs/common';
import type { CloudProvider } from '../entities/cloud-account.entity.js';
import { scansConfig, type ScansConfig } from '../scans.config.js';
import { AwsPriceListClient } from './aws-price-list.client.js';
import { AzureRetailPricesClient } from './azure-retail-prices.client.js';
import { GcpBillingCatalogClient } from './gcp-billing-catalog.client.js';
import type { LivePriceSpec } from './live-catalog.js';
import type { FetchedPrice, LivePriceClient, LivePriceRequest } from './live-price-client.js';

/** The providers with a price API (Microsoft 365 is priced from the list and overrides only). */
export type LivePriceProvider = Exclude<CloudProvider, 'm365'>;
/** The price APIs of the providers named in PRICING_LIVE_PROVIDERS, built from config (base URLs, keys). */
@Injectable()
export class LivePrices implements OnModuleDestroy {
  private readonly clients = new Map<CloudProvider, LivePriceClient>();
  private readonly aws?: AwsPriceListClient;

  constructor(@Inject(scansConfig.KEY) config: ScansConfig) {
    const { pricing } = config;
    for (const provider of pricing.liveProviders) {
      if (provider === 'aws') {
        this.aws = new AwsPriceListClient({
          endpoint: pricing.aws.endpoint,
          region: pricing.aws.region,
          accessKeyId: pricing.aws.accessKeyId as string,
          secretAccessKey: pricing.aws.secretAccessKey as string,
          requestTimeoutMs: pricing.requestTimeoutMs,
        });
        this.clients.set('aws', this.aws as LivePriceClient);
      } else if (provider === 'azure')
        this.clients.set(
          'azure',
          new AzureRetailPricesClient({
            url: pricing.azure.url,
            requestTimeoutMs: pricing.requestTimeoutMs,
          }) as LivePriceClient,
        );
      else
        this.clients.set(
          'gcp',
          new GcpBillingCatalogClient({
            url: pricing.gcp.url,
            apiKey: pricing.gcp.apiKey as string,
            requestTimeoutMs: pricing.requestTimeoutMs,
          }) as LivePriceClient,
        );
    }
  }

  get providers(): LivePriceProvider[] {
    return [...this.clients.keys()] as LivePriceProvider[];
  }

  enabled(provider: CloudProvider): boolean {
    return this.clients.has(provider);
  }

  /** Prices of the requests this provider's API knows; throws when the API fails. */
  fetch(
    provider: CloudProvider,
    requests: LivePriceRequest<LivePriceSpec>[],
    signal?: AbortSignal,
  ): Promise<FetchedPrice[]> {
    const client = this.clients.get(provider);
    return client && requests.length > 0 ? client.fetch(requests, signal) : Promise.resolve([]);
  }

  onModuleDestroy(): void {
    this.aws?.close();
  }
}
