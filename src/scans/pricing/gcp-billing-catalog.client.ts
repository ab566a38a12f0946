import { HOURS_PER_MONTH, type GcpPriceSpec } from './live-catalog.js';
import {
  getJson,
  type FetchedPrice,
  type LivePriceClient,
  type LivePriceRequest,
} from './live-price-client.js';

interface Sku {
  skuId: string;
  description: string;
  category: { usageType: string };
  serviceRegions: string[];
  pricingInfo: Array<{
    pricingExpression: {
      usageUnit: string;
      tieredRates: Array<{ startUsageAmount: number; unitPrice: { units?: string; nanos?: number } }>;
    };
  }>;
}

interface SkuPage {
  skus: Sku[];
  nextPageToken?: string;
}

/**
 * The GCP Cloud Billing Catalog (`GET /v1/services/{id}/skus?key=`), following `nextPageToken`. A service's SKUs are
 * read once per call and matched on description, On-Demand usage and region; the first non-free tier wins (the free
 * tier of a SKU is not what a waste report should assume).
 */
export class GcpBillingCatalogClient implements LivePriceClient<GcpPriceSpec> {
  constructor(private readonly config: { url: string; apiKey: string; requestTimeoutMs: number }) {}

  async fetch(requests: LivePriceRequest<GcpPriceSpec>[], signal?: AbortSignal): Promise<FetchedPrice[]> {
    const byService = new Map<string, Sku[]>();
    const found: FetchedPrice[] = [];
    for (const { key, region, spec } of requests) {
      let skus = byService.get(spec.serviceId);
      if (!skus) {
        skus = await this.skus(spec.serviceId, signal);
        byService.set(spec.serviceId, skus);
      }
      const sku = skus.find(
        (s) =>
          spec.description.test(s.description) &&
          s.category.usageType === 'OnDemand' &&
          s.serviceRegions.includes(region),
      );
      const expression = sku?.pricingInfo[0]?.pricingExpression;
      const rate = expression?.tieredRates.find((r) => money(r.unitPrice) > 0) ?? expression?.tieredRates[0];
      if (!sku || !expression || !rate) continue;
      const usd = money(rate.unitPrice);
      found.push({
        key,
        region,
        usd: spec.hourly ? usd * HOURS_PER_MONTH : usd,
        unit: spec.hourly ? 'month' : expression.usageUnit,
        sku: sku.skuId,
      });
    }
    return found;
  }

  private async skus(serviceId: string, signal?: AbortSignal): Promise<Sku[]> {
    const all: Sku[] = [];
    let pageToken = '';
    do {
      const params = new URLSearchParams({ key: this.config.apiKey, currencyCode: 'USD', pageSize: '5000' });
      if (pageToken) params.set('pageToken', pageToken);
      const page = await getJson<SkuPage>(
        `${this.config.url}/services/${encodeURIComponent(serviceId)}/skus?${params}`,
        signal,
        this.config.requestTimeoutMs,
      );
      all.push(...(page.skus ?? []));
      pageToken = page.nextPageToken ?? '';
    } while (pageToken);
    return all;
  }
}

/** Google's Money: whole units as a string plus nanos. */
const money = (m: { units?: string; nanos?: number }) => Number(m.units ?? 0) + (m.nanos ?? 0) / 1e9;
