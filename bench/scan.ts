import pg from 'pg';
import { CATALOGUE_TYPES_PER_N, catalogueRegion } from './fakes/aws-catalogue-docs.js';
import { startFakeAws, type FakeRegion } from './fakes/fake-aws.js';
import { generateKeyPairSync } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { DocumentFake, loadRoutes, type FakeOptions, type RouteDocument } from './fakes/document-fake.js';
import { scaleRoutes } from './fakes/scaled-estate.js';
import { migrate, peakRssMb, startProcess, table } from './lib.js';

/**
 * `npm run bench:scan`: one account per cloud, each scanned by a freshly started app (so each peak is its own):
 * - AWS: 10,000 resources of every AWS type across 3 regions, served by the local fake AWS endpoint (EC2/ELBv2/RDS
 *   XML, CloudWatch and the JSON services, REST-JSON, S3 XML; pages of 500);
 * - Azure, GCP, Microsoft 365: about 10,000 resources each, copies of the recorded fixtures of the e2e tests
 *   (test/scans/fixtures) spread over 3 regions (Microsoft 365 has none), served by the same document fake as the
 *   tests with the services' real page sizes (bench/fakes/scaled-estate.ts).
 * The fakes run in this process; the app is its own process (with its production V8 flags, bench/lib.ts), so the
 * memory figures are the app's alone. The app scans through its queue worker, as in production. Prints each scan's
 * wall time, the app's peak RSS during the scan and over the whole run (start, sign-up and login included) and what
 * was found. Target: < 30 s, < 300 MB. `BENCH_CLOUDS=aws,azure` runs some of them only.
 */
const TOTAL = Number(process.env.BENCH_RESOURCES ?? 10_000);
// us-west-2 is where Global Accelerator is listed.
const REGIONS = ['us-east-1', 'us-west-2', 'eu-west-1'];
const DAY = 86_400_000;
const ACCOUNT = '210987654321';
const ago = (days: number) => new Date(Date.now() - days * DAY);

process.env.DATABASE_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/bench_scans';
process.env.REDIS_URL = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379/15';

/** A region's share of the estate: mostly volumes and snapshots, a fifth spread over the 21 other types. */
function region(name: string, count: number): FakeRegion {
  const n = (share: number) => Math.round(count * share);
  const catalogue = catalogueRegion(name, ACCOUNT, Math.round((count * 0.2) / CATALOGUE_TYPES_PER_N));
  const volumes = Array.from({ length: n(0.3) }, (_, i) => ({
    id: `vol-${name}-${i}`,
    sizeGb: 20 + (i % 500),
    type: (['gp3', 'gp2', 'io1', 'st1', 'sc1'] as const)[i % 5],
    iops: i % 5 === 2 ? 3000 : 3000 + (i % 3) * 1000,
    throughput: 125,
    state: i % 2 === 0 ? ('available' as const) : ('in-use' as const),
    createdAt: ago(5 + (i % 400)),
  }));
  const snapshots = Array.from({ length: n(0.2) }, (_, i) => ({
    id: `snap-${name}-${i}`,
    volumeId: i % 3 === 0 ? `vol-${name}-${i}` : `vol-${name}-gone-${i}`,
    sizeGb: 8 + (i % 200),
    startedAt: ago(30 + (i % 300)),
  }));
  const addresses = Array.from({ length: n(0.1) }, (_, i) => ({
    allocationId: `eipalloc-${name}-${i}`,
    publicIp: `198.51.${i >> 8}.${i & 255}`,
    ...(i % 2 ? { associationId: `eipassoc-${i}`, instanceId: `i-${name}-${i}` } : {}),
  }));
  const instances = Array.from({ length: n(0.15) }, (_, i) => ({
    id: `i-${name}-${i}`,
    type: 't3.medium',
    state: i % 3 === 0 ? ('stopped' as const) : ('running' as const),
    launchedAt: ago(400),
    stoppedAt: i % 3 === 0 ? ago(10 + (i % 200)) : undefined,
    volumeIds: [`vol-${name}-${i * 2 + 1}`],
  }));
  const natGateways = Array.from({ length: n(0.03) }, (_, i) => ({
    id: `nat-${name}-${i}`,
    createdAt: ago(60),
    state: 'available' as const,
  }));
  const loadBalancers = Array.from({ length: n(0.02) }, (_, i) => ({
    name: `lb-${name}-${i}`,
    type: i % 2 ? ('application' as const) : ('network' as const),
    createdAt: ago(90),
    listeners: i % 3,
    targetGroups: [{ healthy: i % 4 === 0 ? 1 : 0, unhealthy: 1 }],
  }));
  const metrics: NonNullable<FakeRegion['metrics']> = { ...catalogue.metrics };
  volumes.forEach((v, i) => {
    if (i % 4 === 0) metrics[`AWS/EBS|VolumeReadOps|${v.id}`] = [{ at: ago(i % 60), sum: 100 }];
  });
  // Half of the healthy load balancers serve traffic; the other half stay under 100 requests (flows) a day.
  loadBalancers.forEach((lb, i) => {
    if (i % 8 !== 0) return;
    const [namespace, metric, prefix] =
      lb.type === 'application'
        ? ['AWS/ApplicationELB', 'RequestCount', 'app']
        : ['AWS/NetworkELB', 'NewFlowCount', 'net'];
    metrics[`${namespace}|${metric}|${prefix}/${lb.name}/50dc6c495c0c9188`] = [
      { at: ago(1), sum: i % 16 ? 20 : 20_000 },
    ];
  });
  natGateways.forEach((nat, i) => {
    metrics[`AWS/NATGateway|BytesOutToDestination|${nat.id}`] = [{ at: ago(3), sum: i % 2 ? 10 : 5e9 }];
  });
  return {
    volumes,
    snapshots,
    addresses,
    instances: [...instances, ...catalogue.instances],
    natGateways,
    loadBalancers,
    metrics,
    documents: catalogue.documents,
  };
}

/** Current resident memory of a process, in MB. */
function rssMb(pid: number): number {
  const kb = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);
  return Math.round(kb / 1024);
}

async function ensureDatabase(): Promise<void> {
  const url = new URL(process.env.DATABASE_URL as string);
  const name = url.pathname.slice(1);
  const admin = new pg.Client({ connectionString: url.toString().replace(/\/[^/]*$/, '/postgres') });
  await admin.connect();
  if ((await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [name])).rowCount === 0)
    await admin.query(`CREATE DATABASE "${name}"`);
  await admin.end();
}

async function api<T>(
  url: string,
  path: string,
  init: { method?: string; token?: string; body?: unknown } = {},
) {
  const res = await fetch(`${url}${path}`, {
    method: init.method ?? 'GET',
    headers: {
      'Content-Type': 'application/json',
      ...(init.token ? { Authorization: `Bearer ${init.token}` } : {}),
    },
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  });
  if (!res.ok) throw new Error(`${init.method ?? 'GET'} ${path}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

interface ScanResult {
  status: string;
  resources_scanned: number;
  orphans_found: number;
  estimated_monthly_waste: number;
  findings_cost_unknown: number;
  status_summary: { scanned: number; failed: number; skipped: number };
  error_message: string | null;
}

/** Starts the app against a fake, signs up, adds the account, scans it through the API and measures. */
async function scanOnce(
  cloud: string,
  env: Record<string, string>,
  account: (stamp: number) => object,
  apiCalls: () => number,
): Promise<Record<string, string | number>> {
  const app = await startProcess(['dist/main.js'], {
    LOG_LEVEL: 'warn',
    THROTTLE_REGISTER_LIMIT: '1000',
    THROTTLE_LOGIN_LIMIT: '1000',
    // The bench polls the scan every 200 ms: a long scan (Microsoft 365 on a loaded machine) outlasts the default
    // per-minute limit.
    THROTTLE_DEFAULT_LIMIT: '100000',
    SCANS_SCHEDULER_ENABLED: 'false',
    ...env,
  });
  try {
    const stamp = Date.now();
    const email = `bench-scan-${stamp}@example.org`;
    const password = 'bench-password-1';
    await api(app.url, '/api/v1/auth/register', {
      method: 'POST',
      body: { email, username: `benchscan${stamp}`, password },
    });
    const { access_token: token } = await api<{ access_token: string }>(app.url, '/api/v1/auth/login', {
      method: 'POST',
      body: { email, password },
    });
    const created = await api<{ id: string }>(app.url, '/api/v1/accounts', {
      method: 'POST',
      token,
      body: account(stamp),
    });
    const idleRss = rssMb(app.child.pid as number);
    // Registering and logging in hash passwords with argon2 (64 MiB each): that peak is the auth module's, so the
    // whole-run peak is noted now and the high-water mark reset ("5" to clear_refs) to measure the scan's own.
    const setupPeakRss = peakRssMb(app.child.pid as number);
    writeFileSync(`/proc/${app.child.pid}/clear_refs`, '5');
    const callsBefore = apiCalls();
    const started = Date.now();
    const scan = await api<{ id: string }>(app.url, '/api/v1/scans', {
      method: 'POST',
      token,
      body: { cloud_account_id: created.id },
    });
    let result: ScanResult;
    for (;;) {
      result = await api(app.url, `/api/v1/scans/${scan.id}`, { token });
      if (!['pending', 'in_progress'].includes(result.status)) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    const seconds = (Date.now() - started) / 1000;
    const scanPeakRss = peakRssMb(app.child.pid as number);
    if (result.status !== 'completed')
      throw new Error(`${cloud} scan ${result.status}: ${result.error_message}`);
    return {
      cloud,
      'resources scanned': result.resources_scanned,
      orphans: result.orphans_found,
      'waste $/month': result.estimated_monthly_waste,
      'cost unknown': result.findings_cost_unknown,
      'steps scanned/failed/skipped': `${result.status_summary.scanned}/${result.status_summary.failed}/${result.status_summary.skipped}`,
      'API calls': apiCalls() - callsBefore,
      seconds: Number(seconds.toFixed(2)),
      'RSS MB before scan': idleRss,
      'peak RSS MB (app, scan)': scanPeakRss,
      'peak RSS MB (app, whole run)': Math.max(setupPeakRss, scanPeakRss),
      target: '< 30 s, < 300 MB',
    };
  } finally {
    await app.stop();
  }
}

async function benchAws(): Promise<Record<string, string | number>> {
  const perRegion = Math.ceil(TOTAL / REGIONS.length);
  const accessKeyId = 'AKIABENCHBENCHBENCH1';
  const fake = await startFakeAws({
    accessKeyId,
    accountId: ACCOUNT,
    pageSize: 500,
    regions: Object.fromEntries(REGIONS.map((r) => [r, region(r, perRegion)])),
  });
  try {
    return await scanOnce(
      'aws',
      { AWS_ENDPOINT_URL: fake.url },
      (stamp) => ({
        provider: 'aws',
        name: `bench ${stamp}`,
        account_identifier: ACCOUNT,
        regions: REGIONS,
        credentials: {
          access_key_id: accessKeyId,
          secret_access_key: 'bench-secret-bench-secret-bench-secret-00',
        },
      }),
      () => fake.calls.length,
    );
  } finally {
    await fake.close();
  }
}

/** A document fake serving `fixture` scaled to TOTAL resources. */
async function scaledFake(
  fixture: string,
  options: Omit<FakeOptions, 'routes'>,
  scale: {
    /** The share of the fixture's listed items the scan counts as resources (a search's files are not). */
    counted?: number;
    pageSize: number;
    resourceList: (route: RouteDocument) => boolean;
    relocate?: (k: number) => Array<[string, string]>;
  },
): Promise<DocumentFake> {
  // The fixture's failures staged for the e2e tests (a refused batch of metrics) are not the estate's.
  const recorded = (await loadRoutes(resolve('test/scans/fixtures', fixture))).filter(
    (route) => !route.path.endsWith('/metrics:getBatch'),
  );
  const { routes } = scaleRoutes(recorded, {
    ...scale,
    total: Math.round(TOTAL / (scale.counted ?? 1)),
  });
  const fake = new DocumentFake({ ...options, routes });
  await fake.start();
  return fake;
}

const MICROSOFT = {
  tenantId: 'cccccccc-dddd-4eee-8fff-000000000000',
  clientId: '87654321-4321-4321-8321-cba987654321',
};
const MICROSOFT_SECRET = 'bench-client-secret';

async function benchAzure(): Promise<Record<string, string | number>> {
  const subscription = '11111111-2222-4333-8444-555555555555';
  const regions = ['westeurope', 'northeurope', 'eastus'];
  const fake = await scaledFake(
    'azure-arm.json',
    {
      paging: 'arm',
      grant: {
        kind: 'microsoft',
        ...MICROSOFT,
        clientSecret: MICROSOFT_SECRET,
        scope: 'https://management.azure.com/.default',
        otherScopes: ['https://metrics.monitor.azure.com/.default'],
      },
      errors: {
        unauthorized: { error: { code: 'AuthenticationFailed', message: 'Authentication failed.' } },
        notFound: { error: { code: 'ResourceNotFound', message: 'The resource was not found.' } },
      },
    },
    {
      pageSize: 1000,
      resourceList: (route) => !!route.paging,
      // Every third copy lives in East US.
      relocate: (k) => (k % 3 === 2 ? [['"location":"westeurope"', '"location":"eastus"']] : []),
    },
  );
  try {
    return await scanOnce(
      'azure',
      { AZURE_ENDPOINT_URL: fake.url, AZURE_AUTHORITY_HOST: fake.url, AZURE_METRICS_ENDPOINT_URL: fake.url },
      (stamp) => ({
        provider: 'azure',
        name: `bench ${stamp}`,
        regions,
        credentials: {
          tenant_id: MICROSOFT.tenantId,
          client_id: MICROSOFT.clientId,
          client_secret: MICROSOFT_SECRET,
          subscription_id: subscription,
        },
      }),
      () => fake.requests.length,
    );
  } finally {
    await fake.stop();
  }
}

async function benchGcp(): Promise<Record<string, string | number>> {
  const project = 'acme-prod';
  const email = 'scanner@acme-prod.iam.gserviceaccount.com';
  const keys = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const fake = await scaledFake(
    'gcp-rest.json',
    {
      paging: 'google',
      grant: {
        kind: 'google',
        clientEmail: email,
        publicKeyPem: keys.publicKey.export({ type: 'spki', format: 'pem' }) as string,
      },
      errors: {
        unauthorized: { error: { code: 401, message: 'Unauthenticated', status: 'UNAUTHENTICATED' } },
        notFound: { error: { code: 404, message: 'The resource was not found', status: 'NOT_FOUND' } },
      },
    },
    {
      pageSize: 500,
      resourceList: (route) => !route.path.endsWith('/timeSeries'),
      // Every third copy lives in us-east1 (its zones, addresses and series with it).
      relocate: (k) => (k % 3 === 2 ? [['us-central1', 'us-east1']] : []),
    },
  );
  try {
    return await scanOnce(
      'gcp',
      { GCP_API_ENDPOINT: fake.url, GCP_TOKEN_URL: `${fake.url}/token` },
      (stamp) => ({
        provider: 'gcp',
        name: `bench ${stamp}`,
        regions: ['us-central1', 'europe-west1', 'us-east1'],
        credentials: {
          project_id: project,
          service_account_json: JSON.stringify({
            type: 'service_account',
            project_id: project,
            client_email: email,
            private_key: keys.privateKey.export({ type: 'pkcs8', format: 'pem' }),
          }),
        },
      }),
      () => fake.requests.length,
    );
  } finally {
    await fake.stop();
  }
}

async function benchM365(): Promise<Record<string, string | number>> {
  const fake = await scaledFake(
    'm365-graph.json',
    {
      paging: 'odata',
      grant: {
        kind: 'microsoft',
        ...MICROSOFT,
        clientSecret: MICROSOFT_SECRET,
        scope: 'https://graph.microsoft.com/.default',
      },
      errors: {
        unauthorized: { error: { code: 'InvalidAuthenticationToken', message: 'Access token is empty.' } },
        notFound: { error: { code: 'itemNotFound', message: 'The resource could not be found.' } },
      },
    },
    {
      pageSize: 999,
      // Users, sites and drives are counted, not the files a drive search lists (measured: 7,500 of 10,000).
      counted: 0.75,
      // The tenant and its licences are one; a file's versions are copied with the file.
      resourceList: (route) =>
        !['/v1.0/organization', '/v1.0/subscribedSkus'].includes(route.path) &&
        !route.path.endsWith('/versions'),
    },
  );
  try {
    return await scanOnce(
      'm365',
      { M365_GRAPH_URL: fake.url, M365_AUTHORITY_HOST: fake.url },
      (stamp) => ({
        provider: 'm365',
        name: `bench ${stamp}`,
        regions: ['global'],
        credentials: {
          tenant_id: MICROSOFT.tenantId,
          client_id: MICROSOFT.clientId,
          client_secret: MICROSOFT_SECRET,
        },
      }),
      () => fake.requests.length,
    );
  } finally {
    await fake.stop();
  }
}

const CLOUDS: Record<string, () => Promise<Record<string, string | number>>> = {
  aws: benchAws,
  azure: benchAzure,
  gcp: benchGcp,
  m365: benchM365,
};

async function main(): Promise<void> {
  await ensureDatabase();
  migrate();
  const clouds = (process.env.BENCH_CLOUDS ?? Object.keys(CLOUDS).join(',')).split(',');
  const rows = [];
  for (const cloud of clouds) {
    const run = CLOUDS[cloud];
    if (!run) throw new Error(`BENCH_CLOUDS: no cloud "${cloud}" (${Object.keys(CLOUDS).join(', ')})`);
    rows.push(await run());
  }
  console.log(
    `bench:scan: about ${TOTAL} resources per account; AWS in ${REGIONS.length} regions (${REGIONS.join(', ')}), Azure and GCP in 3, Microsoft 365 global; local fakes`,
  );
  table(rows);
}

void main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
