import type { PricingClient } from '@aws-sdk/client-pricing';
import { HOURS_PER_MONTH, type AwsPriceSpec } from './live-catalog.js';
import type { FetchedPrice, LivePriceClient, LivePriceRequest } from './live-price-client.js';
import { awsSdk } from '../providers/aws/aws-sdk.js';

export interface AwsPriceListConfig {
  endpoint?: string;
  region: string;
  accessKeyId: string;
  secretAccessKey: string;
  requestTimeoutMs: number;
}

/** One entry of `PriceList` (a JSON document per product, sent as a string). */
interface AwsProduct {
  product: { sku: string; productFamily?: string; attributes: Record<string, string> };
  terms: {
    OnDemand?: Record<
      string,
      {
        priceDimensions: Record<
          string,
          { unit: string; beginRange?: string; pricePerUnit: { USD?: string } }
        >;
      }
    >;
  };
}

/**
 * The AWS Price List Query API (`AWSPriceListService.GetProducts`, JSON 1.1) through the v3 SDK, loaded on first
 * use. One request per key and region, TERM_MATCH on the spec's attributes and the region code; the first On-Demand
 * price dimension of the first matching product is the price (tiered prices: the first tier).
 */
export class AwsPriceListClient implements LivePriceClient<AwsPriceSpec> {
  private client?: { client: PricingClient; sdk: typeof import('@aws-sdk/client-pricing') };

  constructor(private readonly config: AwsPriceListConfig) {}

  private open() {
    if (this.client) return this.client;
    const sdk = awsSdk('@aws-sdk/client-pricing');
    return (this.client = {
      sdk,
      client: new sdk.PricingClient({
        region: this.config.region,
        endpoint: this.config.endpoint,
        credentials: { accessKeyId: this.config.accessKeyId, secretAccessKey: this.config.secretAccessKey },
        maxAttempts: 3,
        requestHandler: { requestTimeout: this.config.requestTimeoutMs },
      }),
    });
  }

  async fetch(requests: LivePriceRequest<AwsPriceSpec>[], signal?: AbortSignal): Promise<FetchedPrice[]> {
    const { client, sdk } = this.open();
    const found: FetchedPrice[] = [];
    for (const request of requests) {
      const price = await this.one(client, sdk, request, signal);
      if (price) found.push(price);
    }
    return found;
  }

  private async one(
    client: PricingClient,
    sdk: typeof import('@aws-sdk/client-pricing'),
    { key, region, spec }: LivePriceRequest<AwsPriceSpec>,
    signal?: AbortSignal,
  ): Promise<FetchedPrice | undefined> {
    const Filters = Object.entries({ ...spec.filters, regionCode: region }).map(([Field, Value]) => ({
      Type: 'TERM_MATCH' as const,
      Field,
      Value,
    }));
    let NextToken: string | undefined;
    do {
      const page = await client.send(
        new sdk.GetProductsCommand({
          ServiceCode: spec.serviceCode,
          Filters,
          FormatVersion: 'aws_v1',
          NextToken,
        }),
        { abortSignal: signal },
      );
      for (const entry of page.PriceList ?? []) {
        const product = JSON.parse(String(entry)) as AwsProduct;
        if (spec.usagetype && !spec.usagetype.test(product.product.attributes.usagetype ?? '')) continue;
        const price = onDemandPrice(product);
        if (price === undefined) continue;
        return {
          key,
          region,
          usd: spec.hourly ? price.usd * HOURS_PER_MONTH : price.usd,
          unit: spec.hourly ? 'month' : price.unit,
          sku: product.product.sku,
        };
      }
      NextToken = page.NextToken;
    } while (NextToken);
    return undefined;
  }

  close(): void {
    this.client?.client.destroy();
  }
}

function onDemandPrice(product: AwsProduct): { usd: number; unit: string } | undefined {
  for (const term of Object.values(product.terms.OnDemand ?? {})) {
    const dimensions = Object.values(term.priceDimensions).sort(
      (a, b) => Number(a.beginRange ?? 0) - Number(b.beginRange ?? 0),
    );
    for (const dimension of dimensions) {
      const usd = Number(dimension.pricePerUnit.USD);
      if (Number.isFinite(usd)) return { usd, unit: dimension.unit };
    }
  }
  return undefined;
}
