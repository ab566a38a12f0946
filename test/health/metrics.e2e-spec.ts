import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Bull from 'bull';
import type { MqttClient } from 'mqtt';
import type { Socket } from 'socket.io-client';
import request from 'supertest';
import { AppProcess, startApp } from '../helpers/app-process.js';
import { closeDb } from '../helpers/db.js';
import { signedIn } from '../helpers/users.js';
import { contactsCsv, upload, waitForJob } from '../jobs/jobs-helpers.js';
import { connectSocket, publisher, runId, sensorsEnv, waitFor } from '../sensors/sensors-helpers.js';

/**
 * `GET /metrics`: Prometheus text from the running app, behind METRICS_TOKEN, with the HTTP histogram labelled by
 * route template, Sensors' ingest counters after real MQTT messages, the Bull queues' depths, the duration of an
 * ingestion run and the Socket.IO clients; and no route at all with METRICS_ENABLED=false.
 */
const TOKEN = `metrics-${randomUUID()}`;
const storageDir = mkdtempSync(join(tmpdir(), 'terrawatch-metrics-e2e-'));
let app: AppProcess;
let mqtt: MqttClient;
let socket: Socket | undefined;

beforeAll(async () => {
  app = await startApp({ ...sensorsEnv('metrics'), METRICS_TOKEN: TOKEN, JOBS_STORAGE_DIR: storageDir });
  mqtt = await publisher();
});
afterAll(async () => {
  socket?.disconnect();
  await mqtt?.endAsync();
  await app?.stop();
  await closeDb();
  rmSync(storageDir, { recursive: true, force: true });
});

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

async function scrape(): Promise<Sample[]> {
  const res = await request(app.url).get('/metrics').set('Authorization', `Bearer ${TOKEN}`).expect(200);
  expect(res.headers['content-type']).toBe('text/plain; version=0.0.4; charset=utf-8');
  return res.text
    .split('\n')
    .filter((line) => line !== '' && !line.startsWith('#'))
    .map((line) => {
      const [, name, labels = '', value] = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line) ?? [];
      return {
        name,
        labels: Object.fromEntries(
          [...labels.matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((m) => [m[1], m[2]]),
        ),
        value: Number(value),
      };
    });
}

/** The value of the one sample with this name and (at least) these labels; 0 when there is none yet. */
function valueOf(samples: Sample[], name: string, labels: Record<string, string> = {}): number {
  const found = samples.filter(
    (s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v),
  );
  if (found.length > 1) throw new Error(`${found.length} samples of ${name} match ${JSON.stringify(labels)}`);
  return found[0]?.value ?? 0;
}

describe('access', () => {
  it('refuses a scrape without the token, or with another one, with the JSON error body', async () => {
    for (const authorization of [undefined, 'Bearer not-the-token', TOKEN]) {
      const req = request(app.url).get('/metrics');
      if (authorization) req.set('Authorization', authorization);
      const res = await req.expect(401);
      expect(res.headers['content-type']).toMatch(/^application\/json/);
      expect(res.headers['www-authenticate']).toBe('Bearer realm="metrics"');
      expect(res.body).toEqual({
        statusCode: 401,
        code: 'UNAUTHORIZED',
        message: expect.stringContaining('METRICS_TOKEN'),
        requestId: res.headers['x-request-id'],
      });
    }
  });

  it('has no /metrics route with METRICS_ENABLED=false', async () => {
    const off = await startApp({ ...sensorsEnv('metrics-off'), METRICS_ENABLED: 'false' });
    try {
      const res = await request(off.url).get('/metrics').expect(404);
      expect(res.body).toMatchObject({ statusCode: 404, code: 'NOT_FOUND', message: 'Cannot GET /metrics' });
    } finally {
      await off.stop();
    }
  });
});

describe('content', () => {
  it('has the default process metrics, prefixed', async () => {
    const samples = await scrape();
    expect(valueOf(samples, 'terrawatch_process_cpu_user_seconds_total')).toBeGreaterThan(0);
    expect(samples.some((s) => s.name === 'terrawatch_nodejs_eventloop_lag_p99_seconds')).toBe(true);
  });

  it('times HTTP requests by method, route template and status, never by raw URL', async () => {
    const id = randomUUID();
    const bucket = {
      method: 'GET',
      route: '/api/v1/jobs/:id',
      status_code: '401',
    };
    const before = valueOf(await scrape(), 'terrawatch_http_request_duration_seconds_count', bucket);
    await request(app.url).get(`/api/v1/jobs/${id}`).expect(401);
    await request(app.url).get(`/api/v1/jobs/${randomUUID()}`).expect(401);
    await request(app.url).get(`/nothing-here/${id}`).expect(404);

    const samples = await scrape();
    expect(valueOf(samples, 'terrawatch_http_request_duration_seconds_count', bucket)).toBe(before + 2);
    expect(
      valueOf(samples, 'terrawatch_http_request_duration_seconds_bucket', { ...bucket, le: '+Inf' }),
    ).toBe(before + 2);
    expect(
      valueOf(samples, 'terrawatch_http_request_duration_seconds_count', {
        method: 'GET',
        route: 'unmatched',
        status_code: '404',
      }),
    ).toBeGreaterThanOrEqual(1);
    expect(
      valueOf(samples, 'terrawatch_http_request_duration_seconds_count', {
        method: 'GET',
        route: '/health',
        status_code: '200',
      }),
    ).toBeGreaterThanOrEqual(1); // startApp's wait
    expect(samples.some((s) => Object.values(s.labels).some((v) => v.includes(id)))).toBe(false);
  });

  it('counts readings received, stored and rejected by reason, after real MQTT messages', async () => {
    const counters = (samples: Sample[]) => ({
      received: valueOf(samples, 'terrawatch_sensor_readings_received_total'),
      stored: valueOf(samples, 'terrawatch_sensor_readings_stored_total'),
      rejected: valueOf(samples, 'terrawatch_sensor_readings_rejected_total', {
        reason: 'value must be a finite number',
      }),
    });
    const before = counters(await scrape());
    const sensor = `${runId}-metrics`;
    await mqtt.publishAsync(`sensors/temperature/${sensor}`, JSON.stringify({ value: 20.5 }), { qos: 1 });
    await mqtt.publishAsync(`sensors/temperature/${sensor}`, '{"value": "warm"}', { qos: 1 });

    const after = await waitFor(async () => {
      const now = counters(await scrape());
      return now.stored === before.stored + 1 && now.rejected === before.rejected + 1 && now;
    }, 'the counters of one stored and one rejected reading');
    expect(after.received).toBe(before.received + 2);
    // The same figures as the status, which reads the same counters.
    const status = await request(app.url).get('/api/v1/status').expect(200);
    expect(status.body.modules.sensors).toMatchObject({ received: after.received, stored: after.stored });
  });

  it('reports the depth of every queue by state', async () => {
    const queues = ['auth-mail', 'cloudcasting', 'jobs', 'scans', 'sensors', 'species-etl'];
    const samples = await scrape();
    for (const queue of queues)
      for (const state of ['waiting', 'active', 'delayed', 'failed'])
        expect(
          samples.filter(
            (s) => s.name === 'terrawatch_queue_jobs' && s.labels.queue === queue && s.labels.state === state,
          ),
        ).toHaveLength(1);
    expect(samples.filter((s) => s.name === 'terrawatch_queue_jobs')).toHaveLength(queues.length * 4);

    // A job put on a queue from outside (another replica, say) shows at the next scrape.
    const sensors = new Bull('sensors', process.env.REDIS_URL as string, { prefix: 'terrawatch' });
    const delayedBefore = valueOf(samples, 'terrawatch_queue_jobs', { queue: 'sensors', state: 'delayed' });
    const job = await sensors.add('retention', {}, { jobId: `${runId}-metrics`, delay: 3_600_000 });
    try {
      const after = await scrape();
      expect(valueOf(after, 'terrawatch_queue_jobs', { queue: 'sensors', state: 'delayed' })).toBe(
        delayedBefore + 1,
      );
    } finally {
      await job.remove();
      await sensors.close();
    }
  });

  it('times an ingestion run from the worker taking it to its outcome', async () => {
    const completed = { status: 'COMPLETED' };
    const name = 'terrawatch_ingestion_run_duration_seconds_count';
    const before = valueOf(await scrape(), name, completed);
    const { token } = await signedIn(app.url, { groups: ['uploader'] });
    const res = await upload(app.url, token, contactsCsv(3, `${runId}-metrics`)).expect(201);
    expect((await waitForJob(app.url, token, res.body.job_id as string)).status).toBe('COMPLETED');
    // Observed when the worker's call returns, just after the status is committed.
    await waitFor(async () => valueOf(await scrape(), name, completed) === before + 1, 'the observed run');
  });

  it('counts the Socket.IO clients of this replica per namespace', async () => {
    const { token } = await signedIn(app.url);
    socket = await connectSocket(app.url, token);
    const samples = await scrape();
    expect(valueOf(samples, 'terrawatch_socketio_connected_clients', { namespace: '/sensors' })).toBe(1);
    expect(valueOf(samples, 'terrawatch_socketio_connected_clients', { namespace: '/events' })).toBe(0);
    socket.disconnect();
    await waitFor(
      async () =>
        valueOf(await scrape(), 'terrawatch_socketio_connected_clients', { namespace: '/sensors' }) === 0,
      'the client gone from the gauge',
    );
  });
});
