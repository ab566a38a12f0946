import request from 'supertest';
import { closeDb } from '../helpers/db.js';
import {
  byName,
  costsByName,
  createAccount,
  scanThroughApi,
  seenIdleSince,
  startCloudWorld,
  validate,
  type CloudWorld,
} from './fakes/clouds.js';
import { daysAgo } from './world.js';
const TENANT = 'aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee';
const CLIENT = '12345678-1234-4234-8234-123456789abc';
const SECRET = 'fake-azure-secret-1';
const SUBSCRIPTION = '11111111-2222-4333-8444-555555555555';
const RG = `/subscriptions/${SUBSCRIPTION}/resourceGroups/rg-prod/providers`;

let world: CloudWorld;
let accountId: string;
const as = (token: string) => ({ Authorization: `Bearer ${token}` });

const account = (secret = SECRET) => ({
  provider: 'azure',
  name: secret === SECRET ? 'Azure production' : 'Azure wrong secret',
  regions: ['westeurope', 'northeurope'],
  credentials: { tenant_id: TENANT, client_id: CLIENT, client_secret: secret, subscription_id: SUBSCRIPTION },
});

beforeAll(async () => {
  // One HTTPS server plays both login.microsoftonline.com and management.azure.com, with a certificate of a test
  // CA the app trusts through NODE_EXTRA_CA_CERTS: the client talks TLS as it would to Azure.
  world = await startCloudWorld(
    {
      fixture: 'azure-arm.json',
      paging: 'arm',
      tls: true,
      grant: {
        kind: 'microsoft',
        tenantId: TENANT,
        clientId: CLIENT,
        clientSecret: SECRET,
        scope: 'https://management.azure.com/.default',
        otherScopes: ['https://metrics.monitor.azure.com/.default'],
      },
      errors: {
        unauthorized: { error: { code: 'AuthenticationFailed', message: 'Authentication failed.' } },
        notFound: { error: { code: 'ResourceNotFound', message: 'The resource was not found.' } },
      },
    },
    (url) => ({ AZURE_ENDPOINT_URL: url, AZURE_AUTHORITY_HOST: url, AZURE_METRICS_ENDPOINT_URL: url }),
  );
});
afterAll(async () => {
  await world?.stop();
  await closeDb();
});

describe('Azure over the wire', () => {
  it('creates the account, encrypted, and validates it with a token and the subscription', async () => {
    const { app, token } = world;
    accountId = await createAccount(app.url, token, account(), SECRET);
    expect(await validate(app.url, token, accountId, 200)).toEqual({
      valid: true,
      identity: `${CLIENT}@${TENANT}`,
      account_identifier: SUBSCRIPTION,
    });
    const wrong = await createAccount(app.url, token, account('not-the-secret'), 'not-the-secret');
    expect((await validate(app.url, token, wrong, 422)).message).toContain('invalid_client');
    await request(app.url).delete(`/api/v1/accounts/${wrong}`).set(as(token)).expect(204);
  });

  it('scans every Azure type through ARM and Azure Monitor, with list-price costs and a failed step recorded', async () => {
    // Resources without a creation time are judged on first sighting: as if an earlier scan had seen them idle.
    await seenIdleSince(
      accountId,
      'westeurope',
      'azure_public_ip',
      [`${RG}/Microsoft.Network/publicIPAddresses/pip-idle`],
      daysAgo(10),
    );
    await seenIdleSince(
      accountId,
      'westeurope',
      'azure_application_gateway',
      [`${RG}/Microsoft.Network/applicationGateways/agw-empty`],
      daysAgo(10),
    );
    await seenIdleSince(
      accountId,
      'westeurope',
      'azure_nat_gateway',
      [`${RG}/Microsoft.Network/natGateways/nat-idle`],
      daysAgo(10),
    );
    await seenIdleSince(
      accountId,
      'westeurope',
      'azure_app_service_plan',
      [`${RG}/Microsoft.Web/serverfarms/plan-empty`],
      daysAgo(10),
    );
    // The detection-rules API: empty load balancers reported from the first sighting.
    await request(world.app.url)
      .put('/api/v1/detection-rules/azure_load_balancer')
      .set(as(world.token))
      .send({ parameters: { min_age_days: 0 } })
      .expect(200);

    const { scan, resources } = await scanThroughApi(world.app.url, world.token, accountId);
    expect(scan.status).toBe('completed');
    expect(costsByName(resources)).toEqual({
      'agw-empty': 323.39, // WAF_v2 fixed part
      'db-idle': 29.43, // S1, no connection in 30 days
      'disk-ne': 9.6, // Standard_LRS 200 GB
      'disk-old': 22.4, // Premium_LRS 128 GB
      'lb-empty': 18.25,
      'nat-idle': 32.85,
      'pip-idle': 3,
      'plan-empty': 146, // S1 × 2 instances
      'snap-orphan': 5, // 100 GB, source disk gone
      stcold: 22.9, // 500 GB Standard_GRS, 60 transactions in 30 days
      stempty: 0,
      'vm-dealloc': 6.14, // its StandardSSD 64 GB disk
      'vm-idle': 30.37, // Standard_B2s at 1.5 % CPU
      'vm-stopped': 70.08, // stopped, not deallocated: Standard_D2s_v3 compute
    });
    expect(scan.estimated_monthly_waste).toBeCloseTo(719.41, 2);
    const found = byName(resources);
    expect(found['vm-idle']).toMatchObject({ resource_type: 'azure_idle_vm', region: 'westeurope' });
    expect(found['vm-idle'].metadata.reason).toContain('1.5%');
    expect(found['db-idle'].metadata).toMatchObject({ connections: 0, confidence: 'high' });
    expect(found['disk-ne'].region).toBe('northeurope');

    // The databases of the North Europe server are refused: that step fails there and nowhere else.
    expect(scan.region_errors).toEqual([
      expect.objectContaining({ region: 'northeurope', step: 'sqlDatabases', code: 'AuthorizationFailed' }),
    ]);
    // Pages of two followed through nextLink; the throttled first disks page retried after its Retry-After.
    expect(world.fake.calls(/Microsoft\.Compute\/disks$/).map((c) => c.status)).toEqual([429, 200, 200, 200]);
    expect(world.fake.calls(/Microsoft\.Compute\/disks$/)[2].query.$skiptoken).toBe('2');
    // One token per audience (Resource Manager, the metrics data plane) for the whole scan.
    expect(world.fake.calls(/oauth2\/v2.0\/token$/).length).toBeLessThanOrEqual(4);

    // Metrics in metrics:getBatch calls (up to 50 resources each), none per VM or storage account; the batch of the
    // SQL databases fails (500) and they are read one by one instead, with the same outcome (db-idle above).
    const batches = world.fake.calls(/\/metrics:getBatch$/);
    const batch = (metric: string) => batches.filter((c) => c.query.metricnames === metric);
    expect(batch('Percentage CPU').map((c) => c.status)).toEqual([200]);
    expect(batch('Percentage CPU')[0].query).toMatchObject({
      metricnamespace: 'Microsoft.Compute/virtualMachines',
      interval: 'P1D',
      aggregation: 'average',
      'api-version': '2023-10-01',
    });
    expect(batch('Transactions').map((c) => c.status)).toEqual([200]);
    expect(batch('connection_successful').map((c) => c.status)).toEqual([500]);
    const perResource = (type: string) =>
      world.fake.calls(new RegExp(`/${type}/[^/]+/providers/Microsoft.Insights/metrics$`)).length;
    expect(perResource('virtualMachines')).toBe(0);
    expect(perResource('storageAccounts')).toBe(0);
    expect(perResource('databases')).toBeGreaterThan(0);
  });
});
