import type { MqttClient } from 'mqtt';
import request from 'supertest';
import { AppProcess, startApp } from '../helpers/app-process.js';
import { closeDb, sql, truncateAll } from '../helpers/db.js';
import { signedIn } from '../helpers/users.js';
import { connectSocket, publisher, record, runId, sensorsEnv, waitFor } from './sensors-helpers.js';

/** Two replicas in one share group split the MQTT stream; a dashboard on either sees every reading. */
let a: AppProcess;
let b: AppProcess;
let mqtt: MqttClient;
const group = `${runId}-replicas`;

beforeAll(async () => {
  await truncateAll();
  [a, b] = await Promise.all([
    startApp({ ...sensorsEnv('replica-a'), SENSORS_MQTT_SHARE_GROUP: group }),
    startApp({ ...sensorsEnv('replica-b'), SENSORS_MQTT_SHARE_GROUP: group }),
  ]);
  mqtt = await publisher();
});
afterAll(async () => {
  await mqtt?.endAsync();
  await Promise.all([a?.stop(), b?.stop()]);
  await closeDb();
});

const storedBy = async (app: AppProcess) =>
  (await request(app.url).get('/api/v1/status').expect(200)).body.modules.sensors.stored as number;

it('handles each message once across replicas and streams every reading to a client of either', async () => {
  const connected = async (app: AppProcess) =>
    (await request(app.url).get('/api/v1/status')).body.modules.sensors.mqtt_consumer.connected as boolean;
  await waitFor(async () => (await connected(a)) && (await connected(b)), 'both consumers');
  const { token } = await signedIn(a.url);
  const socket = await connectSocket(a.url, token);
  const seen = record<{ sensor_id: string }>(socket, 'sensor_data');

  const total = 60;
  for (let i = 0; i < total; i++)
    await mqtt.publishAsync(
      `sensors/humidity/${runId}-rep-${i % 3}`,
      JSON.stringify({ ts: Date.UTC(2026, 0, 1) + i, value: 50 }),
      { qos: 1 },
    );
  await waitFor(
    async () =>
      (await sql(`SELECT 1 FROM sensor_readings WHERE sensor_id LIKE $1`, [`${runId}-rep-%`])).length ===
      total,
    'every reading stored',
  );
  const [fromA, fromB] = [await storedBy(a), await storedBy(b)];
  expect(fromA + fromB).toBe(total);
  expect(fromA).toBeGreaterThan(0);
  expect(fromB).toBeGreaterThan(0);
  // Readings stored by replica B reach the client on replica A through the Redis adapter.
  await waitFor(
    () => seen.filter((e) => e.sensor_id.startsWith(`${runId}-rep-`)).length === total,
    'all events on A',
  );
  socket.close();
});
