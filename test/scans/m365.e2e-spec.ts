import request from 'supertest';
import { closeDb } from '../helpers/db.js';
import {
  byName,
  costsByName,
  createAccount,
  scanThroughApi,
  startCloudWorld,
  validate,
  type CloudWorld,
} from './fakes/clouds.js';
const TENANT = 'cccccccc-dddd-4eee-8fff-000000000000';
const CLIENT = '87654321-4321-4321-8321-cba987654321';
const SECRET = 'graph-client-secret~42';

let world: CloudWorld;
let accountId: string;
const as = (token: string) => ({ Authorization: `Bearer ${token}` });

beforeAll(async () => {
  // login.microsoftonline.com and graph.microsoft.com in one HTTPS server trusted through a test CA.
  world = await startCloudWorld(
    {
      fixture: 'm365-graph.json',
      paging: 'odata',
      tls: true,
      grant: {
        kind: 'microsoft',
        tenantId: TENANT,
        clientId: CLIENT,
        clientSecret: SECRET,
        scope: 'https://graph.microsoft.com/.default',
      },
      errors: {
        unauthorized: { error: { code: 'InvalidAuthenticationToken', message: 'Access token is empty.' } },
        notFound: { error: { code: 'itemNotFound', message: 'The resource could not be found.' } },
      },
    },
    (url) => ({ M365_GRAPH_URL: url, M365_AUTHORITY_HOST: url }),
  );
});
afterAll(async () => {
  await world?.stop();
  await closeDb();
});

describe('Microsoft 365 over the wire', () => {
  it('creates a tenant account with client credentials, encrypted, and validates it', async () => {
    const { app, token } = world;
    const missing = await request(app.url)
      .post('/api/v1/accounts')
      .set(as(token))
      .send({ provider: 'm365', name: 'x', regions: ['global'], credentials: { tenant_id: TENANT } })
      .expect(400);
    expect(missing.body.message).toContain('credentials.client_secret');
    await request(app.url)
      .post('/api/v1/accounts')
      .set(as(token))
      .send({
        provider: 'm365',
        name: 'y',
        regions: ['westeurope'],
        credentials: { tenant_id: TENANT, client_id: CLIENT, client_secret: SECRET },
      })
      .expect(400);

    const body = {
      provider: 'm365',
      name: 'Contoso',
      regions: ['global'],
      credentials: { tenant_id: TENANT, client_id: CLIENT, client_secret: SECRET },
    };
    accountId = await createAccount(app.url, token, body, SECRET);
    const [listed] = (await request(app.url).get('/api/v1/accounts').set(as(token)).expect(200)).body.items;
    expect(listed).toMatchObject({
      provider: 'm365',
      account_identifier: TENANT,
      credentials_hint: 'client 8765…4321, secret ****42',
    });
    expect(await validate(app.url, token, accountId, 200)).toEqual({
      valid: true,
      identity: `${CLIENT}@Contoso`,
      account_identifier: TENANT,
    });
  });

  it('finds wasted licences and storage through Graph, following nextLink and waiting out a 429', async () => {
    const { scan, resources } = await scanThroughApi(world.app.url, world.token, accountId);
    expect(scan.status).toBe('completed');
    expect(scan.region_errors).toEqual([]);
    expect(costsByName(resources)).toEqual({
      'OneDrive of dana@contoso.com': 0.1, // 2 GB
      'OneDrive of eve@contoso.com': 0.5, // 10 GB
      'Old project': 10, // 50 GB, not changed for 400 days
      'Recycle bin of Old project': 0.3, // 1.5 GB deleted 45 and 60 days ago
      'big-old.mp4': 0.4, // 2 GB, untouched for 500 days
      'dana@contoso.com': 50, // disabled: SPE_E3 + POWER_BI_PRO
      'deck.pptx': 1.16, // 119 old versions of 50 MB
      'ivan@contoso.com': 36, // last sign-in (non-interactive) 150 days ago
      'nora@contoso.com': 15, // never signed in, VISIOCLIENT
    });
    expect(scan.estimated_monthly_waste).toBeCloseTo(113.46, 2);
    const found = byName(resources);
    expect(found['dana@contoso.com']).toMatchObject({ resource_type: 'm365_license', region: 'global' });
    expect(found['dana@contoso.com'].metadata.cost_breakdown).toEqual([
      {
        item: 'SPE_E3 licence',
        quantity: 1,
        unit_price: 36,
        monthly: 36,
        price_key: 'm365.license.SPE_E3.month',
        price_source: 'list',
        priced_at: expect.any(String),
        cost_unknown: false,
      },
      {
        item: 'POWER_BI_PRO licence',
        quantity: 1,
        unit_price: 14,
        monthly: 14,
        price_key: 'm365.license.POWER_BI_PRO.month',
        price_source: 'list',
        priced_at: expect.any(String),
        cost_unknown: false,
      },
    ]);
    expect(found['deck.pptx'].metadata).toMatchObject({ versions: 120 });

    // The first users page was throttled, then 3 pages of 2 users followed through @odata.nextLink.
    expect(world.fake.calls(/\/users$/).map((c) => c.status)).toEqual([429, 200, 200, 200]);
    expect(world.fake.calls(/i-deck\/versions$/)).toHaveLength(3);
  });

  it('without Entra ID P1 (sign-in activity refused) still reports the licences of disabled users', async () => {
    // Graph's answer to `signInActivity` in a tenant without P1: the scan reads the users again without it.
    world.fake.prepend({
      path: '/v1.0/users',
      query: {
        $select:
          'id,displayName,userPrincipalName,accountEnabled,createdDateTime,assignedLicenses,signInActivity',
      },
      status: 403,
      body: {
        error: {
          code: 'Authentication_RequestFromNonPremiumTenantOrB2CTenant',
          message: "Neither tenant is B2C or tenant doesn't have premium license",
        },
      },
    });
    const { scan, resources } = await scanThroughApi(world.app.url, world.token, accountId);
    expect(scan.status).toBe('completed');
    expect(scan.region_errors).toEqual([]);
    const licences = resources.filter((r) => r.resource_type === 'm365_license');
    expect(licences.map((r) => r.resource_name)).toEqual(['dana@contoso.com']);
    expect(licences[0].metadata).toMatchObject({ sign_in_activity_known: false, last_sign_in: null });
  });
});
