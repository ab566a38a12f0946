import request from 'supertest';
import { startApp, type AppProcess } from '../../helpers/app-process.js';
import { sql, truncateAll } from '../../helpers/db.js';
import { flushRedis } from '../../helpers/redis.js';
import { signedIn } from '../../helpers/users.js';
import { waitForScan, type ScanBody } from '../helpers.js';
import { DocumentFake, loadRoutes, type FakeOptions } from './document-fake.js';
import { testTls } from './test-ca.js';

const as = (token: string) => ({ Authorization: `Bearer ${token}` });

export interface ScannedResource {
  resource_id: string;
  resource_name: string | null;
  resource_type: string;
  region: string;
  monthly_cost: number;
  metadata: Record<string, unknown> & { reason: string; confidence: string; cost_breakdown: unknown[] };
}

/** Marks resources as idle since `days` ago, as an earlier scan would have (rules judged on first sighting). */
export async function seenIdleSince(
  accountId: string,
  region: string,
  resourceType: string,
  ids: string[],
  firstSeenAt: Date,
): Promise<void> {
  for (const id of ids)
    await sql(
      `INSERT INTO resource_sightings (account_id, region, resource_type, resource_id, first_seen_at) VALUES ($1, $2, $3, $4, $5)`,
      [accountId, region, resourceType, id, firstSeenAt],
    );
}

/** Starts a scan of the account through the API and waits for its end; then every resource it found. */
export async function scanThroughApi(
  url: string,
  token: string,
  accountId: string,
): Promise<{ scan: ScanBody; resources: ScannedResource[] }> {
  const started = await request(url)
    .post('/api/v1/scans')
    .set(as(token))
    .send({ cloud_account_id: accountId })
    .expect(202);
  const scan = await waitForScan(url, token, started.body.id as string, undefined, 60_000);
  const res = await request(url)
    .get(`/api/v1/resources?scan_id=${scan.id}&limit=100`)
    .set(as(token))
    .expect(200);
  return { scan, resources: res.body.items as ScannedResource[] };
}

/** The name of each resource and its monthly cost, sorted by name. */
export const costsByName = (resources: ScannedResource[]) =>
  Object.fromEntries(
    resources
      .map((r) => [r.resource_name ?? r.resource_id, r.monthly_cost] as const)
      .sort(([a], [b]) => a.localeCompare(b)),
  );

/** Resources by name. */
export const byName = (resources: ScannedResource[]) =>
  Object.fromEntries(resources.map((r) => [r.resource_name ?? r.resource_id, r]));

export interface CloudWorld {
  app: AppProcess;
  fake: DocumentFake;
  /** A signed-in user's access token. */
  token: string;
  stop(): Promise<void>;
}

/**
 * Empty tables, a fake cloud started from its recorded documents (over HTTPS with a test CA when `tls`), the app
 * pointed at it (`env` of the fake's URL; the CA trusted through NODE_EXTRA_CA_CERTS) and a signed-in user.
 */
export async function startCloudWorld(
  options: Omit<FakeOptions, 'routes' | 'tls'> & { fixture: string; tls?: boolean },
  env: (url: string) => Record<string, string>,
): Promise<CloudWorld> {
  await truncateAll();
  await flushRedis();
  const tls = options.tls ? await testTls() : undefined;
  const fake = new DocumentFake({
    ...options,
    tls,
    routes: await loadRoutes(new URL(`../fixtures/${options.fixture}`, import.meta.url)),
  });
  await fake.start();
  const app = await startApp({ ...env(fake.url), ...(tls ? { NODE_EXTRA_CA_CERTS: tls.caFile } : {}) });
  const { token } = await signedIn(app.url);
  return {
    app,
    fake,
    token,
    stop: async () => {
      await app.stop();
      await fake.stop();
    },
  };
}

/** Creates the account through the API and checks its credentials are stored encrypted only. */
export async function createAccount(
  url: string,
  token: string,
  body: object,
  secret: string,
): Promise<string> {
  const res = await request(url).post('/api/v1/accounts').set(as(token)).send(body).expect(201);
  const [row] = await sql<{ row: string }>(
    `SELECT row_to_json(a)::text AS row FROM cloud_accounts a WHERE id = $1`,
    [res.body.id],
  );
  expect(row.row).not.toContain(secret);
  expect(JSON.stringify(res.body)).not.toContain(secret);
  return res.body.id as string;
}

/** POST /accounts/{id}/validate: the body on success, the error message on a refusal (422). */
export async function validate(url: string, token: string, id: string, status: 200 | 422) {
  const res = await request(url).post(`/api/v1/accounts/${id}/validate`).set(as(token)).expect(status);
  if (status === 422) expect(res.body.code).toBe('PROVIDER_REJECTED_CREDENTIALS');
  return res.body as { valid?: boolean; identity?: string; account_identifier?: string; message?: string };
}
