import request from 'supertest';
import { startFakeAws, type FakeAws } from '../../bench/fakes/fake-aws.js';
import { AppProcess, startApp } from '../helpers/app-process.js';
import { closeDb, truncateAll } from '../helpers/db.js';
import { flushRedis } from '../helpers/redis.js';
import { signedIn } from '../helpers/users.js';
import { waitForScan } from './helpers.js';
import { ACCESS_KEY_ID, ACCOUNT_ID, catalogueEstate, SECRET_ACCESS_KEY } from './world.js';

let app: AppProcess;
let fake: FakeAws;
let user: { token: string };
const as = (token: string) => ({ Authorization: `Bearer ${token}` });

interface Resource {
  resource_type: string;
  resource_id: string;
  resource_name: string | null;
  region: string;
  monthly_cost: number;
  metadata: { reason: string; cost_unknown: boolean; cost_breakdown: Array<Record<string, unknown>> };
}
interface StatusRow {
  region: string;
  service: string;
  step: string;
  status: string;
  resources_examined: number;
  code?: string;
  reason?: string;
}

beforeAll(async () => {
  await truncateAll();
  await flushRedis();
  fake = await startFakeAws(catalogueEstate());
  app = await startApp({ AWS_ENDPOINT_URL: fake.url, AWS_MAX_ATTEMPTS: '2' });
  user = await signedIn(app.url);
});
afterAll(async () => {
  await app?.stop();
  await fake?.close();
  await closeDb();
});

describe('the AWS catalogue over the wire', () => {
  let scan: Record<string, unknown> & { service_status: StatusRow[] };
  let resources: Resource[];

  beforeAll(async () => {
    const account = await request(app.url)
      .post('/api/v1/accounts')
      .set(as(user.token))
      .send({
        provider: 'aws',
        name: 'Catalogue',
        account_identifier: ACCOUNT_ID,
        regions: ['us-east-1', 'us-west-2'],
        credentials: { access_key_id: ACCESS_KEY_ID, secret_access_key: SECRET_ACCESS_KEY },
      })
      .expect(201);
    const started = await request(app.url)
      .post('/api/v1/scans')
      .set(as(user.token))
      .send({ cloud_account_id: account.body.id })
      .expect(202);
    await waitForScan(app.url, user.token, started.body.id);
    scan = (await request(app.url).get(`/api/v1/scans/${started.body.id}`).set(as(user.token)).expect(200))
      .body;
    const page = await request(app.url).get('/api/v1/resources?limit=100').set(as(user.token)).expect(200);
    resources = page.body.items;
  });

  const byId = (id: string) => resources.find((r) => r.resource_id === id || r.resource_name === id);

  it('lists at least 25 AWS detection rules', async () => {
    const rules = await request(app.url).get('/api/v1/detection-rules').set(as(user.token)).expect(200);
    const aws = (rules.body as Array<{ provider: string }>).filter((r) => r.provider === 'aws');
    expect(aws.length).toBeGreaterThanOrEqual(25);
  });

  it('finds one idle resource of every new type, with list-price costs, and leaves busy ones alone', () => {
    expect(scan.status).toBe('completed');
    const types = new Set(resources.map((r) => r.resource_type));
    for (const type of [
      'ec2_idle_instance',
      'vpn_connection',
      'transit_gateway_attachment',
      'vpc_interface_endpoint',
      'classic_load_balancer',
      'rds_instance',
      'neptune_cluster',
      'docdb_cluster',
      'fsx_file_system',
      'msk_cluster',
      'eks_cluster',
      'sagemaker_endpoint',
      'redshift_cluster',
      'elasticache_cluster',
      'opensearch_domain',
      'global_accelerator',
      'kinesis_stream',
      's3_bucket',
      'lambda_function',
      'dynamodb_table',
      'ecs_service',
    ])
      expect(types).toContain(type);
    const costs: Record<string, number> = {
      'i-0idle': 70.08,
      'vpn-0down': 36.5,
      'tgw-attach-0idle': 36.5,
      'vpce-0idle': 14.6,
      'clb-idle': 18,
      'db-stopped': 11.5,
      'neptune-idle': 254.04,
      'docdb-idle': 56.94,
      'fs-0idle': 39,
      'msk-idle': 306.6,
      'empty-eks': 73,
      'ep-idle': 83.95,
      'rs-idle': 365,
      'cache-idle': 12.41,
      'search-idle': 55.26,
      's-idle': 43.8,
      'empty-bucket': 0,
      'never-called': 0,
      'idle-table': 28.47,
      'web-idle': 36.04,
      'ga-idle': 18.25,
      'lb-quiet': 22,
      'nlb-quiet': 22,
      'clb-quiet': 18,
    };
    for (const [id, cost] of Object.entries(costs)) {
      const found = byId(id);
      expect({ id, cost: found?.monthly_cost }).toEqual({ id, cost });
      expect(found?.metadata.reason).toEqual(expect.any(String));
    }
    for (const id of [
      'i-0busy',
      'rs-busy',
      'full-bucket',
      'busy-table',
      'west-bucket',
      'lb-busy',
      'clb-busy',
    ])
      expect(byId(id)).toBeUndefined();
    expect(byId('ga-idle')?.region).toBe('us-west-2');
    expect(byId('i-0idle')?.metadata.reason).toMatch(/2\.50% CPU/);
  });

  it('reports load balancers under 100 requests (new flows) a day for 7 days from CloudWatch, with the figures', () => {
    const alb = byId('lb-quiet') as Resource;
    expect(alb.metadata.reason).toBe(
      'Fewer than 100 requests a day for 7 days: busiest day 99, 151 in all (CloudWatch AWS/ApplicationELB ' +
        'RequestCount, LoadBalancer=app/lb-quiet/50dc6c495c0c9188, daily Sum)',
    );
    expect(alb.metadata).toMatchObject({
      confidence: 'medium',
      healthyTargets: 2,
      traffic: {
        namespace: 'AWS/ApplicationELB',
        metric: 'RequestCount',
        busiestDay: 99,
        total: 151,
        days: 7,
      },
    });
    expect(byId('nlb-quiet')?.metadata.reason).toMatch(
      /^Fewer than 100 new flows a day for 7 days: busiest day 5, 5 in all \(CloudWatch AWS\/NetworkELB NewFlowCount, LoadBalancer=net\/nlb-quiet\//,
    );
    expect(byId('clb-quiet')?.metadata).toMatchObject({
      reason: expect.stringContaining(
        'busiest day 3, 3 in all (CloudWatch AWS/ELB RequestCount, LoadBalancerName=clb-quiet',
      ),
      inService: 1,
      confidence: 'medium',
    });
    // No healthy instance says more than traffic: that reason stays.
    expect(byId('clb-idle')?.metadata.reason).toBe('None of its 1 registered instances is InService');
  });

  it('reports a resource it cannot price as cost unknown, never as $0, and counts it', () => {
    const odd = byId('i-0odd') as Resource;
    expect(odd.metadata.cost_unknown).toBe(true);
    expect(odd.metadata.cost_breakdown).toEqual([
      {
        item: '1 × z1d.metal instance (on-demand)',
        price_key: 'aws.ec2.z1d.metal.month',
        quantity: 1,
        unit_price: null,
        monthly: 0,
        price_source: null,
        priced_at: null,
        cost_unknown: true,
      },
    ]);
    expect(byId('i-0idle')?.metadata.cost_breakdown[0]).toMatchObject({
      price_source: 'list',
      cost_unknown: false,
    });
    expect(scan.findings_cost_unknown).toBe(1);
  });

  it('ends with a status table: every region and service, a refused one skipped, a failing one failed', () => {
    const rows = scan.service_status;
    const row = (region: string, step: string) => rows.find((r) => r.region === region && r.step === step);
    expect(row('us-west-2', 'dynamodb:ListTables')).toMatchObject({
      service: 'dynamodb',
      status: 'skipped',
      code: 'AccessDeniedException',
    });
    expect(row('us-west-2', 'kinesis:ListStreams')).toMatchObject({
      service: 'kinesis',
      status: 'failed',
      code: 'InvalidArgumentException',
      reason: expect.stringMatching(/broken today/),
    });
    expect(row('us-west-2', 'globalaccelerator:ListAccelerators')).toMatchObject({
      status: 'scanned',
      resources_examined: 1,
    });
    expect(rows.filter((r) => r.region === 'us-east-1').every((r) => r.status === 'scanned')).toBe(true);
    expect(row('us-east-1', 'ec2:DescribeInstances(running)')).toMatchObject({ resources_examined: 3 });
    expect(row('us-east-1', 'dynamodb:ListTables')).toMatchObject({
      status: 'scanned',
      resources_examined: 1,
    });
    const services = new Set(rows.filter((r) => r.region === 'us-east-1').map((r) => r.service));
    for (const s of [
      'ec2',
      'elb',
      'rds',
      'fsx',
      'kafka',
      'eks',
      'sagemaker',
      'redshift',
      'elasticache',
      'es',
      'kinesis',
      's3',
      'lambda',
      'dynamodb',
      'ecs',
    ])
      expect(services).toContain(s);
    expect(scan.status_summary).toEqual({
      scanned: rows.length - 2,
      failed: 1,
      skipped: 1,
    });
  });

  it('documents the status table, cost-unknown counts and the pricing endpoints in OpenAPI', async () => {
    const doc = (await request(app.url).get('/api/docs-json').expect(200)).body as {
      paths: Record<string, unknown>;
      components: { schemas: Record<string, { properties: Record<string, unknown> }> };
    };
    expect(Object.keys(doc.components.schemas.ScanDto.properties)).toEqual(
      expect.arrayContaining(['service_status', 'status_summary', 'findings_cost_unknown']),
    );
    expect(doc.components.schemas.ServiceStatusDto.properties.status).toMatchObject({
      enum: ['scanned', 'failed', 'skipped'],
    });
    expect(doc.paths).toHaveProperty(['/api/v1/admin/pricing/stats']);
    expect(doc.paths).toHaveProperty(['/api/v1/admin/pricing/refresh']);
  });
});
