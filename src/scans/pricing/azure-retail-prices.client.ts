import { HOURS_PER_MONTH, type AzurePriceSpec } from './live-catalog.js';
import {
  getJson,
  type FetchedPrice,
  type LivePriceClient,
  type LivePriceRequest,
} from './live-price-client.js';

interface RetailPricePage {
  Items: Array<{
    retailPrice: number;
    unitOfMeasure: string;
    armRegionName: string;
    meterId: string;
    type: string;
    tierMinimumUnits?: number;
  }>;
  NextPageLink: string | null;
}

/** Pages followed at most, per request (a well-filtered query answers in one). */
const MAX_PAGES = 20;

/**
 * The Azure Retail Prices API (`GET /api/retail/prices?$filter=...`, no authentication), following `NextPageLink`.
 * The spec's filter gets the region (`armRegionName`) and `priceType eq 'Consumption'`; the first tier wins.
 */
export class AzureRetailPricesClient implements LivePriceClient<AzurePriceSpec> {
  constructor(private readonly config: { url: string; requestTimeoutMs: number }) {}

  async fetch(requests: LivePriceRequest<AzurePriceSpec>[], signal?: AbortSignal): Promise<FetchedPrice[]> {
    const found: FetchedPrice[] = [];
    for (const { key, region, spec } of requests) {
      const filter = `${spec.filter} and armRegionName eq '${region.replace(/'/g, "''")}' and priceType eq 'Consumption'`;
      let url: string | null = `${this.config.url}?currencyCode='USD'&$filter=${encodeURIComponent(filter)}`;
      const items: RetailPricePage['Items'] = [];
      for (let pages = 0; url && pages < MAX_PAGES; pages++) {
        const page: RetailPricePage = await getJson<RetailPricePage>(
          url,
          signal,
          this.config.requestTimeoutMs,
        );
        items.push(...page.Items);
        url = page.NextPageLink;
      }
      const item = items
        .filter((i) => i.type === 'Consumption')
        .sort((a, b) => (a.tierMinimumUnits ?? 0) - (b.tierMinimumUnits ?? 0))[0];
      if (!item) continue;
      found.push({
        key,
        region,
        usd: spec.hourly ? item.retailPrice * HOURS_PER_MONTH : item.retailPrice,
        unit: spec.hourly ? 'month' : item.unitOfMeasure,
        sku: item.meterId,
      });
    }
    return found;
  }
}
