import { randomBytes } from 'node:crypto';
import { connectAsync, type MqttClient } from 'mqtt';
import request from 'supertest';
import { AppProcess, startApp } from '../helpers/app-process.js';
import { closeDb, sql } from '../helpers/db.js';
import { runId, sensorsEnv, waitFor } from './sensors-helpers.js';

/**
 * The MQTT transport microservice: each message in its own correlation id (the MQTT 5 user property
 * `x-request-id`, else a new one), on the handler's log lines and on the stored row; `/health` reports the
 * consumer's own connection.
 */
let app: AppProcess;
let mqtt: MqttClient;

beforeAll(async () => {
  app = await startApp({ ...sensorsEnv('transport'), LOG_LEVEL: 'info' });
  mqtt = await connectAsync(process.env.MQTT_URL as string, {
    clientId: `${runId}-v5pub-${randomBytes(2).toString('hex')}`,
    protocolVersion: 5,
  });
  await waitFor(
    async () => (await request(app.url).get('/api/v1/status')).body.modules.sensors.mqtt_consumer.connected,
    'the consumer',
  );
});
afterAll(async () => {
  await mqtt?.endAsync();
  await app?.stop();
  await closeDb();
});

it('stores the message correlation id as the row trace and logs under it', async () => {
  const sensor = `${runId}-trace`;
  await mqtt.publishAsync(`sensors/humidity/${sensor}`, JSON.stringify({ value: 51 }), {
    qos: 1,
    properties: { userProperties: { 'x-request-id': 'device-trace-0001' } },
  });
  await mqtt.publishAsync(
    `sensors/humidity/${sensor}`,
    JSON.stringify({ ts: Date.now() - 1000, value: 52 }),
    {
      qos: 1,
    },
  );
  const rows = await waitFor(async () => {
    const r = await sql<{ value: number; trace_id: string | null }>(
      `SELECT value, trace_id FROM sensor_readings WHERE sensor_id = $1 ORDER BY value`,
      [sensor],
    );
    return r.length === 2 && r;
  }, 'both readings');
  expect(rows[0].trace_id).toBe('device-trace-0001');
  expect(rows[1].trace_id).toMatch(/^[0-9a-f-]{36}$/); // a fresh id of its own

  await mqtt.publishAsync(`sensors/humidity/${sensor}`, '{"value": "high"}', {
    qos: 1,
    properties: { userProperties: { 'x-request-id': 'device-trace-bad1' } },
  });
  const line = await waitFor(
    () =>
      app
        .output()
        .split('\n')
        .find((l) => l.includes('Dropped a bad reading') && l.includes(sensor)),
    'the log line of the bad reading',
  );
  expect(JSON.parse(line)).toMatchObject({ requestId: 'device-trace-bad1' });
});

it('reports the consumer connection on /health and in the status', async () => {
  const health = await request(app.url).get('/health').expect(200);
  const status = await request(app.url).get('/api/v1/status').expect(200);
  const consumer = status.body.modules.sensors.mqtt_consumer;
  expect(health.body.details.mqtt).toEqual({ status: 'up', client_id: consumer.client_id });
  expect(status.body.connections.mqtt).toMatchObject({ connected: true, client_id: consumer.client_id });
  expect(consumer).toMatchObject({ enabled: true, in_flight: 0, taking_over: [] });
});
