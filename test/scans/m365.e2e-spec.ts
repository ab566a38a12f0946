import request from 'supertest';
import { AppProcess, startApp } from '../helpers/app-process.js';
import { closeDb, sql, truncateAll } from '../helpers/db.js';
import { flushRedis } from '../helpers/redis.js';
import { signedIn } from '../helpers/users.js';
import { byName, costsByName, scanThroughApi } from './fakes/clouds.js';
import { DocumentFake, loadRoutes } from './fakes/document-fake.js';
import { testTls } from './fakes/test-ca.js';

const TENANT = 'cccccccc-dddd-4eee-8fff-000000000000';
const CLIENT = '87654321-4321-4321-8321-cba987654321';
const SECRET = 'graph-client-secret~42';

let app: AppProcess;
let graph: DocumentFake;
let user: { token: string };
let accountId: string;
const as = (token: string) => ({ Authorization: `Bearer ${token}` });

beforeAll(async () => {
  await truncateAll();
  await flushRedis();
  const tls = await testTls();
  // login.microsoftonline.com and graph.microsoft.com in one HTTPS server trusted through a test CA.
  graph = new DocumentFake({
    paging: 'odata',
    tls,
    grant: {
      kind: 'microsoft',
      tenantId: TENANT,
      clientId: CLIENT,
      clientSecret: SECRET,
      scope: 'https://graph.microsoft.com/.default',
    },
    routes: await loadRoutes(new URL('./fixtures/m365-graph.json', import.meta.url)),
    errors: {
      unauthorized: { error: { code: 'InvalidAuthenticationToken', message: 'Access token is empty.' } },
      notFound: { error: { code: 'itemNotFound', message: 'The resource could not be found.' } },
    },
  });
  await graph.start();
  app = await startApp({
    M365_GRAPH_URL: graph.url,
    M365_AUTHORITY_HOST: graph.url,
    NODE_EXTRA_CA_CERTS: tls.caFile,
  });
  user = await signedIn(app.url);
});
afterAll(async () => {
  await app?.stop();
  await graph?.stop();
  await closeDb();
});

describe('Microsoft 365 over the wire', () => {
  it('creates a tenant account with client credentials, encrypted, and validates it', async () => {
    const missing = await request(app.url)
      .post('/api/v1/accounts')
      .set(as(user.token))
      .send({ provider: 'm365', name: 'x', regions: ['global'], credentials: { tenant_id: TENANT } })
      .expect(400);
    expect(missing.body.message).toContain('credentials.client_secret');
    await request(app.url)
      .post('/api/v1/accounts')
      .set(as(user.token))
      .send({
        provider: 'm365',
        name: 'y',
        regions: ['westeurope'],
        credentials: { tenant_id: TENANT, client_id: CLIENT, client_secret: SECRET },
      })
      .expect(400);

    const res = await request(app.url)
      .post('/api/v1/accounts')
      .set(as(user.token))
      .send({
        provider: 'm365',
        name: 'Contoso',
        regions: ['global'],
        credentials: { tenant_id: TENANT, client_id: CLIENT, client_secret: SECRET },
      })
      .expect(201);
    accountId = res.body.id;
    expect(res.body).toMatchObject({
      provider: 'm365',
      account_identifier: TENANT,
      credentials_hint: 'client 8765…4321, secret ****42',
    });
    const [row] = await sql<{ row: string }>(
      `SELECT row_to_json(a)::text AS row FROM cloud_accounts a WHERE id = $1`,
      [accountId],
    );
    expect(row.row).not.toContain(SECRET);
    const ok = await request(app.url)
      .post(`/api/v1/accounts/${accountId}/validate`)
      .set(as(user.token))
      .expect(200);
    expect(ok.body).toEqual({ valid: true, identity: `${CLIENT}@Contoso`, account_identifier: TENANT });
  });

  it('finds wasted licences and storage through Graph, following nextLink and waiting out a 429', async () => {
    const { scan, resources } = await scanThroughApi(app.url, user.token, accountId);
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
      { item: 'SPE_E3 licence', quantity: 1, unit_price: 36, monthly: 36 },
      { item: 'POWER_BI_PRO licence', quantity: 1, unit_price: 14, monthly: 14 },
    ]);
    expect(found['deck.pptx'].metadata).toMatchObject({ versions: 120 });

    // The first users page was throttled, then 3 pages of 2 users followed through @odata.nextLink.
    expect(graph.calls(/\/users$/).map((c) => c.status)).toEqual([429, 200, 200, 200]);
    expect(graph.calls(/i-deck\/versions$/)).toHaveLength(3);
  });
});
