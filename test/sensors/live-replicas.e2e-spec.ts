import type { MqttClient } from 'mqtt';
import { AppProcess, startApp } from '../helpers/app-process.js';
import { closeDb, sql, truncateAll } from '../helpers/db.js';
import { signedIn } from '../helpers/users.js';
import { connectSocket, publisher, record, runId, sensorsEnv, waitFor } from './sensors-helpers.js';

/**
 * The live stream across replicas: replica A only serves clients (no MQTT consumer), replica B stores every reading.
 * B had no client anywhere for longer than it assumes at start-up, so what A's clients get came through A's
 * announcement of its first client and B's batches over Redis.
 */
let a: AppProcess;
let b: AppProcess;
let mqtt: MqttClient;
const sensor = (name: string) => `${runId}-live-${name}`;

beforeAll(async () => {
  await truncateAll();
  [a, b] = await Promise.all([
    startApp({ ...sensorsEnv('live-a'), SENSORS_MQTT_ENABLED: 'false' }),
    startApp(sensorsEnv('live-b')),
  ]);
  mqtt = await publisher();
  // Longer than a replica forwards at start-up without having heard of any client.
  await new Promise((r) => setTimeout(r, 4_500));
});
afterAll(async () => {
  await mqtt?.endAsync();
  await Promise.all([a?.stop(), b?.stop()]);
  await closeDb();
});

const publish = (topic: string, body: Record<string, unknown>) =>
  mqtt.publishAsync(topic, JSON.stringify(body), { qos: 1 });

it("delivers to A's clients what B stores, by their subscriptions, alerts included", async () => {
  const { token } = await signedIn(a.url);
  const narrow = await connectSocket(a.url, token);
  const everything = await connectSocket(a.url, token);
  const narrowData = record<{ sensor_id: string; value: number }>(narrow, 'sensor_data');
  const allData = record<{ sensor_id: string; value: number }>(everything, 'sensor_data');
  const alerts = record<{ sensor_id: string; severity: string }>(everything, 'alert');
  expect(await narrow.emitWithAck('subscribe', { sensor_ids: [sensor('wanted')] })).toEqual({
    all: false,
    sensor_ids: [sensor('wanted')],
    types: [],
  });

  const t0 = Date.UTC(2026, 0, 2);
  for (let i = 0; i < 10; i++) {
    await publish(`sensors/temperature/${sensor('wanted')}`, { ts: t0 + i, value: 21 });
    await publish(`sensors/temperature/${sensor('other')}`, { ts: t0 + i, value: 21 });
  }
  await publish(`sensors/temperature/${sensor('hot')}`, { ts: t0, value: 45 });

  await waitFor(() => allData.filter((d) => d.sensor_id.startsWith(sensor(''))).length === 21, 'all 21 on A');
  await waitFor(() => alerts.some((x) => x.sensor_id === sensor('hot')), 'the alert on A');
  await waitFor(() => narrowData.length === 10, "the wanted sensor's 10 readings");
  const stored = await sql<{ n: number }>(
    `SELECT count(*)::int AS n FROM sensor_readings WHERE sensor_id LIKE $1`,
    [`${sensor('')}%`],
  );
  expect(stored[0].n).toBe(21);
  // Everything has reached A by now (the catch-all client has all of it): nothing of the other sensor came along.
  expect(narrowData.map((d) => d.sensor_id)).toEqual(Array(10).fill(sensor('wanted')));
  expect(allData.find((d) => d.sensor_id === sensor('wanted'))).toEqual({
    sensor_id: sensor('wanted'),
    sensor_type: 'temperature',
    value: 21,
    unit: null,
    timestamp: new Date(t0).toISOString(),
    origin: expect.any(String),
    source_protocol: 'mqtt',
    anomaly: false,
    reported_anomaly: null,
  });
  narrow.close();
  everything.close();
});

it('forwards again to a client that connects after the last one left', async () => {
  // More than the heartbeats' lifetime without a client on A: B stops forwarding, then a new client restarts it.
  await new Promise((r) => setTimeout(r, 4_500));
  const { token } = await signedIn(a.url);
  const client = await connectSocket(a.url, token);
  const data = record<{ sensor_id: string }>(client, 'sensor_data');
  await publish(`sensors/humidity/${sensor('later')}`, { ts: Date.UTC(2026, 0, 3), value: 40 });
  await waitFor(() => data.some((d) => d.sensor_id === sensor('later')), 'the later reading on A', 5_000);
  client.close();
});
