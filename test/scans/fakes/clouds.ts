import request from 'supertest';
import { sql } from '../../helpers/db.js';
import { waitForScan, type ScanBody } from '../helpers.js';

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
