import request from 'supertest';
import { startFakeAws, type FakeAws } from '../../bench/fakes/fake-aws.js';
import { AwsPriceListClient } from '../../src/scans/pricing/aws-price-list.client.js';
import { AzureRetailPricesClient } from '../../src/scans/pricing/azure-retail-prices.client.js';
import { GcpBillingCatalogClient } from '../../src/scans/pricing/gcp-billing-catalog.client.js';
import {
  livePriceSpec,
  type AwsPriceSpec,
  type AzurePriceSpec,
  type GcpPriceSpec,
} from '../../src/scans/pricing/live-catalog.js';
import { AppProcess, startApp } from '../helpers/app-process.js';
import { closeDb, sql, truncateAll } from '../helpers/db.js';
import { flushRedis } from '../helpers/redis.js';
import { signedIn } from '../helpers/users.js';
import { startFakePriceApis, type FakePriceApis } from './fake-price-apis.js';
import { waitForScan } from './helpers.js';
import { awsAccountBody, estate } from './world.js';

const GCE = '6F81-5844-456A';
const GCP_KEY = 'gcp-billing-key-0123';
const PRICING_KEY_ID = 'AKIAPRICINGPRICING01';
const as = (token: string) => ({ Authorization: `Bearer ${token}` });

let prices: FakePriceApis;
let aws: FakeAws;
let app: AppProcess;

beforeAll(async () => {
  await truncateAll();
  await flushRedis();
  const ec2 = { servicecode: 'AmazonEC2' };
  prices = await startFakePriceApis({
    gcpApiKey: GCP_KEY,
    aws: [
      // Two gp3 products in us-east-1 (pages of one): the storage one matches the filters.
      {
        serviceCode: 'AmazonEC2',
        sku: 'IOPSSKU',
        attributes: {
          ...ec2,
          productFamily: 'System Operation',
          volumeApiName: 'gp3',
          regionCode: 'us-east-1',
        },
        usd: '0.006',
        unit: 'IOPS-Mo',
      },
      {
        serviceCode: 'AmazonEC2',
        sku: 'GP3SKU',
        attributes: { ...ec2, productFamily: 'Storage', volumeApiName: 'gp3', regionCode: 'us-east-1' },
        usd: '0.09',
        unit: 'GB-Mo',
      },
      {
        serviceCode: 'AmazonEC2',
        sku: 'GP3EU',
        attributes: { ...ec2, productFamily: 'Storage', volumeApiName: 'gp3', regionCode: 'eu-west-1' },
        usd: '0.088',
        unit: 'GB-Mo',
      },
      // The NAT gateway's hourly price, next to its per-GB one that the usage type rules out.
      {
        serviceCode: 'AmazonEC2',
        sku: 'NATGB',
        attributes: {
          ...ec2,
          productFamily: 'NAT Gateway',
          usagetype: 'USE1-NatGateway-Bytes',
          regionCode: 'us-east-1',
        },
        usd: '0.045',
        unit: 'GB',
      },
      {
        serviceCode: 'AmazonEC2',
        sku: 'NATHR',
        attributes: {
          ...ec2,
          productFamily: 'NAT Gateway',
          usagetype: 'USE1-NatGateway-Hours',
          regionCode: 'us-east-1',
        },
        usd: '0.05',
        unit: 'Hrs',
      },
    ],
    azure: [
      {
        serviceName: 'Virtual Network',
        meterName: 'Standard IPv4 Static Public IP',
        armRegionName: 'westeurope',
        retailPrice: 0.005,
        unitOfMeasure: '1 Hour',
        meterId: 'm-ip-we',
      },
      {
        serviceName: 'Virtual Network',
        meterName: 'Standard IPv4 Static Public IP',
        armRegionName: 'eastus',
        retailPrice: 0.004,
        unitOfMeasure: '1 Hour',
        meterId: 'm-ip-eu',
      },
      {
        serviceName: 'Storage',
        meterName: 'LRS Snapshot',
        armRegionName: 'westeurope',
        retailPrice: 0.055,
        unitOfMeasure: '1 GB/Month',
        meterId: 'm-snap-we',
      },
    ],
    gcp: {
      [GCE]: [
        {
          skuId: 'A1',
          description: 'Storage PD Capacity in Iowa',
          region: 'us-central1',
          unit: 'GiBy.mo',
          tiers: [[0, 0.04]],
        },
        {
          skuId: 'A2',
          description: 'Storage PD Capacity in Belgium',
          region: 'europe-west1',
          unit: 'GiBy.mo',
          tiers: [[0, 0.044]],
        },
        {
          skuId: 'A3',
          description: 'Static Ip Charge in Iowa',
          region: 'us-central1',
          unit: 'h',
          tiers: [
            [0, 0],
            [1, 0.01],
          ],
        },
      ],
    },
  });
});
afterAll(async () => {
  await app?.stop();
  await aws?.close();
  await prices?.close();
  await closeDb();
});

describe('price API clients over the wire', () => {
  it('AWS Price List: GetProducts with TERM_MATCH filters, NextToken pages, hourly prices × 730', async () => {
    const client = new AwsPriceListClient({
      endpoint: prices.url,
      region: 'us-east-1',
      accessKeyId: PRICING_KEY_ID,
      secretAccessKey: 'pricing-secret',
      requestTimeoutMs: 5000,
    });
    const req = (key: string, region: string) => ({ key, region, spec: livePriceSpec(key) as AwsPriceSpec });
    const found = await client.fetch([
      req('aws.ebs.gp3.gb_month', 'us-east-1'),
      req('aws.ebs.gp3.gb_month', 'eu-west-1'),
      req('aws.nat_gateway.month', 'us-east-1'),
      req('aws.ebs.st1.gb_month', 'us-east-1'),
    ]);
    client.close();
    expect(found).toEqual([
      { key: 'aws.ebs.gp3.gb_month', region: 'us-east-1', usd: 0.09, unit: 'GB-Mo', sku: 'GP3SKU' },
      { key: 'aws.ebs.gp3.gb_month', region: 'eu-west-1', usd: 0.088, unit: 'GB-Mo', sku: 'GP3EU' },
      {
        key: 'aws.nat_gateway.month',
        region: 'us-east-1',
        usd: expect.closeTo(36.5, 6),
        unit: 'month',
        sku: 'NATHR',
      },
    ]);
    // The NAT gateway's two products came on two pages.
    expect(prices.calls.filter((c) => c === 'aws GetProducts AmazonEC2').length).toBe(5);
  });

  it('Azure Retail Prices: $filter with the region, NextPageLink followed', async () => {
    const client = new AzureRetailPricesClient({
      url: `${prices.url}/api/retail/prices`,
      requestTimeoutMs: 5000,
    });
    const spec = livePriceSpec('azure.public_ip.static.month') as AzurePriceSpec;
    const found = await client.fetch([
      { key: 'azure.public_ip.static.month', region: 'westeurope', spec },
      {
        key: 'azure.disk.snapshot.gb_month',
        region: 'westeurope',
        spec: livePriceSpec('azure.disk.snapshot.gb_month') as AzurePriceSpec,
      },
      { key: 'azure.public_ip.static.month', region: 'northeurope', spec },
    ]);
    expect(found).toEqual([
      { key: 'azure.public_ip.static.month', region: 'westeurope', usd: 3.65, unit: 'month', sku: 'm-ip-we' },
      {
        key: 'azure.disk.snapshot.gb_month',
        region: 'westeurope',
        usd: 0.055,
        unit: '1 GB/Month',
        sku: 'm-snap-we',
      },
    ]);
    expect(
      prices.calls.some((c) => c.includes("armRegionName eq 'westeurope' and priceType eq 'Consumption'")),
    ).toBe(true);
  });

  it('GCP Billing Catalog: SKUs paged by nextPageToken, matched by description and region, first paid tier', async () => {
    const client = new GcpBillingCatalogClient({
      url: `${prices.url}/v1`,
      apiKey: GCP_KEY,
      requestTimeoutMs: 5000,
    });
    const req = (key: string, region: string) => ({ key, region, spec: livePriceSpec(key) as GcpPriceSpec });
    const before = prices.calls.length;
    const found = await client.fetch([
      req('gcp.disk.pd-standard.gb_month', 'europe-west1'),
      req('gcp.address.month', 'us-central1'),
      req('gcp.disk.pd-ssd.gb_month', 'us-central1'),
    ]);
    expect(found).toEqual([
      {
        key: 'gcp.disk.pd-standard.gb_month',
        region: 'europe-west1',
        usd: 0.044,
        unit: 'GiBy.mo',
        sku: 'A2',
      },
      {
        key: 'gcp.address.month',
        region: 'us-central1',
        usd: expect.closeTo(7.3, 6),
        unit: 'month',
        sku: 'A3',
      },
    ]);
    // One pass over the service's three pages serves every request.
    expect(prices.calls.slice(before)).toEqual([`gcp ${GCE} `, `gcp ${GCE} 1`, `gcp ${GCE} 2`]);
    const keyless = new GcpBillingCatalogClient({
      url: `${prices.url}/v1`,
      apiKey: 'wrong',
      requestTimeoutMs: 5000,
    });
    await expect(keyless.fetch([req('gcp.address.month', 'us-central1')])).rejects.toThrow(
      /403.*PERMISSION_DENIED/,
    );
  });
});

describe('live prices in the app', () => {
  let admin: { token: string };
  let user: { token: string; id: string };
  let accountId: string;

  beforeAll(async () => {
    aws = await startFakeAws(estate());
    app = await startApp({
      AWS_ENDPOINT_URL: aws.url,
      PRICING_LIVE_PROVIDERS: 'aws,azure,gcp',
      AWS_PRICING_ENDPOINT_URL: prices.url,
      AWS_PRICING_ACCESS_KEY_ID: PRICING_KEY_ID,
      AWS_PRICING_SECRET_ACCESS_KEY: 'pricing-secret',
      AZURE_PRICES_URL: `${prices.url}/api/retail/prices`,
      GCP_BILLING_URL: `${prices.url}/v1`,
      GCP_BILLING_API_KEY: GCP_KEY,
    });
    admin = await signedIn(app.url, { role: 'admin' });
    const u = await signedIn(app.url);
    user = { token: u.token, id: u.user.id };
    const res = await request(app.url)
      .post('/api/v1/accounts')
      .set(as(user.token))
      .send(awsAccountBody())
      .expect(201);
    accountId = res.body.id;
  });

  const volumeLines = async () => {
    const res = await request(app.url)
      .get('/api/v1/resources?resource_type=ebs_volume')
      .set(as(user.token))
      .expect(200);
    return Object.fromEntries(
      (
        res.body.items as Array<{
          resource_id: string;
          metadata: { cost_breakdown: Array<Record<string, unknown>> };
        }>
      ).map((r) => [r.resource_id, r.metadata.cost_breakdown]),
    );
  };

  it('prices a scan from the API (live), then from the 24 h cache; an override still wins; the list is the fallback', async () => {
    // An admin's regional override of the NAT gateway beats the API's price.
    await request(app.url)
      .put('/api/v1/admin/pricing/aws.nat_gateway.month')
      .set(as(admin.token))
      .send({ region: 'us-east-1', usd: 40 })
      .expect(200);
    const first = await request(app.url)
      .post('/api/v1/scans')
      .set(as(user.token))
      .send({ cloud_account_id: accountId })
      .expect(202);
    const scan = await waitForScan(app.url, user.token, first.body.id);
    expect(scan.status).toBe('completed');
    let lines = await volumeLines();
    expect(lines['vol-0old'][0]).toMatchObject({
      price_key: 'aws.ebs.gp3.gb_month',
      unit_price: 0.09,
      monthly: 9,
      price_source: 'live',
    });
    expect(lines['vol-0old'][1]).toMatchObject({
      price_key: 'aws.ebs.gp3.iops_month',
      unit_price: 0.006,
      price_source: 'live',
    });
    expect(lines['vol-0eu'][0]).toMatchObject({
      price_key: 'aws.ebs.st1.gb_month',
      unit_price: 0.045,
      price_source: 'list',
    });
    const nat = await request(app.url)
      .get('/api/v1/resources?resource_type=nat_gateway')
      .set(as(user.token))
      .expect(200);
    expect(nat.body.items[0].metadata.cost_breakdown[0]).toMatchObject({
      unit_price: 40,
      price_source: 'override',
    });
    const [cachedRow] = await sql<{ usd: string }>(
      `SELECT usd FROM scan_live_prices WHERE key = 'aws.ebs.gp3.gb_month' AND region = 'us-east-1'`,
    );
    expect(Number(cachedRow.usd)).toBe(0.09);

    const calls = prices.calls.length;
    const second = await request(app.url)
      .post('/api/v1/scans')
      .set(as(user.token))
      .send({ cloud_account_id: accountId })
      .expect(202);
    await waitForScan(app.url, user.token, second.body.id);
    lines = await volumeLines();
    expect(lines['vol-0old'][0]).toMatchObject({
      unit_price: 0.09,
      price_source: 'cache',
      priced_at: expect.any(String),
    });
    // Prices the APIs did not know are asked again (the cache holds only what was found), known ones are not.
    expect(prices.calls.slice(calls).every((c) => c.startsWith('aws'))).toBe(true);
  });

  it('refreshes every provider through a queued job; stats show the cache; admins only', async () => {
    await sql(
      `INSERT INTO cloud_accounts (id, owner_id, provider, name, account_identifier, regions, credentials_ciphertext, credentials_key_id, credentials_hint)
       VALUES (gen_random_uuid(), $1, 'azure', 'Az', 'sub', '{westeurope}', 'v1.a.b.c', 'k1', 'x'), (gen_random_uuid(), $1, 'gcp', 'G', 'proj', '{europe-west1}', 'v1.a.b.c', 'k1', 'x')`,
      [user.id],
    );
    await request(app.url).post('/api/v1/admin/pricing/refresh').set(as(user.token)).expect(403);
    await request(app.url).get('/api/v1/admin/pricing/stats').set(as(user.token)).expect(403);
    const queued = await request(app.url)
      .post('/api/v1/admin/pricing/refresh')
      .set(as(admin.token))
      .expect(202);
    expect(queued.body.job_id).toMatch(/^prices:manual:/);
    let stats: { cached: Array<{ provider: string; fresh: number }> } = { cached: [] };
    for (let i = 0; i < 100 && stats.cached.length < 3; i++) {
      await new Promise((r) => setTimeout(r, 100));
      stats = (await request(app.url).get('/api/v1/admin/pricing/stats').set(as(admin.token)).expect(200))
        .body;
    }
    expect(stats).toMatchObject({ live_providers: ['aws', 'azure', 'gcp'], cache_hours: 24, overrides: 1 });
    expect(stats.cached).toEqual([
      expect.objectContaining({ provider: 'aws', fresh: 4, stale: 0 }),
      expect.objectContaining({ provider: 'azure', fresh: 2, stale: 0 }),
      expect.objectContaining({ provider: 'gcp', fresh: 1, stale: 0 }),
    ]);
  });
});
