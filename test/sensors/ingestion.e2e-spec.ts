import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { MqttClient } from 'mqtt';
import type { Socket } from 'socket.io-client';
import request from 'supertest';
import { AppProcess, startApp } from '../helpers/app-process.js';
import { closeDb, sql, truncateAll } from '../helpers/db.js';
import { flushRedis } from '../helpers/redis.js';
import { signedIn } from '../helpers/users.js';
import { connectSocket, publisher, record, runId, sensorsEnv, waitFor } from './sensors-helpers.js';

let app: AppProcess;
let mqtt: MqttClient;
let admin: string;
let viewer: string;
let ingester: string;
let socket: Socket;
const sensor = (name: string) => `${runId}-${name}`;
const publish = (topic: string, payload: unknown) =>
  mqtt.publishAsync(topic, typeof payload === 'string' ? payload : JSON.stringify(payload), { qos: 1 });
const status = async () =>
  (await request(app.url).get('/api/v1/status').expect(200)).body.modules.sensors as Record<
    string,
    unknown
  > & {
    rejected_by_reason: Record<string, number>;
  };

beforeAll(async () => {
  await truncateAll();
  await flushRedis();
  app = await startApp(sensorsEnv('ingest'));
  mqtt = await publisher();
  admin = (await signedIn(app.url, { role: 'admin' })).token;
  viewer = (await signedIn(app.url)).token;
  ingester = (await signedIn(app.url, { groups: ['ingest'] })).token;
  socket = await connectSocket(app.url, viewer);
  await waitFor(async () => (await status()).mqtt_consumer, 'the MQTT consumer');
  await waitFor(
    async () => ((await status()).mqtt_consumer as { connected: boolean }).connected,
    'MQTT connected',
  );
});
afterAll(async () => {
  socket?.close();
  await mqtt?.endAsync();
  await app?.stop();
  await closeDb();
});

describe('MQTT ingestion', () => {
  it('stores readings published to Mosquitto, streams them and answers the queries', async () => {
    const id = sensor('temp-1');
    const data = record<{ sensor_id: string; value: number; anomaly: boolean }>(socket, 'sensor_data');
    const base = Date.now() - 10 * 60_000;
    for (let i = 0; i < 5; i++)
      await publish(`sensors/temperature/${id}`, {
        ts: new Date(base + i * 60_000).toISOString(),
        value: 20 + i,
        unit: '°C',
        origin: 'edge',
      });
    const rows = await waitFor(async () => {
      const r = await sql<{
        value: number;
        origin: string;
        source_protocol: string;
        sensor_type: string;
        raw: object;
      }>(
        `SELECT value, origin, source_protocol, sensor_type, raw FROM sensor_readings WHERE sensor_id = $1 ORDER BY "timestamp"`,
        [id],
      );
      return r.length === 5 && r;
    }, 'five stored readings');
    expect(rows.map((r) => r.value)).toEqual([20, 21, 22, 23, 24]);
    expect(rows[0]).toMatchObject({ origin: 'edge', source_protocol: 'mqtt', sensor_type: 'temperature' });
    expect(rows[0].raw).toMatchObject({ value: 20, unit: '°C' });
    await waitFor(() => data.filter((d) => d.sensor_id === id).length === 5, 'five sensor_data events');

    const auth = { Authorization: `Bearer ${viewer}` };
    const latest = await request(app.url).get('/api/v1/sensors/latest?limit=10').set(auth).expect(200);
    expect(latest.body.sensors.temperature).toEqual(
      expect.arrayContaining([expect.objectContaining({ sensor_id: id, value: 24 })]),
    );
    expect(latest.body.total_count).toBeGreaterThanOrEqual(1);
    expect(latest.body.last_updated).toEqual(expect.any(String));

    const history = await request(app.url)
      .get(`/api/v1/sensors/history?sensor_id=${id}&hours=1`)
      .set(auth)
      .expect(200);
    expect(history.body.readings.map((r: { value: number }) => r.value)).toEqual([24, 23, 22, 21, 20]);
    const limited = await request(app.url)
      .get(`/api/v1/sensors/history?sensor_id=${id}&hours=1&limit=2`)
      .set(auth)
      .expect(200);
    expect(limited.body).toMatchObject({ truncated: true });
    expect(limited.body.readings).toHaveLength(2);

    const from = new Date(base).toISOString();
    const to = new Date(base + 5 * 60_000).toISOString();
    const buckets = await request(app.url)
      .get(`/api/v1/sensors/history?sensor_id=${id}&from=${from}&to=${to}&bucket=1d`)
      .set(auth)
      .expect(200);
    expect(buckets.body.points).toEqual([
      expect.objectContaining({ sensor_type: 'temperature', avg: 22, min: 20, max: 24, count: 5 }),
    ]);

    const live = await request(app.url).get('/api/v1/sensors/live').set(auth).expect(200);
    expect(live.body.readings).toEqual(
      expect.arrayContaining([expect.objectContaining({ sensor_id: id, value: 24 })]),
    );

    await request(app.url)
      .get(`/api/v1/sensors/history?sensor_id=${sensor('nope')}`)
      .set(auth)
      .expect(404);
    await request(app.url).get(`/api/v1/sensors/history?sensor_id=${id}&bucket=7m`).set(auth).expect(400);
    await request(app.url).get('/api/v1/sensors/latest?limit=5000').set(auth).expect(400);
    await request(app.url).get('/api/v1/sensors/latest').expect(401);
  });

  it('stores a redelivered message once', async () => {
    const id = sensor('dup');
    const payload = { ts: '2026-01-01T00:00:00.000Z', value: 25 };
    await publish(`sensors/temperature/${id}`, payload);
    await publish(`sensors/temperature/${id}`, payload);
    await waitFor(async () => (await status()).duplicates === 1, 'the duplicate to be counted');
    const [{ count }] = await sql<{ count: number }>(
      `SELECT count(*)::int AS count FROM sensor_readings WHERE sensor_id = $1`,
      [id],
    );
    expect(count).toBe(1);
  });

  it('flags anomalies (range and jump), emits alerts and lists them', async () => {
    const id = sensor('temp-anom');
    const alerts = record<{ sensor_id: string; severity: string; message: string; value: number }>(
      socket,
      'alert',
    );
    const now = Date.now();
    await publish(`sensors/temperature/${id}`, { ts: now - 3000, value: 22, anomaly: false });
    await publish(`sensors/temperature/${id}`, { ts: now - 2000, value: 29 }); // jump of 7 > 5
    await publish(`sensors/temperature/${id}`, { ts: now - 1000, value: 45, anomaly: true }); // far above 32
    await waitFor(() => alerts.filter((a) => a.sensor_id === id).length === 2, 'two alerts');
    const mine = alerts.filter((a) => a.sensor_id === id);
    expect(mine[0]).toMatchObject({ value: 29, severity: 'warning' });
    expect(mine[0].message).toMatch(/jumped 7 from 22/);
    expect(mine[1]).toMatchObject({ value: 45, severity: 'critical' });

    const rows = await sql<{ value: number; anomaly: boolean; reported_anomaly: boolean | null }>(
      `SELECT value, anomaly, reported_anomaly FROM sensor_readings WHERE sensor_id = $1 ORDER BY "timestamp"`,
      [id],
    );
    expect(rows).toEqual([
      { value: 22, anomaly: false, reported_anomaly: false },
      { value: 29, anomaly: true, reported_anomaly: null },
      { value: 45, anomaly: true, reported_anomaly: true },
    ]);
    const list = await request(app.url)
      .get('/api/v1/sensors/anomalies?hours=1&limit=1')
      .set('Authorization', `Bearer ${viewer}`)
      .expect(200);
    expect(list.body).toMatchObject({ total: 2, limit: 1 });
    expect(list.body.items[0]).toMatchObject({ sensor_id: id, value: 45, anomaly: true });

    const stats = await request(app.url)
      .get('/api/v1/sensors/stats?hours=1')
      .set('Authorization', `Bearer ${viewer}`)
      .expect(200);
    expect(stats.body.total_readings).toBeGreaterThanOrEqual(8);
    expect(stats.body.anomalies).toBe(2);
    expect(stats.body.anomaly_rate).toBeCloseTo(stats.body.anomalies / stats.body.total_readings, 3);
    expect(stats.body.by_protocol).toEqual([expect.objectContaining({ key: 'mqtt' })]);
    expect(stats.body.by_type).toEqual([expect.objectContaining({ key: 'temperature', anomalies: 2 })]);
  });

  it('drops bad payloads, counts them by reason in /status and keeps consuming', async () => {
    const before = await status();
    await publish(`sensors/temperature/${sensor('bad')}`, 'not json');
    await publish(`sensors/temperature/${sensor('bad')}`, { value: 'hot' });
    await publish(`sensors/temperature/${sensor('bad')}`, { value: 1, origin: 'mars' });
    await publish(`sensors/temperature/${sensor('good-after-bad')}`, { value: 21 });
    await waitFor(
      async () =>
        (await sql(`SELECT 1 FROM sensor_readings WHERE sensor_id = $1`, [sensor('good-after-bad')])).length,
      'the good reading after the bad ones',
    );
    const after = await status();
    expect((after.rejected as number) - (before.rejected as number)).toBe(3);
    expect(after.rejected_by_reason).toMatchObject({
      'payload is not valid JSON': expect.any(Number),
      'value must be a finite number': expect.any(Number),
      'origin must be edge, fog or cloud': expect.any(Number),
    });
    expect(await sql(`SELECT 1 FROM sensor_readings WHERE sensor_id = $1`, [sensor('bad')])).toHaveLength(0);
    expect(app.output()).toMatch(
      /Dropped a bad reading on sensors\/temperature\/.*: value must be a finite number/,
    );
  });

  it('refuses a payload nested too deep for PostgreSQL as bad input, with the reason', async () => {
    const before = await status();
    const deep = `{"value": 21, "extra": ${'['.repeat(30_000)}${']'.repeat(30_000)}}`;
    await publish(`sensors/temperature/${sensor('deep')}`, deep);
    await waitFor(
      async () => (await status()).rejected_by_reason['payload nested deeper than 128 levels'],
      'the deep payload refused',
    );
    expect(((await status()).rejected as number) - (before.rejected as number)).toBe(1);
  });

  it('sets aside a reading PostgreSQL refuses, with its reason, and stores the rest of its batch', async () => {
    const id = sensor('poison');
    const base = Date.now() - 60_000;
    // A lone surrogate escape: valid JSON for JavaScript, refused by jsonb (SQLSTATE class 22).
    const poison = `{"ts": ${base}, "value": 21, "note": "\\ud800"}`;
    await Promise.all([
      ...Array.from({ length: 20 }, (_, i) =>
        publish(`sensors/temperature/${id}`, { ts: base + 1 + i, value: 20 }),
      ),
      publish(`sensors/temperature/${id}`, poison),
    ]);
    await waitFor(
      async () =>
        (await sql(`SELECT 1 FROM sensor_readings WHERE sensor_id = $1`, [id])).length === 20 &&
        (await sql(`SELECT 1 FROM sensor_readings_rejected WHERE sensor_id = $1`, [id])).length === 1,
      'the good readings stored and the poison set aside',
    );
    const [aside] = await sql<{ payload: string; reason: string; sqlstate: string; trace_id: string }>(
      `SELECT payload, reason, sqlstate, trace_id FROM sensor_readings_rejected WHERE sensor_id = $1`,
      [id],
    );
    expect(aside.payload).toBe(poison);
    expect(aside.sqlstate).toMatch(/^22/);
    expect(aside.reason).toMatch(/Unicode|surrogate/i);
    expect(aside.trace_id).toBeTruthy();
    // Settled and acknowledged: nothing is retried or held.
    const after = await status();
    expect(after.set_aside_total).toBeGreaterThanOrEqual(1);
    expect(after.set_aside).toMatchObject({ [aside.sqlstate]: expect.any(Number) });
    await waitFor(
      async () => ((await status()).mqtt_consumer as { in_flight: number }).in_flight === 0,
      'nothing in flight',
    );
    expect(app.output()).toMatch(/refused by PostgreSQL \(22\w+\): set aside in sensor_readings_rejected/);
  });
});

describe('CLI sensors:simulate', () => {
  it('publishes realistic readings over MQTT that the app stores', async () => {
    const prefix = `${runId}sim`;
    const { stdout } = await promisify(execFile)(process.execPath, [
      'dist/cli.js',
      'sensors:simulate',
      '--sensors',
      '4',
      '--rate',
      '5',
      '--duration',
      '1',
      '--prefix',
      prefix,
    ]);
    const published = Number(/Published (\d+) readings/.exec(stdout)?.[1]);
    expect(published).toBeGreaterThan(10);
    const rows = await waitFor(async () => {
      const r = await sql<{ sensor_type: string; origin: string; value: number }>(
        `SELECT sensor_type, origin, value FROM sensor_readings WHERE sensor_id LIKE $1`,
        [`${prefix}-%`],
      );
      return r.length === published && r;
    }, 'the simulated readings');
    expect(new Set(rows.map((r) => r.sensor_type))).toEqual(
      new Set(['temperature', 'humidity', 'luminosity', 'pressure']),
    );
    expect(rows.every((r) => ['edge', 'fog', 'cloud'].includes(r.origin))).toBe(true);
  });
});

describe('weather without an API key', () => {
  it('says so with a 503 instead of inventing weather', async () => {
    const res = await request(app.url)
      .get('/api/v1/sensors/external/weather?city=London')
      .set('Authorization', `Bearer ${viewer}`)
      .expect(503);
    expect(res.body).toMatchObject({
      code: 'WEATHER_NOT_CONFIGURED',
      message: expect.stringMatching(/OPENWEATHER_API_KEY/),
    });
  });
});

describe('Socket.IO /sensors', () => {
  it('refuses a handshake without a token', async () => {
    await expect(connectSocket(app.url, 'not-a-token')).rejects.toThrow(/not valid/);
  });

  it('filters by sensor id and type once subscribed, and back to everything after unsubscribe', async () => {
    const client = await connectSocket(app.url, viewer);
    const data = record<{ sensor_id: string }>(client, 'sensor_data');
    const ack = (await client.emitWithAck('subscribe', {
      sensor_ids: [sensor('wanted')],
      types: ['luminosity'],
    })) as {
      all: boolean;
    };
    expect(ack).toEqual({ all: false, sensor_ids: [sensor('wanted')], types: ['luminosity'] });
    expect(await client.emitWithAck('subscribe', { sensor_ids: ['bad id'] })).toEqual({
      error: expect.any(String),
    });

    await publish(`sensors/temperature/${sensor('unwanted')}`, { value: 22 });
    await publish(`sensors/luminosity/${sensor('lux')}`, { value: 500 });
    await publish(`sensors/temperature/${sensor('wanted')}`, { value: 22 });
    await waitFor(() => data.some((d) => d.sensor_id === sensor('wanted')), 'the wanted sensor');
    await waitFor(() => data.some((d) => d.sensor_id === sensor('lux')), 'the luminosity sensor');
    // The broadcast client saw the unwanted one, so it has been emitted by now.
    await waitFor(
      async () =>
        (await sql(`SELECT 1 FROM sensor_readings WHERE sensor_id = $1`, [sensor('unwanted')])).length,
      'the unwanted reading',
    );
    expect(data.map((d) => d.sensor_id)).not.toContain(sensor('unwanted'));

    expect(await client.emitWithAck('unsubscribe')).toEqual({ all: true, sensor_ids: [], types: [] });
    await publish(`sensors/temperature/${sensor('unwanted')}`, { value: 23, ts: Date.now() + 1 });
    await waitFor(() => data.some((d) => d.sensor_id === sensor('unwanted')), 'everything again');
    client.close();
  });

  it('answers ping with pong and relays nodered/status as system_status', async () => {
    const pong = new Promise<{ ts: number }>((resolve) => socket.once('pong', resolve));
    socket.emit('ping');
    expect((await pong).ts).toEqual(expect.any(Number));
    const statuses = record<{ topic: string; status: unknown }>(socket, 'system_status');
    await mqtt.publishAsync('nodered/status', JSON.stringify({ flows: 'running', run: runId }), { qos: 1 });
    await waitFor(() => statuses.find((s) => (s.status as { run?: string }).run === runId), 'system_status');
    expect(statuses[0]).toMatchObject({ topic: 'nodered/status', status: { flows: 'running' } });
    await mqtt.publishAsync('system/gateway', `up ${runId}`, { qos: 0 });
    await waitFor(() => statuses.find((s) => s.status === `up ${runId}`), 'a plain-text system/+ status');
    expect(statuses[1]).toMatchObject({ topic: 'system/gateway', received_at: expect.any(String) });
  });
});

describe('POST /api/v1/sensors/readings', () => {
  const body = (id: string, value: number, extra: object = {}) => ({
    sensor_id: id,
    type: 'humidity',
    value,
    ...extra,
  });

  it('needs group ingest (or admin)', async () => {
    await request(app.url)
      .post('/api/v1/sensors/readings')
      .set('Authorization', `Bearer ${viewer}`)
      .send(body(sensor('h'), 50))
      .expect(403);
  });

  it('stores one reading or an array, with the same validation and anomaly detection', async () => {
    const one = await request(app.url)
      .post('/api/v1/sensors/readings')
      .set('Authorization', `Bearer ${ingester}`)
      .send(body(sensor('h-1'), 50, { ts: '2026-01-01T00:00:00Z' }))
      .expect(201);
    expect(one.body).toMatchObject({ accepted: 1, duplicates: 0, anomalies: 0 });
    const many = await request(app.url)
      .post('/api/v1/sensors/readings')
      .set('Authorization', `Bearer ${admin}`)
      .send([
        body(sensor('h-1'), 50, { ts: '2026-01-01T00:00:00Z' }),
        body(sensor('h-2'), 95, { ts: '2026-01-01T00:00:00Z', source_protocol: 'coap' }),
      ])
      .expect(201);
    expect(many.body).toMatchObject({ accepted: 1, duplicates: 1, anomalies: 1 });
    const [row] = await sql<{ source_protocol: string; anomaly: boolean }>(
      `SELECT source_protocol, anomaly FROM sensor_readings WHERE sensor_id = $1`,
      [sensor('h-2')],
    );
    expect(row).toEqual({ source_protocol: 'coap', anomaly: true });
  });

  it('answers set_aside for a reading PostgreSQL refuses, and stores the others', async () => {
    const id = sensor('http-poison');
    const ts = Date.now() - 30_000;
    const res = await request(app.url)
      .post('/api/v1/sensors/readings')
      .set('Authorization', `Bearer ${ingester}`)
      .send([
        { sensor_id: id, type: 'temperature', value: 20, ts },
        { sensor_id: id, type: 'temperature', value: 21, ts: ts + 1, note: '\ud800' },
      ])
      .expect(201);
    expect(res.body).toMatchObject({ accepted: 1, set_aside: 1 });
    expect(res.body.results[1]).toMatchObject({ index: 1, status: 'set_aside', reason: expect.any(String) });
    expect(await sql(`SELECT 1 FROM sensor_readings_rejected WHERE sensor_id = $1`, [id])).toHaveLength(1);
  });

  it('refuses the whole request with the reason of each bad item', async () => {
    const res = await request(app.url)
      .post('/api/v1/sensors/readings')
      .set('Authorization', `Bearer ${ingester}`)
      .send([body(sensor('h-3'), 50), { type: 'humidity', value: 1 }, body(sensor('h-3'), Number.NaN)])
      .expect(400);
    expect(res.body).toMatchObject({ code: 'INVALID_READINGS' });
    expect(res.body.details).toEqual([
      { index: 1, reason: expect.stringMatching(/^sensor_id/) },
      { index: 2, reason: 'value must be a finite number' },
    ]);
    expect(await sql(`SELECT 1 FROM sensor_readings WHERE sensor_id = $1`, [sensor('h-3')])).toHaveLength(0);
    const tooMany = Array.from({ length: 1001 }, (_, i) => body(sensor('h-4'), 50, { ts: 1767225600 + i }));
    await request(app.url)
      .post('/api/v1/sensors/readings')
      .set('Authorization', `Bearer ${ingester}`)
      .send(tooMany)
      .expect(400);
  });
});

describe('thresholds', () => {
  it('admins override a type and a sensor; detection follows at once', async () => {
    const auth = { Authorization: `Bearer ${admin}` };
    await request(app.url)
      .get('/api/v1/sensors/thresholds')
      .set('Authorization', `Bearer ${viewer}`)
      .expect(403);
    const list = await request(app.url).get('/api/v1/sensors/thresholds').set(auth).expect(200);
    expect(list.body.types.temperature).toEqual({ min: 18, max: 32, jump: 5, source: 'config' });

    await request(app.url).get('/api/v1/sensors/thresholds/types/pressure').set(auth).expect(404);
    await request(app.url)
      .put('/api/v1/sensors/thresholds/types/pressure')
      .set(auth)
      .send({ min: 950, max: 1050 })
      .expect(200);
    await request(app.url)
      .put('/api/v1/sensors/thresholds/sensors/' + sensor('p-wide'))
      .set(auth)
      .send({ min: 0, max: 2000, jump: null })
      .expect(200);
    await request(app.url)
      .put('/api/v1/sensors/thresholds/types/pressure')
      .set(auth)
      .send({ min: 5, max: 1 })
      .expect(400);
    await request(app.url)
      .put('/api/v1/sensors/thresholds/types/pressure')
      .set(auth)
      .send({ low: 1 })
      .expect(400);
    expect(
      (await request(app.url).get('/api/v1/sensors/thresholds/types/pressure').set(auth).expect(200)).body,
    ).toEqual({
      min: 950,
      max: 1050,
      jump: null,
      source: 'type',
    });

    const res = await request(app.url)
      .post('/api/v1/sensors/readings')
      .set(auth)
      .send([
        { sensor_id: sensor('p-1'), type: 'pressure', value: 900 },
        { sensor_id: sensor('p-wide'), type: 'pressure', value: 900 },
      ])
      .expect(201);
    expect(res.body.results.map((r: { anomaly: boolean }) => r.anomaly)).toEqual([true, false]);

    await request(app.url)
      .delete('/api/v1/sensors/thresholds/sensors/' + sensor('p-wide'))
      .set(auth)
      .expect(204);
    await request(app.url)
      .delete('/api/v1/sensors/thresholds/sensors/' + sensor('p-wide'))
      .set(auth)
      .expect(404);
  });
});
