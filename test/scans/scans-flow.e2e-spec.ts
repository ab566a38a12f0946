import { io, type Socket } from 'socket.io-client';
import request from 'supertest';
import { startFakeAws, type FakeAws, type FakeAwsOptions } from '../../bench/fakes/fake-aws.js';
import { AppProcess, startApp } from '../helpers/app-process.js';
import { closeDb, sql, truncateAll } from '../helpers/db.js';
import { flushRedis } from '../helpers/redis.js';
import { signedIn } from '../helpers/users.js';
import { waitForScan } from './helpers.js';
import { ACCESS_KEY_ID, awsAccountBody, daysAgo, estate, SECRET_ACCESS_KEY } from './world.js';

let app: AppProcess;
let fake: FakeAws;
let world: FakeAwsOptions;
let alice: { token: string; id: string };
let bob: { token: string; id: string };
let accountId: string;
let firstScanId: string;

const as = (token: string) => ({ Authorization: `Bearer ${token}` });

beforeAll(async () => {
  await truncateAll();
  await flushRedis();
  world = estate();
  fake = await startFakeAws(world);
  app = await startApp({ AWS_ENDPOINT_URL: fake.url, SCANS_RATE_LIMIT: '5', SCAN_REGION_CONCURRENCY: '2' });
  const a = await signedIn(app.url);
  const b = await signedIn(app.url);
  alice = { token: a.token, id: a.user.id };
  bob = { token: b.token, id: b.user.id };
});
afterAll(async () => {
  await app?.stop();
  await fake?.close();
  await closeDb();
});

describe('cloud accounts', () => {
  it('stores credentials encrypted and shows only a masked hint', async () => {
    const res = await request(app.url)
      .post('/api/v1/accounts')
      .set(as(alice.token))
      .send(awsAccountBody())
      .expect(201);
    accountId = res.body.id;
    expect(res.body).toMatchObject({
      provider: 'aws',
      name: 'Production',
      account_identifier: '123456789012',
      regions: ['us-east-1', 'eu-west-1', 'ap-south-1'],
      is_active: true,
      credentials_hint: 'access key AKIA…MPLE, secret ****EY',
      schedule: { enabled: false, frequency: 'daily', hour: 2 },
    });
    const text = JSON.stringify(res.body);
    expect(text).not.toContain(SECRET_ACCESS_KEY);
    expect(text).not.toContain(ACCESS_KEY_ID);

    const [row] = await sql<{ credentials_ciphertext: string; credentials_key_id: string }>(
      `SELECT credentials_ciphertext, credentials_key_id FROM cloud_accounts WHERE id = $1`,
      [accountId],
    );
    expect(row.credentials_key_id).toBe('k1');
    expect(row.credentials_ciphertext).toMatch(/^v1\./);
    const everything = await sql<{ row: string }>(`SELECT row_to_json(a)::text AS row FROM cloud_accounts a`);
    for (const { row: r } of everything) {
      expect(r).not.toContain(SECRET_ACCESS_KEY);
      expect(r).not.toContain(ACCESS_KEY_ID);
      expect(r).not.toContain('wJalrXUtnFEMI');
    }
    expect(app.output()).not.toContain(SECRET_ACCESS_KEY);
  });

  it('names every missing or malformed credential field of the provider', async () => {
    const aws = await request(app.url)
      .post('/api/v1/accounts')
      .set(as(alice.token))
      .send({ ...awsAccountBody('x'), credentials: { access_key_id: 'nope', extra: 1 } })
      .expect(400);
    expect(aws.body.code).toBe('INVALID_CREDENTIALS');
    const fields = (aws.body.details as Array<{ field: string }>).map((d) => d.field).sort();
    expect(fields).toEqual([
      'credentials.access_key_id',
      'credentials.extra',
      'credentials.secret_access_key',
    ]);

    const azure = await request(app.url)
      .post('/api/v1/accounts')
      .set(as(alice.token))
      .send({ provider: 'azure', name: 'az', regions: ['westeurope'], credentials: { tenant_id: 'x' } })
      .expect(400);
    expect(azure.body.message).toContain('credentials.client_secret');
    expect(azure.body.message).toContain('credentials.subscription_id');

    const regions = await request(app.url)
      .post('/api/v1/accounts')
      .set(as(alice.token))
      .send({ ...awsAccountBody('y'), regions: ['mars-1'] })
      .expect(400);
    expect(regions.body.code).toBe('INVALID_REGIONS');
    await request(app.url).post('/api/v1/accounts').set(as(alice.token)).send(awsAccountBody()).expect(409);
  });

  it('validates the credentials with STS GetCallerIdentity', async () => {
    const ok = await request(app.url)
      .post(`/api/v1/accounts/${accountId}/validate`)
      .set(as(alice.token))
      .expect(200);
    expect(ok.body).toEqual({
      valid: true,
      identity: 'arn:aws:iam::123456789012:user/terrawatch-scanner',
      account_identifier: '123456789012',
    });
    const wrong = await request(app.url)
      .post('/api/v1/accounts')
      .set(as(alice.token))
      .send({
        ...awsAccountBody('Wrong key'),
        credentials: { access_key_id: 'AKIAWRONGWRONGWRONG1', secret_access_key: SECRET_ACCESS_KEY },
      })
      .expect(201);
    const refused = await request(app.url)
      .post(`/api/v1/accounts/${wrong.body.id}/validate`)
      .set(as(alice.token))
      .expect(422);
    expect(refused.body.code).toBe('PROVIDER_REJECTED_CREDENTIALS');
    await request(app.url).delete(`/api/v1/accounts/${wrong.body.id}`).set(as(alice.token)).expect(204);
  });

  it('hides every account route from other users (404)', async () => {
    await request(app.url).get(`/api/v1/accounts/${accountId}`).set(as(bob.token)).expect(404);
    await request(app.url)
      .patch(`/api/v1/accounts/${accountId}`)
      .set(as(bob.token))
      .send({ name: 'x' })
      .expect(404);
    await request(app.url).post(`/api/v1/accounts/${accountId}/validate`).set(as(bob.token)).expect(404);
    await request(app.url).delete(`/api/v1/accounts/${accountId}`).set(as(bob.token)).expect(404);
    await request(app.url)
      .post('/api/v1/scans')
      .set(as(bob.token))
      .send({ cloud_account_id: accountId })
      .expect(404);
    const list = await request(app.url).get('/api/v1/accounts').set(as(bob.token)).expect(200);
    expect(list.body.total).toBe(0);
  });
});

describe('a scan against the fake AWS endpoint', () => {
  it('finds every orphan across regions, through pagination and throttling, with progress pushed live', async () => {
    // The idle Elastic IP was first seen idle 10 days ago (EC2 reports no allocation time).
    await sql(
      `INSERT INTO resource_sightings (account_id, region, resource_type, resource_id, first_seen_at) VALUES ($1, 'us-east-1', 'elastic_ip', 'eipalloc-0idle', $2)`,
      [accountId, daysAgo(10)],
    );
    const socket: Socket = io(`${app.url}/events`, {
      transports: ['websocket'],
      reconnection: false,
      auth: { token: alice.token },
    });
    await new Promise<void>((resolve, reject) => {
      socket.on('connect', resolve);
      socket.on('connect_error', reject);
    });
    const events: Array<{ scan_id: string; status: string; progress: number }> = [];
    socket.on('scan_progress', (e: (typeof events)[number]) => events.push(e));

    const started = await request(app.url)
      .post('/api/v1/scans')
      .set(as(alice.token))
      .send({ cloud_account_id: accountId })
      .expect(202);
    firstScanId = started.body.id;
    expect(started.body).toMatchObject({ status: 'pending', type: 'manual', cloud_account_id: accountId });

    const scan = await waitForScan(app.url, alice.token, firstScanId);
    socket.close();
    expect(scan.status).toBe('completed');
    expect(scan.progress).toBe(100);
    expect(scan.orphans_found).toBe(9);
    expect(scan.estimated_monthly_waste).toBeCloseTo(204, 2);
    expect(scan.resources.map((r) => r.monthly_cost)).toEqual([77.5, 32.4, 22.5, 22, 22, 18, 5, 3.6, 1]);
    const ids = scan.resources.map((r) => r.resource_id);
    for (const id of [
      'vol-0old',
      'vol-0recent',
      'vol-0eu',
      'eipalloc-0idle',
      'snap-0orphan',
      'i-0stopped',
      'nat-0idle',
    ])
      expect(ids).toContain(id);
    for (const id of [
      'vol-0young',
      'vol-0live',
      'eipalloc-0new',
      'eipalloc-0used',
      'snap-0ami',
      'snap-0live',
      'snap-0young',
      'i-0paused',
      'nat-0busy',
    ])
      expect(ids).not.toContain(id);

    // The refused region is recorded, the others completed.
    expect(scan.region_errors.length).toBeGreaterThan(0);
    expect(scan.region_errors.every((e) => e.region === 'ap-south-1')).toBe(true);
    expect(scan.region_errors[0]).toMatchObject({ code: 'UnauthorizedOperation' });

    // Throttled first calls were retried; volumes came in pages of 2.
    const usVolumeCalls = fake.calls.filter((c) => c === 'us-east-1 DescribeVolumes').length;
    expect(usVolumeCalls).toBeGreaterThanOrEqual(6);
    expect(fake.calls.filter((c) => c === 'us-east-1 GetMetricData').length).toBeGreaterThan(2);

    expect(events.some((e) => e.scan_id === firstScanId && e.status === 'in_progress')).toBe(true);
    expect(events.at(-1)).toMatchObject({ scan_id: firstScanId, status: 'completed', progress: 100 });
  });

  it('explains each finding: reason, confidence from age, cost breakdown', async () => {
    const res = await request(app.url)
      .get('/api/v1/resources?resource_type=ebs_volume')
      .set(as(alice.token))
      .expect(200);
    const byId = Object.fromEntries(
      (res.body.items as Array<{ resource_id: string; metadata: Record<string, unknown> }>).map((r) => [
        r.resource_id,
        r.metadata,
      ]),
    );
    expect(byId['vol-0old']).toMatchObject({
      activity: 'long_abandoned',
      confidence: 'critical',
      age_days: 200,
    });
    const listed = { price_source: 'list', priced_at: expect.any(String), cost_unknown: false };
    expect(byId['vol-0old'].cost_breakdown).toEqual([
      {
        item: 'gp3 storage (GB)',
        price_key: 'aws.ebs.gp3.gb_month',
        quantity: 100,
        unit_price: 0.08,
        monthly: 8,
        ...listed,
      },
      {
        item: 'gp3 IOPS above 3000',
        price_key: 'aws.ebs.gp3.iops_month',
        quantity: 1000,
        unit_price: 0.005,
        monthly: 5,
        ...listed,
      },
      {
        item: 'gp3 throughput above 125 MB/s',
        price_key: 'aws.ebs.gp3.throughput_month',
        quantity: 125,
        unit_price: 0.04,
        monthly: 5,
        ...listed,
      },
    ]);
    expect(byId['vol-0old'].cost_unknown).toBe(false);
    expect(byId['vol-0recent']).toMatchObject({ activity: 'recently_abandoned', confidence: 'medium' });
    expect(byId['vol-0eu']).toMatchObject({ activity: 'never_used', confidence: 'high' });
  });

  it('filters, sorts and totals the resources of the latest scan; others see nothing', async () => {
    const eu = await request(app.url)
      .get('/api/v1/resources?region=eu-west-1')
      .set(as(alice.token))
      .expect(200);
    expect(eu.body.total).toBe(1);
    const costly = await request(app.url)
      .get('/api/v1/resources?min_cost=22&limit=2')
      .set(as(alice.token))
      .expect(200);
    expect(costly.body.total).toBe(5);
    expect(costly.body.items.map((r: { monthly_cost: number }) => r.monthly_cost)).toEqual([77.5, 32.4]);
    const top = await request(app.url)
      .get('/api/v1/resources/top-cost?limit=1')
      .set(as(alice.token))
      .expect(200);
    expect(top.body[0].resource_id).toBe('i-0stopped');
    const stats = await request(app.url).get('/api/v1/resources/stats').set(as(alice.token)).expect(200);
    expect(stats.body).toMatchObject({ total_resources: 9, monthly_waste: 204, annual_waste: 2448 });
    expect(stats.body.by_type).toContainEqual({ resource_type: 'ebs_volume', count: 3, monthly_cost: 45.5 });
    expect(stats.body.by_region).toContainEqual({ region: 'eu-west-1', count: 1, monthly_cost: 22.5 });

    const summary = await request(app.url).get('/api/v1/scans/summary').set(as(alice.token)).expect(200);
    expect(summary.body).toMatchObject({ accounts_scanned: 1, monthly_waste_in_latest_scans: 204 });
    expect(summary.body.by_status.completed).toBe(1);

    const resourceId = top.body[0].id as string;
    for (const path of [`/api/v1/resources/${resourceId}`, `/api/v1/scans/${firstScanId}`])
      await request(app.url).get(path).set(as(bob.token)).expect(404);
    await request(app.url).patch(`/api/v1/resources/${resourceId}/ignore`).set(as(bob.token)).expect(404);
    await request(app.url).delete(`/api/v1/scans/${firstScanId}`).set(as(bob.token)).expect(404);
    await request(app.url)
      .patch(`/api/v1/resources/${resourceId}/mark-for-deletion`)
      .set(as(bob.token))
      .expect(404);
    await request(app.url)
      .patch(`/api/v1/resources/${resourceId}`)
      .set(as(bob.token))
      .send({ status: 'deleted' })
      .expect(404);
    const bobStats = await request(app.url).get('/api/v1/resources/stats').set(as(bob.token)).expect(200);
    expect(bobStats.body).toMatchObject({ total_resources: 0, monthly_waste: 0 });
    expect(
      (await request(app.url).get('/api/v1/resources/top-cost').set(as(bob.token)).expect(200)).body,
    ).toEqual([]);
    const bobSummary = await request(app.url).get('/api/v1/scans/summary').set(as(bob.token)).expect(200);
    expect(bobSummary.body).toMatchObject({ total_scans: 0, accounts_scanned: 0 });
    // Asking for another user's scan by id through the filter gives nothing either.
    const viaFilter = await request(app.url)
      .get(`/api/v1/resources?scan_id=${firstScanId}`)
      .set(as(bob.token))
      .expect(200);
    expect(viaFilter.body.total).toBe(0);
    expect((await request(app.url).get('/api/v1/resources').set(as(bob.token)).expect(200)).body.total).toBe(
      0,
    );
    expect((await request(app.url).get('/api/v1/scans').set(as(bob.token)).expect(200)).body.total).toBe(0);
  });

  it('keeps an ignored resource ignored in the next scan, and applies rule overrides', async () => {
    const list = await request(app.url)
      .get('/api/v1/resources?resource_type=nat_gateway')
      .set(as(alice.token))
      .expect(200);
    const nat = list.body.items[0];
    const ignored = await request(app.url)
      .patch(`/api/v1/resources/${nat.id}/ignore`)
      .set(as(alice.token))
      .expect(200);
    expect(ignored.body.status).toBe('ignored');
    const stats = await request(app.url).get('/api/v1/resources/stats').set(as(alice.token)).expect(200);
    expect(stats.body.monthly_waste).toBeCloseTo(204 - 32.4, 2);

    const badRule = await request(app.url)
      .put('/api/v1/detection-rules/ebs_volume')
      .set(as(alice.token))
      .send({ parameters: { min_age_days: -1, colour: 3 } })
      .expect(400);
    expect(badRule.body.code).toBe('INVALID_RULE_PARAMETERS');
    expect(badRule.body.message).toContain('min_age_days');
    expect(badRule.body.message).toContain('colour');
    await request(app.url)
      .put('/api/v1/detection-rules/teleporter')
      .set(as(alice.token))
      .send({})
      .expect(404);
    const rule = await request(app.url)
      .put('/api/v1/detection-rules/ebs_volume')
      .set(as(alice.token))
      .send({ parameters: { min_age_days: 100 } })
      .expect(200);
    expect(rule.body).toMatchObject({ resource_type: 'ebs_volume', overridden: true });
    expect(rule.body.parameters.find((p: { name: string }) => p.name === 'min_age_days')).toMatchObject({
      value: 100,
      default: 7,
    });
    await request(app.url)
      .put('/api/v1/detection-rules/load_balancer')
      .set(as(alice.token))
      .send({ enabled: false })
      .expect(200);
    const bobRules = await request(app.url).get('/api/v1/detection-rules').set(as(bob.token)).expect(200);
    expect(bobRules.body.every((r: { overridden: boolean }) => !r.overridden)).toBe(true);

    // An admin's regional price applies from the next scan on.
    const admin = await signedIn(app.url, { role: 'admin' });
    await request(app.url)
      .put('/api/v1/admin/pricing/aws.ebs.gp3.gb_month')
      .set(as(admin.token))
      .send({ region: 'us-east-1', usd: 0.1 })
      .expect(200);

    const second = await request(app.url)
      .post('/api/v1/scans')
      .set(as(alice.token))
      .send({ cloud_account_id: accountId })
      .expect(202);
    const scan = await waitForScan(app.url, alice.token, second.body.id);
    expect(scan.status).toBe('completed');
    const ids = scan.resources.map((r) => r.resource_id);
    // Younger than 100 days: no longer reported; load balancers off.
    expect(ids).not.toContain('vol-0recent');
    expect(ids).not.toContain('vol-0eu');
    expect(ids).toContain('vol-0old');
    expect(ids.some((id) => id.includes('loadbalancer'))).toBe(false);
    expect(scan.resources.find((r) => r.resource_id === 'nat-0idle')?.status).toBe('ignored');
    expect(scan.resources.find((r) => r.resource_id === 'vol-0old')?.monthly_cost).toBe(20);
    await request(app.url)
      .delete('/api/v1/admin/pricing/aws.ebs.gp3.gb_month?region=us-east-1')
      .set(as(admin.token))
      .expect(204);

    const latest = await request(app.url).get('/api/v1/resources').set(as(alice.token)).expect(200);
    expect(latest.body.items.every((r: { scan_id: string }) => r.scan_id === second.body.id)).toBe(true);
    await request(app.url).delete('/api/v1/detection-rules/ebs_volume').set(as(alice.token)).expect(200);
    await request(app.url).delete('/api/v1/detection-rules/load_balancer').set(as(alice.token)).expect(200);
  });

  it('refuses to scan an inactive account (400) and deletes an account with its scans', async () => {
    const other = await request(app.url)
      .post('/api/v1/accounts')
      .set(as(alice.token))
      .send(awsAccountBody('Staging'))
      .expect(201);
    await request(app.url)
      .patch(`/api/v1/accounts/${other.body.id}`)
      .set(as(alice.token))
      .send({ is_active: false })
      .expect(200);
    const refused = await request(app.url)
      .post('/api/v1/scans')
      .set(as(alice.token))
      .send({ cloud_account_id: other.body.id })
      .expect(400);
    expect(refused.body.code).toBe('ACCOUNT_INACTIVE');
    await request(app.url).delete(`/api/v1/accounts/${other.body.id}`).set(as(alice.token)).expect(204);
    expect(await sql(`SELECT 1 FROM scans WHERE account_id = $1`, [other.body.id])).toHaveLength(0);
  });

  it('cancels a running scan, which then stays cancelled', async () => {
    const carol = await signedIn(app.url);
    const account = await request(app.url)
      .post('/api/v1/accounts')
      .set(as(carol.token))
      .send(awsAccountBody())
      .expect(201);
    world.delayMs = 150;
    try {
      const started = await request(app.url)
        .post('/api/v1/scans')
        .set(as(carol.token))
        .send({ cloud_account_id: account.body.id })
        .expect(202);
      await waitForScan(app.url, carol.token, started.body.id, (s) => s.status === 'in_progress');
      await request(app.url)
        .post('/api/v1/scans')
        .set(as(carol.token))
        .send({ cloud_account_id: account.body.id })
        .expect(409);
      const cancelled = await request(app.url)
        .delete(`/api/v1/scans/${started.body.id}`)
        .set(as(carol.token))
        .expect(200);
      expect(cancelled.body.status).toBe('cancelled');
      // Long enough for the worker to notice and stop; it must not overwrite the status.
      await new Promise((r) => setTimeout(r, 1500));
      const after = await waitForScan(app.url, carol.token, started.body.id);
      expect(after.status).toBe('cancelled');
      expect(after.resources_total).toBe(0);
      // A finished scan is deleted.
      await request(app.url).delete(`/api/v1/scans/${started.body.id}`).set(as(carol.token)).expect(204);
      await request(app.url).get(`/api/v1/scans/${started.body.id}`).set(as(carol.token)).expect(404);
    } finally {
      world.delayMs = 0;
    }
  });

  it('limits scan requests per user, not per address', async () => {
    const dave = await signedIn(app.url);
    const eve = await signedIn(app.url);
    const missing = { cloud_account_id: '00000000-0000-4000-8000-000000000000' };
    for (let i = 0; i < 5; i++)
      await request(app.url).post('/api/v1/scans').set(as(dave.token)).send(missing).expect(404);
    const limited = await request(app.url)
      .post('/api/v1/scans')
      .set(as(dave.token))
      .send(missing)
      .expect(429);
    expect(limited.body.code).toBe('RATE_LIMITED');
    await request(app.url).post('/api/v1/scans').set(as(eve.token)).send(missing).expect(404);
  });
});
