import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { io, type Socket } from 'socket.io-client';
import request from 'supertest';
import { AppProcess, startApp } from '../helpers/app-process.js';
import { closeDb, sql, truncateAll } from '../helpers/db.js';
import { flushRedis } from '../helpers/redis.js';
import { PNG, sighting } from '../helpers/sightings.js';
import { createUser, type TestUser } from '../helpers/users.js';
import { waitForJob } from '../jobs/jobs-helpers.js';

/**
 * GDPR across modules: a user with data in every module that holds personal data (account and sessions, a sighting
 * with its photo, a job with its stored file, staged rows and issues, a cloud account with a scan, resources, a rule
 * override and a conversation, a sensor threshold they changed), next to another user with the same, who must stay
 * untouched. The export has every module's section; the erasure removes all of it in one transaction, and the files
 * after it; a constraint that fails the transaction at its last statement leaves everything, files included.
 */

const images = mkdtempSync(join(tmpdir(), 'privacy-images-'));
const storage = mkdtempSync(join(tmpdir(), 'privacy-jobs-'));
const V = '/api/v1';

interface Holder {
  user: TestUser;
  token: string;
  refreshToken: string;
  observation: string;
  imageFile: string;
  job: string;
  jobFile: string;
}

let app: AppProcess;
let alice: Holder;
let bob: Holder;
let carol: Holder;
let admin: { user: TestUser; token: string };

const as = (token: string) => ({ Authorization: `Bearer ${token}` });

function login(user: TestUser) {
  return request(app.url).post(`${V}/auth/login`).send({ email: user.email, password: user.password });
}

/** Data in every module, through the API where there is a route for it, in SQL for scan results. */
async function holder(subject: string): Promise<Holder> {
  const user = await createUser({ groups: ['uploader'] });
  const signIn = await login(user).expect(200);
  const token = signIn.body.access_token as string;
  const api = () => request(app.url);

  const obs = await api().post(`${V}/observations`).set(as(token)).send(sighting).expect(201);
  await api()
    .post(`${V}/observations/${obs.body.id}/image`)
    .set(as(token))
    .attach('image', PNG, 'p.png')
    .expect(200);
  const [{ image_path }] = await sql<{ image_path: string }>(
    `SELECT image_path FROM observations WHERE id = $1`,
    [obs.body.id],
  );

  const csv = `email,first_name,last_name\n${subject}@example.org,Fine,Row\nnot-an-email,Bad,Email\n`;
  const upload = await api()
    .post(`${V}/jobs/upload`)
    .set(as(token))
    .field('kind', 'contacts')
    .attach('file', Buffer.from(csv), `${subject}.csv`)
    .expect(201);
  const job = await waitForJob(app.url, token, upload.body.job_id as string, ['NEEDS_REVIEW']);

  const [account] = await sql<{ id: string }>(
    `INSERT INTO cloud_accounts (id, owner_id, provider, name, account_identifier, regions, credentials_ciphertext, credentials_key_id, credentials_hint)
     VALUES (gen_random_uuid(), $1, 'aws', 'Prod', '123456789012', '{us-east-1}', 'v1.secret.cipher.text', 'k1', 'access key AKIA…MPLE') RETURNING id`,
    [user.id],
  );
  const [scan] = await sql<{ id: string }>(
    `INSERT INTO scans (account_id, owner_id, type, status, progress, orphans_found, estimated_monthly_waste, started_at, completed_at)
     VALUES ($1, $2, 'manual', 'completed', 100, 1, 18, now(), now()) RETURNING id`,
    [account.id, user.id],
  );
  await sql(
    `INSERT INTO orphan_resources (scan_id, account_id, owner_id, provider, resource_type, resource_id, resource_name, region, monthly_cost, metadata)
     VALUES ($1, $2, $3, 'aws', 'ebs_volume', $4, 'old-data', 'us-east-1', 18, $5)`,
    [
      scan.id,
      account.id,
      user.id,
      `vol-${subject}`,
      JSON.stringify({ age_days: 200, reason: 'Unattached', confidence: 'critical', cost_breakdown: [] }),
    ],
  );
  await sql(
    `INSERT INTO resource_sightings (account_id, resource_type, resource_id, region) VALUES ($1, 'ebs_volume', $2, 'us-east-1')`,
    [account.id, `vol-${subject}`],
  );
  await sql(
    `INSERT INTO detection_rule_overrides (user_id, resource_type, enabled, parameters) VALUES ($1, 'ebs_volume', false, '{}')`,
    [user.id],
  );
  const [conversation] = await sql<{ id: string }>(
    `INSERT INTO chat_conversations (owner_id, title) VALUES ($1, 'Waste') RETURNING id`,
    [user.id],
  );
  await sql(
    `INSERT INTO chat_messages (conversation_id, owner_id, role, content) VALUES ($1, $2, 'user', $3), ($1, $2, 'assistant', 'Delete it.')`,
    [conversation.id, user.id, `What about vol-${subject}?`],
  );
  await sql(
    `INSERT INTO sensor_thresholds (scope, subject, min, max, updated_by) VALUES ('sensor', $1, 0, 10, $2)`,
    [`sensor-${subject}`, user.id],
  );
  return {
    user,
    token,
    refreshToken: signIn.body.refresh_token as string,
    observation: obs.body.id as string,
    imageFile: join(images, image_path),
    job: job.id,
    jobFile: join(storage, job.storage_key),
  };
}

/** Rows of the user per table (staged rows through their jobs: they have no owner column). */
async function footprint(h: Holder): Promise<Record<string, number>> {
  const count = async (text: string) => Number((await sql<{ n: string }>(text, [h.user.id]))[0].n);
  return {
    users: await count(`SELECT count(*) AS n FROM users WHERE id = $1`),
    refresh_tokens: await count(`SELECT count(*) AS n FROM refresh_tokens WHERE user_id = $1`),
    observations: await count(`SELECT count(*) AS n FROM observations WHERE owner_id = $1`),
    jobs: await count(`SELECT count(*) AS n FROM jobs WHERE owner_id = $1`),
    staging: Number(
      (await sql<{ n: string }>(`SELECT count(*) AS n FROM staging WHERE job_id = $1`, [h.job]))[0].n,
    ),
    job_issues: Number(
      (await sql<{ n: string }>(`SELECT count(*) AS n FROM job_issues WHERE job_id = $1`, [h.job]))[0].n,
    ),
    cloud_accounts: await count(`SELECT count(*) AS n FROM cloud_accounts WHERE owner_id = $1`),
    scans: await count(`SELECT count(*) AS n FROM scans WHERE owner_id = $1`),
    orphan_resources: await count(`SELECT count(*) AS n FROM orphan_resources WHERE owner_id = $1`),
    resource_sightings: await count(
      `SELECT count(*) AS n FROM resource_sightings s JOIN cloud_accounts a ON a.id = s.account_id WHERE a.owner_id = $1`,
    ),
    detection_rule_overrides: await count(
      `SELECT count(*) AS n FROM detection_rule_overrides WHERE user_id = $1`,
    ),
    chat_conversations: await count(`SELECT count(*) AS n FROM chat_conversations WHERE owner_id = $1`),
    chat_messages: await count(`SELECT count(*) AS n FROM chat_messages WHERE owner_id = $1`),
    sensor_thresholds: await count(`SELECT count(*) AS n FROM sensor_thresholds WHERE updated_by = $1`),
  };
}

const FULL = {
  users: 1,
  refresh_tokens: 1,
  observations: 1,
  jobs: 1,
  staging: 2,
  job_issues: 1,
  cloud_accounts: 1,
  scans: 1,
  orphan_resources: 1,
  resource_sightings: 1,
  detection_rule_overrides: 1,
  chat_conversations: 1,
  chat_messages: 2,
  sensor_thresholds: 1,
};
const EMPTY = Object.fromEntries(Object.keys(FULL).map((k) => [k, 0]));

/** A Socket.IO connection to `namespace` with `token`, once it is open. */
async function connected(namespace: string, token: string): Promise<Socket> {
  const socket = io(`${app.url}${namespace}`, {
    transports: ['websocket'],
    reconnection: false,
    auth: { token },
  });
  await new Promise<void>((resolve, reject) => {
    socket.on('connect', resolve);
    socket.on('connect_error', reject);
  });
  return socket;
}

/** The app's settings, also given to the CLI. */
const env = { SPECIES_CRON_ENABLED: 'false', SPECIES_UPLOAD_DIR: images, JOBS_STORAGE_DIR: storage };

beforeAll(async () => {
  await truncateAll();
  await flushRedis();
  app = await startApp(env);
  alice = await holder('alice');
  bob = await holder('bob');
  carol = await holder('carol');
  const adminUser = await createUser({ role: 'admin' });
  admin = { user: adminUser, token: (await login(adminUser).expect(200)).body.access_token as string };
}, 120_000);
afterAll(async () => {
  await sql(`DROP TABLE IF EXISTS privacy_hold`);
  await app?.stop();
  await closeDb();
});

describe('export', () => {
  it("streams every module's section of the caller's data, and nothing secret", async () => {
    const res = await request(app.url).get(`${V}/me/export`).set(as(alice.token)).expect(200);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.headers['content-disposition']).toContain('attachment');
    const body = JSON.parse(res.text) as Record<
      string,
      Record<string, unknown[]> & { profile: { id: string } }
    >;
    expect(body.user_id).toBe(alice.user.id);
    expect(body.account.profile.id).toBe(alice.user.id);
    expect(body.account.profile).toMatchObject({ email: alice.user.email, username: alice.user.username });
    expect(body.account.sessions).toHaveLength(1);
    expect(body.species.observations).toHaveLength(1);
    expect(body.species.observations[0]).toMatchObject({ id: alice.observation });
    expect(body.jobs.jobs).toEqual([
      expect.objectContaining({ id: alice.job, original_filename: 'alice.csv' }),
    ]);
    expect(body.jobs.staged_rows).toHaveLength(2);
    expect(body.jobs.issues).toHaveLength(1);
    expect(body.scans.cloud_accounts).toEqual([
      expect.objectContaining({ credentials_hint: 'access key AKIA…MPLE' }),
    ]);
    expect(body.scans.scans).toHaveLength(1);
    expect(body.scans.resources).toEqual([expect.objectContaining({ resource_id: 'vol-alice' })]);
    expect(body.scans.detection_rule_overrides).toEqual([
      { resource_type: 'ebs_volume', enabled: false, parameters: {} },
    ]);
    expect(body.scans.conversations).toEqual([
      expect.objectContaining({ title: 'Waste', messages: [expect.anything(), expect.anything()] }),
    ]);
    expect(body.sensors.thresholds_changed).toEqual([expect.objectContaining({ subject: 'sensor-alice' })]);
    // Only Alice's, and no secret.
    expect(res.text).not.toContain('bob');
    expect(res.text).not.toContain('v1.secret.cipher.text');
    expect(res.text).not.toMatch(/password|token_hash|\$argon2/);
  });

  it('lets an admin export a user, and no one else', async () => {
    const res = await request(app.url)
      .get(`${V}/admin/users/${bob.user.id}/export`)
      .set(as(admin.token))
      .expect(200);
    expect(JSON.parse(res.text)).toMatchObject({
      user_id: bob.user.id,
      account: { profile: { id: bob.user.id } },
    });
    await request(app.url).get(`${V}/admin/users/${bob.user.id}/export`).set(as(alice.token)).expect(403);
  });
});

describe('erasure', () => {
  it('refuses without the confirmation or the password, and erases nothing', async () => {
    await request(app.url).delete(`${V}/me`).set(as(alice.token)).send({ confirm: 'yes' }).expect(400);
    const wrong = await request(app.url)
      .delete(`${V}/me`)
      .set(as(alice.token))
      .send({ confirm: 'DELETE MY ACCOUNT', password: 'guess' })
      .expect(400);
    expect(wrong.body.code).toBe('WRONG_PASSWORD');
    expect(await footprint(alice)).toEqual(FULL);
  });

  it('rolls every module back, files included, when the transaction fails at its last statement', async () => {
    // A real constraint, not a mock: a row that references Alice makes deleting her account row (the last statement,
    // after every module deleted its rows) fail, and the whole transaction with it.
    await sql(`CREATE TABLE privacy_hold (user_id uuid NOT NULL REFERENCES users(id))`);
    await sql(`INSERT INTO privacy_hold VALUES ($1)`, [alice.user.id]);
    const res = await request(app.url)
      .delete(`${V}/me`)
      .set(as(alice.token))
      .send({ confirm: 'DELETE MY ACCOUNT', password: alice.user.password })
      .expect(409);
    expect(res.body).toMatchObject({
      statusCode: 409,
      code: 'ERASURE_BLOCKED',
      requestId: expect.any(String),
    });
    expect(await footprint(alice)).toEqual(FULL);
    expect(existsSync(alice.imageFile)).toBe(true);
    expect(existsSync(alice.jobFile)).toBe(true);
    await request(app.url).get(`${V}/auth/me`).set(as(alice.token)).expect(200);
    await sql(`DROP TABLE privacy_hold`);
  });

  it("erases the caller's account and all of it across modules, files too, and signs them out", async () => {
    const bobBefore = await footprint(bob);
    const sockets = {
      aliceEvents: await connected('/events', alice.token),
      aliceSensors: await connected('/sensors', alice.token),
      bobEvents: await connected('/events', bob.token),
    };
    const closed = (socket: Socket) =>
      new Promise<string>((resolve) => {
        socket.on('disconnect', (reason) => resolve(reason));
        setTimeout(() => resolve('still open after 5 s'), 5_000);
      });
    const aliceClosed = Promise.all([closed(sockets.aliceEvents), closed(sockets.aliceSensors)]);
    const res = await request(app.url)
      .delete(`${V}/me`)
      .set(as(alice.token))
      .send({ confirm: 'DELETE MY ACCOUNT', password: alice.user.password })
      .expect(200);
    expect(res.body).toMatchObject({
      user_id: alice.user.id,
      deleted: {
        account: { users: 1, refresh_tokens: 1 },
        species: { observations: 1, images: 1 },
        jobs: { jobs: 1, staged_rows: 2, issues: 1 },
        scans: { cloud_accounts: 1, scans: 1, resources: 1, conversations: 1, chat_messages: 2 },
        sensors: { thresholds_detached: 1 },
      },
    });
    const cookies = ([] as string[]).concat(res.headers['set-cookie'] ?? []);
    expect(cookies.some((c) => /^access_token=;.*Expires=Thu, 01 Jan 1970/.test(c))).toBe(true);
    expect(cookies.some((c) => /^refresh_token=;.*Expires=Thu, 01 Jan 1970/.test(c))).toBe(true);

    expect(await footprint(alice)).toEqual(EMPTY);
    expect(existsSync(alice.imageFile)).toBe(false);
    expect(existsSync(alice.jobFile)).toBe(false);
    // The threshold stays for the platform, without her name.
    expect(await sql(`SELECT updated_by FROM sensor_thresholds WHERE subject = 'sensor-alice'`)).toEqual([
      { updated_by: null },
    ]);
    // Bob is untouched.
    expect(await footprint(bob)).toEqual(bobBefore);
    expect(existsSync(bob.imageFile)).toBe(true);
    expect(existsSync(bob.jobFile)).toBe(true);
    await request(app.url).get(`${V}/observations/${bob.observation}/image`).set(as(bob.token)).expect(200);
    // Her open sockets are closed by the server; his stay open.
    expect(await aliceClosed).toEqual(['io server disconnect', 'io server disconnect']);
    expect(sockets.bobEvents.connected).toBe(true);
    for (const socket of Object.values(sockets)) socket.close();
  });

  it('leaves the erased user no way back in', async () => {
    await request(app.url).get(`${V}/auth/me`).set(as(alice.token)).expect(401);
    await login(alice.user).expect(401);
    await request(app.url).post(`${V}/auth/refresh`).send({ refresh_token: alice.refreshToken }).expect(401);
  });

  it('never erases the last active admin', async () => {
    const lastAdmin = async () => {
      const own = await request(app.url)
        .delete(`${V}/me`)
        .set(as(admin.token))
        .send({ confirm: 'DELETE MY ACCOUNT', password: admin.user.password })
        .expect(409);
      expect(own.body).toMatchObject({ statusCode: 409, code: 'LAST_ADMIN', requestId: expect.any(String) });
      const byAdmin = await request(app.url).delete(`${V}/admin/users/${admin.user.id}`).set(as(admin.token));
      expect(byAdmin.body).toMatchObject({ statusCode: 409, code: 'LAST_ADMIN' });
    };
    await lastAdmin();
    // A second admin who is disabled does not count.
    const disabled = await createUser({ role: 'admin' });
    await sql(`UPDATE users SET is_active = false WHERE id = $1`, [disabled.id]);
    await lastAdmin();
    await request(app.url).get(`${V}/auth/me`).set(as(admin.token)).expect(200);
    // With another active admin, the disabled one can go.
    await request(app.url).delete(`${V}/admin/users/${disabled.id}`).set(as(admin.token)).expect(200);
  });

  it('exports and erases from the CLI too', async () => {
    const dave = await createUser();
    const cli = (...args: string[]) =>
      promisify(execFile)(process.execPath, ['dist/cli.js', ...args], {
        env: { ...process.env, ...env },
        timeout: 30_000,
      });
    const out = join(mkdtempSync(join(tmpdir(), 'privacy-cli-')), 'dave.json');
    await cli('privacy:export', '--user', dave.email, '--out', out);
    const exported = JSON.parse(readFileSync(out, 'utf8')) as {
      user_id: string;
      account: { profile: { email: string } };
    };
    expect(exported).toMatchObject({ user_id: dave.id, account: { profile: { email: dave.email } } });

    await expect(cli('privacy:erase', '--user', dave.email)).rejects.toMatchObject({
      code: 1,
      stderr: expect.stringContaining('add --yes'),
    });
    expect(await sql(`SELECT id FROM users WHERE id = $1`, [dave.id])).toHaveLength(1);
    const { stdout } = await cli('privacy:erase', '--user', dave.email, '--yes');
    expect(JSON.parse(stdout)).toMatchObject({ user_id: dave.id, deleted: { account: { users: 1 } } });
    expect(await sql(`SELECT id FROM users WHERE id = $1`, [dave.id])).toHaveLength(0);
  });

  it('lets an admin erase a user the same way', async () => {
    await request(app.url).delete(`${V}/admin/users/${carol.user.id}`).set(as(bob.token)).expect(403);
    const res = await request(app.url)
      .delete(`${V}/admin/users/${carol.user.id}`)
      .set(as(admin.token))
      .expect(200);
    expect(res.body.deleted.species).toMatchObject({ observations: 1, images: 1 });
    expect(await footprint(carol)).toEqual(EMPTY);
    expect(existsSync(carol.imageFile)).toBe(false);
    expect(existsSync(carol.jobFile)).toBe(false);
    await request(app.url).get(`${V}/auth/me`).set(as(carol.token)).expect(401);
    await login(carol.user).expect(401);
    await request(app.url).delete(`${V}/admin/users/${carol.user.id}`).set(as(admin.token)).expect(404);
    expect(await footprint(bob)).toMatchObject({ users: 1, observations: 1, jobs: 1, cloud_accounts: 1 });
  });
});
