import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connectAsync, type MqttClient } from 'mqtt';
import { io, type Socket } from 'socket.io-client';
import request from 'supertest';
import { AppProcess, freePort, startApp } from '../helpers/app-process.js';
import { closeDb } from '../helpers/db.js';
import { FakeS3 } from '../helpers/fake-s3.js';
import { FakeSentry, type SentryEvent } from '../helpers/fake-sentry.js';
import { flushRedis } from '../helpers/redis.js';
import { TcpProxy } from '../helpers/tcp-proxy.js';
import { signedIn } from '../helpers/users.js';
import { contactsCsv, upload, waitForJob } from '../jobs/jobs-helpers.js';
import { runId, sensorsEnv, waitFor } from '../sensors/sensors-helpers.js';

/**
 * With SENTRY_DSN set, an unexpected error in any kind of work reaches a (local, fake) Sentry with its context tag
 * and correlation id, and the app's JSON logs carry the same id. Every failure is real: a Bull job whose S3 source
 * refuses connections, a cron tick while Redis is down, an MQTT handler and an HTTP request while PostgreSQL is
 * down (through proxies of the test's own), a CLI command failing the same way as the job. The one exception is
 * the socket handler: no product gateway throws on any input, so a gateway loaded only under NODE_ENV=test does.
 */
let sentry: FakeSentry;
let app: AppProcess;
let db: TcpProxy;
let redis: TcpProxy;
let dataDir: string;
let env: Record<string, string>;
let jobsS3: FakeS3;
const JOBS_BUCKET = 'sentry-jobs';

beforeAll(async () => {
  await flushRedis();
  sentry = await FakeSentry.start();
  const dbUrl = new URL(process.env.DATABASE_URL as string);
  db = await TcpProxy.start({ host: dbUrl.hostname, port: Number(dbUrl.port || 5432) });
  dbUrl.port = String(db.port);
  const redisUrl = new URL(process.env.REDIS_URL as string);
  redis = await TcpProxy.start({ host: redisUrl.hostname, port: Number(redisUrl.port || 6379) });
  redisUrl.port = String(redis.port);
  dataDir = await mkdtemp(join(tmpdir(), 'sentry-e2e-'));
  jobsS3 = new FakeS3(join(dataDir, 's3'));
  await jobsS3.createBucket(JOBS_BUCKET);
  await jobsS3.start();
  env = {
    SENTRY_DSN: sentry.dsn,
    CLOUDCASTING_SOURCE: 's3',
    CLOUDCASTING_S3_BUCKET: 'forecasts',
    // Nothing listens there: every download fails to reach its source.
    CLOUDCASTING_S3_ENDPOINT: `http://127.0.0.1:${await freePort()}`,
    CLOUDCASTING_S3_FORCE_PATH_STYLE: 'true',
    CLOUDCASTING_S3_REGION: 'us-east-1',
    CLOUDCASTING_S3_ACCESS_KEY_ID: 'test-key',
    CLOUDCASTING_S3_SECRET_ACCESS_KEY: 'test-secret',
    CLOUDCASTING_DOWNLOAD_RETRIES: '0',
    CLOUDCASTING_DATA_DIR: dataDir,
  };
  app = await startApp({
    ...env,
    ...sensorsEnv('sentry'),
    DATABASE_URL: dbUrl.toString(),
    REDIS_URL: redisUrl.toString(),
    // Every second: the first tick of each minute queues that minute's download.
    CLOUDCASTING_CRON: '* * * * * *',
    JOBS_S3_BUCKET: JOBS_BUCKET,
    JOBS_S3_ENDPOINT: jobsS3.url,
    JOBS_S3_FORCE_PATH_STYLE: 'true',
    AWS_ACCESS_KEY_ID: 'test-key',
    AWS_SECRET_ACCESS_KEY: 'test-secret',
  });
});

afterAll(async () => {
  await db?.up();
  await redis?.up();
  await app?.stop();
  await db?.down();
  await redis?.down();
  await sentry?.stop();
  await jobsS3?.stop();
  await rm(dataDir, { recursive: true, force: true });
  await closeDb();
});

/** The app's JSON log lines at error level that carry `requestId`. */
function errorLinesOf(requestId: string, output = app.output()): Array<Record<string, unknown>> {
  return output.split('\n').flatMap((line) => {
    try {
      const parsed = JSON.parse(line) as Record<string, unknown>;
      return parsed.requestId === requestId && Number(parsed.level) >= 50 ? [parsed] : [];
    } catch {
      return [];
    }
  });
}

function expectReported(event: SentryEvent, context: string): string {
  expect(event.tags?.context).toBe(context);
  const id = event.tags?.correlation_id;
  expect(id).toEqual(expect.any(String));
  expect(event.exception?.values?.length).toBeGreaterThan(0);
  return id as string;
}

it('reports a failed Bull job with the correlation id of the cron tick that queued it', async () => {
  const event = await sentry.waitForEvent({ context: 'bull', queue: 'cloudcasting' }, 30_000);
  const id = expectReported(event, 'bull');
  expect(id).toMatch(/^cron:cloudcasting-download:/);
  expect(event.tags).toMatchObject({ job_name: 'download', job_id: expect.stringMatching(/^scheduled-/) });
  expect(event.exception?.values?.[0]?.value).toMatch(/Cannot reach/);
  // Sent to the DSN's project, as envelopes of the real format (parsed by the fake).
  expect(sentry.envelopes.map((e) => e.project)).toEqual(sentry.envelopes.map(() => '1'));
  const lines = await waitFor(() => errorLinesOf(id).length > 0 && errorLinesOf(id), 'the job log lines');
  expect(lines).toContainEqual(expect.objectContaining({ error_context: 'bull', queue: 'cloudcasting' }));
});

it('reports an ingestion job whose stored file cannot be read, under the id of the upload', async () => {
  const { token } = await signedIn(app.url, { groups: ['uploader', 'editor'] });
  // The upload is stored; the worker cannot read it back.
  jobsS3.failGets = /^uploads\//;
  const res = await upload(app.url, token, contactsCsv(3, 'sentry-'), 'sentry.csv')
    .set('X-Request-ID', `upload-${runId}`)
    .expect(201);
  const job = await waitForJob(app.url, token, res.body.job_id, ['FAILED'], 40_000);
  expect(job.error).toMatch(/cannot be read/);
  const event = await sentry.waitForEvent({ context: 'bull', queue: 'jobs', job_id: job.id });
  expect(event.tags?.correlation_id).toBe(`upload-${runId}`);
  expect(event.exception?.values?.[0]?.value).toMatch(/cannot be read/);
  expect(errorLinesOf(`upload-${runId}`)).toContainEqual(
    expect.objectContaining({ error_context: 'bull', queue: 'jobs', job_id: job.id }),
  );
});

it('reports a socket event handler that throws, and tells the client the correlation id', async () => {
  const socket: Socket = io(`${app.url}/test-errors`, { transports: ['websocket'], reconnection: false });
  try {
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', () => resolve());
      socket.once('connect_error', reject);
    });
    const answer = new Promise<{ status: string; message: string; requestId: string }>((resolve) =>
      socket.once('exception', resolve),
    );
    socket.emit('fail', { any: 'payload' });
    const exception = await answer;
    expect(exception.requestId).toMatch(/^ws:/);
    expect(exception).toMatchObject({ status: 'error', message: 'Internal server error' });
    const event = await sentry.waitForEvent({ context: 'ws', correlation_id: exception.requestId });
    expect(event.tags).toMatchObject({ ws_event: 'fail', namespace: '/test-errors' });
    // The handler ran inside that id (it puts the id it sees in its error).
    expect(event.exception?.values?.[0]?.value).toContain(exception.requestId);
    expect(errorLinesOf(exception.requestId)).toContainEqual(
      expect.objectContaining({ error_context: 'ws', ws_event: 'fail' }),
    );
  } finally {
    socket.disconnect();
  }
});

it('reports an MQTT handler and an HTTP request failing while the database is down', async () => {
  const mqtt: MqttClient = await connectAsync(process.env.MQTT_URL as string, {
    clientId: `${runId}-sentry-pub`,
    protocolVersion: 5,
  });
  await db.down();
  try {
    await mqtt.publishAsync(`sensors/humidity/${runId}-sentry`, JSON.stringify({ value: 40 }), {
      qos: 1,
      properties: { userProperties: { 'x-request-id': `device-${runId}` } },
    });
    const mqttEvent = await sentry.waitForEvent({ context: 'mqtt', correlation_id: `device-${runId}` });
    expect(mqttEvent.tags?.topic).toBe(`sensors/humidity/${runId}-sentry`);
    expect(errorLinesOf(`device-${runId}`)).toContainEqual(
      expect.objectContaining({ error_context: 'mqtt', topic: `sensors/humidity/${runId}-sentry` }),
    );

    const res = await request(app.url)
      .post('/api/v1/auth/login')
      .set('X-Request-ID', `http-${runId}`)
      .send({ email: 'nobody@example.org', password: 'whatever-password' });
    expect(res.status).toBe(503);
    const httpEvent = await sentry.waitForEvent({ context: 'http', correlation_id: `http-${runId}` });
    expect(httpEvent.tags).toMatchObject({ method: 'POST', path: '/api/v1/auth/login' });
    expect(errorLinesOf(`http-${runId}`)).toContainEqual(expect.objectContaining({ error_context: 'http' }));

    // The handler is retried every second while the database is down; it is reported once, and only by us.
    await new Promise((r) => setTimeout(r, 2500));
    expect(sentry.events().filter((e) => e.tags?.correlation_id === `device-${runId}`)).toHaveLength(1);
    expect(sentry.events().filter((e) => e.tags?.correlation_id === `http-${runId}`)).toHaveLength(1);
    expect(app.output()).toMatch(/failed again \(attempt [2-9]/);
  } finally {
    await db.up();
    await mqtt.endAsync();
  }
});

it('reports a cron tick that cannot enqueue while Redis is down', async () => {
  await redis.down();
  try {
    const event = await sentry.waitForEvent({ context: 'cron', cron: 'cloudcasting-download' }, 20_000);
    const id = expectReported(event, 'cron');
    expect(id).toMatch(/^cron:cloudcasting-download:/);
    expect(event.exception?.values?.[0]?.value).toMatch(/did not answer within/);
    await waitFor(() => errorLinesOf(id).length > 0, 'the tick log line');
  } finally {
    await redis.up();
  }
});

it('reports a CLI command that fails, with the correlation id it prints', async () => {
  const cli = spawn(process.execPath, ['dist/cli.js', 'cloudcasting:download'], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  cli.stdout.on('data', (d: Buffer) => (output += d.toString()));
  cli.stderr.on('data', (d: Buffer) => (output += d.toString()));
  const [code] = (await once(cli, 'exit')) as [number];
  expect(code).toBe(1);
  const printed = /correlation id (cli:cloudcasting:download:[0-9a-f]+)/.exec(output)?.[1];
  expect(printed).toBeDefined();
  // The CLI flushed Sentry before exiting: the event is already there.
  const event = sentry.events().find((e) => e.tags?.correlation_id === printed);
  expect(event?.tags).toMatchObject({ context: 'cli', command: 'cloudcasting:download' });
  expect(event?.exception?.values?.[0]?.value).toMatch(/Cannot reach/);
});
