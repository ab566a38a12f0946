import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * Local stand-ins for the three price APIs, serving declared documents in their real formats:
 * - AWS Price List Query API: JSON 1.1, `X-Amz-Target: AWSPriceListService.GetProducts`, TERM_MATCH filters on
 *   product attributes, `PriceList` an array of JSON strings, `NextToken` paging (`pageSize` products a page).
 * - Azure Retail Prices: `GET /api/retail/prices?$filter=a eq 'x' and b eq 'y'`, `Items` + `NextPageLink`.
 * - GCP Cloud Billing Catalog: `GET /v1/services/{id}/skus?key=&pageToken=`, `skus` + `nextPageToken`; 403
 *   PERMISSION_DENIED without the API key.
 */

export interface AwsPriceProduct {
  serviceCode: string;
  sku: string;
  attributes: Record<string, string>;
  usd: string;
  unit: string;
}
export interface AzurePriceItem {
  serviceName: string;
  meterName: string;
  armRegionName: string;
  retailPrice: number;
  unitOfMeasure: string;
  meterId: string;
  priceType?: string;
}
export interface GcpSkuDoc {
  skuId: string;
  description: string;
  region: string;
  unit: string;
  /** Tiers as [startUsageAmount, USD]. */
  tiers: Array<[number, number]>;
}
export interface FakePriceApis {
  url: string;
  calls: string[];
  close(): Promise<void>;
}

export async function startFakePriceApis(docs: {
  aws: AwsPriceProduct[];
  azure: AzurePriceItem[];
  gcp: Record<string, GcpSkuDoc[]>;
  gcpApiKey: string;
  pageSize?: number;
}): Promise<FakePriceApis> {
  const pageSize = docs.pageSize ?? 1;
  const calls: string[] = [];
  let base = '';

  const send = (res: ServerResponse, status: number, body: unknown, type = 'application/json') => {
    res.writeHead(status, { 'Content-Type': type });
    res.end(JSON.stringify(body));
  };
  const paged = <T>(all: T[], token: string | null) => {
    const start = Number(token ?? 0);
    return {
      slice: all.slice(start, start + pageSize),
      next: start + pageSize < all.length ? String(start + pageSize) : null,
    };
  };

  const awsGetProducts = (req: IncomingMessage, body: string, res: ServerResponse) => {
    if (
      !/Credential=AKIA[A-Z0-9]+\/\d{8}\/us-east-1\/pricing\/aws4_request/.test(
        String(req.headers.authorization),
      )
    )
      return send(
        res,
        403,
        { __type: 'AccessDeniedException', Message: 'Unsigned' },
        'application/x-amz-json-1.1',
      );
    const input = JSON.parse(body) as {
      ServiceCode: string;
      Filters: Array<{ Type: string; Field: string; Value: string }>;
      NextToken?: string;
    };
    calls.push(`aws GetProducts ${input.ServiceCode}`);
    const matching = docs.aws.filter(
      (p) =>
        p.serviceCode === input.ServiceCode &&
        input.Filters.every((f) => f.Type === 'TERM_MATCH' && p.attributes[f.Field] === f.Value),
    );
    const { slice, next } = paged(matching, input.NextToken ?? null);
    const priceList = slice.map((p) =>
      JSON.stringify({
        product: { productFamily: p.attributes.productFamily, sku: p.sku, attributes: p.attributes },
        serviceCode: p.serviceCode,
        terms: {
          OnDemand: {
            [`${p.sku}.JRTCKXETXF`]: {
              offerTermCode: 'JRTCKXETXF',
              sku: p.sku,
              effectiveDate: '2026-11-01T00:00:00Z',
              priceDimensions: {
                [`${p.sku}.JRTCKXETXF.6YS6EN2CT7`]: {
                  unit: p.unit,
                  beginRange: '0',
                  endRange: 'Inf',
                  pricePerUnit: { USD: p.usd },
                },
              },
            },
          },
        },
        version: '20261101000000',
        publicationDate: '2026-11-01T00:00:00Z',
      }),
    );
    res.writeHead(200, { 'Content-Type': 'application/x-amz-json-1.1', 'x-amzn-RequestId': 'req-1' });
    res.end(
      JSON.stringify({ FormatVersion: 'aws_v1', PriceList: priceList, ...(next ? { NextToken: next } : {}) }),
    );
  };

  const azure = (url: URL, res: ServerResponse) => {
    const filter = url.searchParams.get('$filter') ?? '';
    calls.push(`azure ${filter}`);
    const terms = [...filter.matchAll(/(\w+) eq '((?:[^']|'')*)'/g)].map((m) => [
      m[1],
      m[2].replace(/''/g, "'"),
    ]);
    const matching = docs.azure.filter((item) =>
      terms.every(
        ([field, value]) =>
          String(
            (item as unknown as Record<string, unknown>)[field] ??
              (field === 'priceType' ? 'Consumption' : ''),
          ) === value,
      ),
    );
    const { slice, next } = paged(matching, url.searchParams.get('$skip'));
    const nextUrl = new URL(url.toString(), base);
    if (next) nextUrl.searchParams.set('$skip', next);
    send(res, 200, {
      BillingCurrency: 'USD',
      CustomerEntityType: 'Retail',
      Items: slice.map((i) => ({
        currencyCode: 'USD',
        tierMinimumUnits: 0,
        retailPrice: i.retailPrice,
        unitPrice: i.retailPrice,
        armRegionName: i.armRegionName,
        location: i.armRegionName,
        effectiveStartDate: '2026-01-01T00:00:00Z',
        meterId: i.meterId,
        meterName: i.meterName,
        productName: i.serviceName,
        serviceName: i.serviceName,
        unitOfMeasure: i.unitOfMeasure,
        type: i.priceType ?? 'Consumption',
        isPrimaryMeterRegion: true,
      })),
      NextPageLink: next ? nextUrl.toString() : null,
      Count: slice.length,
    });
  };

  const gcp = (url: URL, serviceId: string, res: ServerResponse) => {
    calls.push(`gcp ${serviceId} ${url.searchParams.get('pageToken') ?? ''}`);
    if (url.searchParams.get('key') !== docs.gcpApiKey)
      return send(res, 403, {
        error: { code: 403, message: 'The request is missing a valid API key.', status: 'PERMISSION_DENIED' },
      });
    const { slice, next } = paged(docs.gcp[serviceId] ?? [], url.searchParams.get('pageToken'));
    send(res, 200, {
      skus: slice.map((s) => ({
        name: `services/${serviceId}/skus/${s.skuId}`,
        skuId: s.skuId,
        description: s.description,
        category: {
          serviceDisplayName: 'Compute Engine',
          resourceFamily: 'Storage',
          resourceGroup: 'PDStandard',
          usageType: 'OnDemand',
        },
        serviceRegions: [s.region],
        pricingInfo: [
          {
            effectiveTime: '2026-11-01T00:00:00Z',
            pricingExpression: {
              usageUnit: s.unit,
              displayQuantity: 1,
              tieredRates: s.tiers.map(([start, usd]) => ({
                startUsageAmount: start,
                unitPrice: {
                  currencyCode: 'USD',
                  units: String(Math.floor(usd)),
                  nanos: Math.round((usd % 1) * 1e9),
                },
              })),
            },
          },
        ],
      })),
      nextPageToken: next ?? '',
    });
  };

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', base);
      const body = Buffer.concat(chunks).toString('utf8');
      if (req.headers['x-amz-target'] === 'AWSPriceListService.GetProducts')
        return awsGetProducts(req, body, res);
      if (url.pathname === '/api/retail/prices') return azure(url, res);
      const m = /^\/v1\/services\/([^/]+)\/skus$/.exec(url.pathname);
      if (m) return gcp(url, decodeURIComponent(m[1]), res);
      send(res, 404, { message: `No route ${req.method} ${url.pathname}` });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: base,
    calls,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
