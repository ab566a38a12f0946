import { generateKeyPairSync } from 'node:crypto';
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
const PROJECT = 'acme-prod';
const EMAIL = 'scanner@acme-prod.iam.gserviceaccount.com';

let world: CloudWorld;
let accountId: string;
const keys = generateKeyPairSync('rsa', { modulusLength: 2048 });
const other = generateKeyPairSync('rsa', { modulusLength: 2048 });

const account = (privateKey = keys.privateKey, name = 'GCP production') => ({
  provider: 'gcp',
  name,
  regions: ['us-central1', 'europe-west1'],
  credentials: {
    project_id: PROJECT,
    service_account_json: JSON.stringify({
      type: 'service_account',
      project_id: PROJECT,
      client_email: EMAIL,
      private_key: privateKey.export({ type: 'pkcs8', format: 'pem' }),
    }),
  },
});

beforeAll(async () => {
  // One server for oauth2.googleapis.com and every *.googleapis.com API the scan reads (their paths do not overlap).
  world = await startCloudWorld(
    {
      fixture: 'gcp-rest.json',
      paging: 'google',
      grant: {
        kind: 'google',
        clientEmail: EMAIL,
        publicKeyPem: keys.publicKey.export({ type: 'spki', format: 'pem' }) as string,
      },
      errors: {
        unauthorized: {
          error: {
            code: 401,
            message: 'Request had invalid authentication credentials.',
            status: 'UNAUTHENTICATED',
          },
        },
        notFound: { error: { code: 404, message: 'The resource was not found', status: 'NOT_FOUND' } },
      },
    },
    (url) => ({ GCP_API_ENDPOINT: url, GCP_TOKEN_URL: `${url}/token` }),
  );
});
afterAll(async () => {
  await world?.stop();
  await closeDb();
});

describe('GCP over the wire', () => {
  it('creates the account and validates it with a signed service-account JWT', async () => {
    const { app, token } = world;
    accountId = await createAccount(app.url, token, account(), 'PRIVATE KEY');
    expect(await validate(app.url, token, accountId, 200)).toEqual({
      valid: true,
      identity: EMAIL,
      account_identifier: PROJECT,
    });
    // A key the service account does not have: the token endpoint refuses the JWT's signature.
    const wrong = await createAccount(
      app.url,
      token,
      account(other.privateKey, 'GCP wrong key'),
      'PRIVATE KEY',
    );
    expect((await validate(app.url, token, wrong, 422)).message).toContain('invalid_grant');
  });

  it('scans every GCP type through Compute, Cloud SQL, GKE, Storage and Cloud Monitoring', async () => {
    await seenIdleSince(accountId, 'us-central1', 'gcp_cloudsql_stopped', ['sql-stopped'], daysAgo(10));
    const { scan, resources } = await scanThroughApi(world.app.url, world.token, accountId);
    expect(scan.status).toBe('completed');
    expect(costsByName(resources)).toEqual({
      'bucket-cold': 1, // 100 GB NEARLINE, no request in 30 days
      'bucket-empty': 0,
      'fr-empty': 18.25, // its target pool has no instance
      'gke-empty': 146.38, // management fee + 3 × e2-medium, only kube-system running
      'img-old': 0.2, // 4 GB custom image, 400 days
      'ip-idle': 7.3,
      'mi-old': 1, // 20 GB machine image, 120 days
      'pd-eu': 20, // pd-standard 500 GB
      'pd-old': 34, // pd-ssd 200 GB
      'router-1/nat-idle': 32.85, // 3000 bytes in 30 days
      'snap-old': 1.3, // 50 GB
      'sql-idle': 107.78, // db-custom-2-7680 + 50 GB SSD, no connection in 14 days
      'sql-stopped': 17, // 100 GB SSD still billed
      'vm-idle': 48.92, // e2-standard-2 at 2 % CPU
      'vm-stopped': 1, // its 10 GB pd-balanced boot disk
    });
    expect(scan.estimated_monthly_waste).toBeCloseTo(436.98, 2);
    const found = byName(resources);
    expect(found['vm-idle']).toMatchObject({ resource_type: 'gcp_idle_instance', region: 'us-central1' });
    expect(found['gke-empty'].metadata.cost_breakdown).toEqual([
      {
        item: 'cluster management fee',
        quantity: 1,
        unit_price: 73,
        monthly: 73,
        price_key: 'gcp.gke.cluster.month',
        price_source: 'list',
        priced_at: expect.any(String),
        cost_unknown: false,
      },
      {
        item: 'default-pool: 3 × e2-medium',
        quantity: 3,
        unit_price: 24.46,
        monthly: 73.38,
        price_key: 'gcp.instance.e2-medium.month',
        price_source: 'list',
        priced_at: expect.any(String),
        cost_unknown: false,
      },
    ]);
    expect(found['img-old'].region).toBe('europe-west1');

    // The VPN tunnel list is refused in every region; the rest of each region went on.
    expect(scan.region_errors.map((e) => [e.region, e.step, e.code]).sort()).toEqual([
      ['europe-west1', 'vpnTunnels', 'PERMISSION_DENIED'],
      ['us-central1', 'vpnTunnels', 'PERMISSION_DENIED'],
    ]);
    // Aggregated lists page by scope through nextPageToken; the throttled first page was retried.
    expect(world.fake.calls(/aggregated\/disks$/).map((c) => c.status)).toEqual([429, 200, 200, 200]);
    expect(world.fake.calls(/aggregated\/disks$/)[2].query.pageToken).toBe('1');
    expect(world.fake.calls(/timeSeries$/).length).toBeGreaterThanOrEqual(11);
  });
});
