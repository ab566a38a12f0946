import Queue from 'bull';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import request from 'supertest';
import { startFakeAws, type FakeAws, type FakeAwsOptions } from '../../bench/fakes/fake-aws.js';
import { AppProcess, startApp } from '../helpers/app-process.js';
import { closeDb, sql, truncateAll } from '../helpers/db.js';
import { flushRedis } from '../helpers/redis.js';
import { signedIn } from '../helpers/users.js';
import { waitForScan } from './helpers.js';
import { awsAccountBody, estate } from './world.js';

const execFileP = promisify(execFile);
const NEW_KEY = Buffer.alloc(32, 7).toString('hex');

let fake: FakeAws;
let world: FakeAwsOptions;
const apps: AppProcess[] = [];
let env: Record<string, string>;

beforeAll(async () => {
  await truncateAll();
  await flushRedis();
  world = { ...estate(), throttleFirstCall: undefined };
  fake = await startFakeAws(world);
  env = { AWS_ENDPOINT_URL: fake.url, SCAN_LOCK_DURATION_MS: '1500', SCAN_REGION_CONCURRENCY: '1' };
});
afterAll(async () => {
  await Promise.all(apps.map((a) => a.stop()));
  await fake?.close();
  await closeDb();
});

const cli = (args: string[], extra: Record<string, string> = {}) =>
  execFileP(process.execPath, ['dist/cli.js', ...args], {
    env: { ...process.env, ...env, ...extra },
    timeout: 30_000,
  });

describe('a worker that dies mid-scan', () => {
  it('leaves a clear final state: the scan is run again by another replica, and an orphaned one is failed', async () => {
    const first = await startApp(env);
    apps.push(first);
    const { token, user } = await signedIn(first.url);
    const auth = { Authorization: `Bearer ${token}` };
    const account = await request(first.url)
      .post('/api/v1/accounts')
      .set(auth)
      .send(awsAccountBody())
      .expect(201);
    const ghostAccount = await request(first.url)
      .post('/api/v1/accounts')
      .set(auth)
      .send(awsAccountBody('Ghost'))
      .expect(201);
    // A scan whose job Redis no longer knows: without the reconciliation it would stay in progress forever.
    const [ghost] = await sql<{ id: string }>(
      `INSERT INTO scans (account_id, owner_id, type, status, progress, started_at, updated_at)
       VALUES ($1, $2, 'manual', 'in_progress', 40, now() - interval '10 minutes', now() - interval '10 minutes') RETURNING id`,
      [ghostAccount.body.id, user.id],
    );

    world.delayMs = 60;
    const started = await request(first.url)
      .post('/api/v1/scans')
      .set(auth)
      .send({ cloud_account_id: account.body.id })
      .expect(202);
    await waitForScan(first.url, token, started.body.id, (s) => s.status === 'in_progress' && s.progress > 0);
    await first.kill();
    world.delayMs = 0;
    const [stuck] = await sql<{ status: string }>(`SELECT status FROM scans WHERE id = $1`, [
      started.body.id,
    ]);
    expect(stuck.status).toBe('in_progress');

    const second = await startApp(env);
    apps.push(second);
    const rerun = await waitForScan(second.url, token, started.body.id);
    expect(rerun).toMatchObject({ status: 'completed', attempts: 2, orphans_found: 8, error_message: null });
    // Nothing the dead attempt wrote is left twice.
    const [{ n }] = await sql<{ n: number }>(
      `SELECT count(*)::int AS n FROM orphan_resources WHERE scan_id = $1`,
      [started.body.id],
    );
    expect(n).toBe(8);

    const settled = await waitForScan(second.url, token, ghost.id);
    expect(settled.status).toBe('failed');
    expect(settled.error_message).toMatch(/worker stopped without finishing/);
  });
});

describe('scheduled scans', () => {
  it('the hourly tick (one job per hour whatever the replicas) scans the accounts due this hour', async () => {
    const app = apps[1];
    const { token } = await signedIn(app.url);
    const auth = { Authorization: `Bearer ${token}` };
    const hour = new Date();
    hour.setUTCMinutes(0, 0, 0);
    const due = await request(app.url)
      .post('/api/v1/accounts')
      .set(auth)
      .send({
        ...awsAccountBody('Nightly'),
        schedule: { enabled: true, frequency: 'daily', hour: hour.getUTCHours() },
      })
      .expect(201);
    await request(app.url)
      .post('/api/v1/accounts')
      .set(auth)
      .send({
        ...awsAccountBody('Later'),
        schedule: { enabled: true, frequency: 'daily', hour: (hour.getUTCHours() + 1) % 24 },
      })
      .expect(201);
    await request(app.url)
      .post('/api/v1/accounts')
      .set(auth)
      .send({ ...awsAccountBody('Weekly'), schedule: { enabled: true, frequency: 'weekly' } })
      .expect(400);

    // What the cron of each replica enqueues: the same job id for the same hour, so one tick runs.
    const queue = new Queue('scans', process.env.REDIS_URL as string, { prefix: 'terrawatch' });
    const tick = { hour: hour.toISOString() };
    await Promise.all([1, 2, 3].map(() => queue.add('schedule-tick', tick, { jobId: `tick:${tick.hour}` })));
    expect(await queue.getJobCounts()).toMatchObject({ failed: 0 });
    await queue.close();

    const deadline = Date.now() + 20_000;
    let scans: Array<{ id: string; type: string; cloud_account_id: string; status: string }> = [];
    while (Date.now() < deadline) {
      scans = (await request(app.url).get('/api/v1/scans?type=scheduled').set(auth).expect(200)).body.items;
      if (scans.length && scans.every((s) => s.status === 'completed')) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    expect(scans).toHaveLength(1);
    expect(scans[0]).toMatchObject({ type: 'scheduled', cloud_account_id: due.body.id, status: 'completed' });
  });
});

describe('CLI', () => {
  it('scans:run scans an account in the foreground; accounts:rotate-key re-encrypts under a new key', async () => {
    const [owner] = await sql<{ id: string }>(`SELECT id FROM users LIMIT 1`);
    const app = apps[1];
    const { token } = await signedIn(app.url);
    const account = await request(app.url)
      .post('/api/v1/accounts')
      .set({ Authorization: `Bearer ${token}` })
      .send(awsAccountBody('CLI'))
      .expect(201);
    expect(owner).toBeDefined();

    const run = await cli(['scans:run', '--account', account.body.id]);
    expect(run.stdout).toMatch(/completed: \d+ resources examined, 8 orphans, \$200\.40\/month/);
    expect(run.stdout).toContain('ap-south-1');

    const before = await sql<{ credentials_ciphertext: string }>(
      `SELECT credentials_ciphertext FROM cloud_accounts ORDER BY id`,
    );
    const rotation = await cli(['accounts:rotate-key'], {
      ENCRYPTION_KEY: NEW_KEY,
      ENCRYPTION_KEY_ID: 'k2',
      ENCRYPTION_PREVIOUS_KEYS: `k1:${process.env.ENCRYPTION_KEY}`,
    });
    expect(rotation.stdout).toContain(`Re-encrypted ${before.length} account(s)`);
    const after = await sql<{ credentials_key_id: string; credentials_ciphertext: string }>(
      `SELECT credentials_key_id, credentials_ciphertext FROM cloud_accounts ORDER BY id`,
    );
    expect(after.every((a) => a.credentials_key_id === 'k2')).toBe(true);
    expect(after.map((a) => a.credentials_ciphertext)).not.toEqual(
      before.map((b) => b.credentials_ciphertext),
    );

    // Only the new key is needed from now on.
    const again = await cli(['scans:run', '--account', account.body.id], {
      ENCRYPTION_KEY: NEW_KEY,
      ENCRYPTION_KEY_ID: 'k2',
    });
    expect(again.stdout).toMatch(/completed/);
  });
});
