import request from 'supertest';
import { AppProcess, freePort, startApp } from '../helpers/app-process.js';
import { BrokerProxy } from '../helpers/broker-proxy.js';
import { closeDb, sql } from '../helpers/db.js';
import { publisher, runId, sensorsEnv, waitFor } from '../sensors/sensors-helpers.js';

/**
 * Liveness and readiness: `/health/live` never asks PostgreSQL, Redis or the broker; `/health/ready` (and `/health`,
 * its historical alias) needs all three and the MQTT consumer actually subscribed on its current connection. The
 * app talks to the real Mosquitto through a proxy that can cut its connection and hold back the broker's SUBACK.
 */
let proxy: BrokerProxy;
let app: AppProcess;

beforeAll(async () => {
  proxy = await BrokerProxy.start(process.env.MQTT_URL as string);
  app = await startApp({ ...sensorsEnv('probes'), MQTT_URL: proxy.url });
});
afterAll(async () => {
  await app?.stop();
  await proxy?.stop();
  await closeDb();
});

const ready = () => request(app.url).get('/health/ready');

it('answers 200 on both probes when everything is up; /health is the readiness alias', async () => {
  const live = await request(app.url).get('/health/live').expect(200);
  expect(live.body).toMatchObject({ status: 'ok', details: { process: { status: 'up' } } });
  expect(Object.keys(live.body.details)).toEqual(['process']);

  const res = await ready().expect(200);
  expect(res.body).toMatchObject({
    status: 'ok',
    details: {
      database: { status: 'up' },
      redis: { status: 'up' },
      mqtt: { status: 'up' },
      mqtt_consumer: { status: 'up' },
    },
  });
  const alias = await request(app.url).get('/health').expect(200);
  expect(Object.keys(alias.body.details)).toEqual(Object.keys(res.body.details));
});

it('is not ready while the consumer is connected but its subscriptions are not acknowledged', async () => {
  proxy.holdSubacks();
  proxy.dropConnections();
  // The consumer reconnects at once: CONNACK passes, the SUBACK waits at the proxy.
  const unready = await waitFor(async () => {
    const res = await ready();
    return res.status === 503 && res.body.details.mqtt.status === 'up' && res.body;
  }, 'a reconnected consumer that is not subscribed yet');
  expect(unready.error).toEqual({
    mqtt_consumer: {
      status: 'down',
      message: 'connected, but the broker has not acknowledged the subscriptions on this connection yet',
    },
  });
  await request(app.url).get('/health/live').expect(200);
  await request(app.url).get('/health').expect(503);
  const status = await request(app.url).get('/api/v1/status').expect(200);
  expect(status.body.connections.mqtt).toMatchObject({ connected: true, consuming: false });

  proxy.release();
  await waitFor(async () => (await ready()).status === 200, 'readiness after the SUBACK');
  const after = await request(app.url).get('/api/v1/status').expect(200);
  expect(after.body.connections.mqtt).toMatchObject({ connected: true, consuming: true });

  // Ready means readings arrive again (the session's subscriptions, acknowledged anew on this connection).
  const mqtt = await publisher();
  const sensor = `${runId}-probes`;
  await mqtt.publishAsync(`sensors/temperature/${sensor}`, JSON.stringify({ value: 7 }), { qos: 1 });
  await mqtt.endAsync();
  await waitFor(
    async () => (await sql(`SELECT 1 FROM sensor_readings WHERE sensor_id = $1`, [sensor])).length === 1,
    'the reading published once ready',
  );
});

it('is not ready, but alive, while the broker is down', async () => {
  const nobody = await freePort();
  const orphan = await startApp(
    { ...sensorsEnv('probes-down'), MQTT_URL: `mqtt://127.0.0.1:${nobody}` },
    { until: '/health/live' },
  );
  try {
    const res = await request(orphan.url).get('/health/ready').expect(503);
    expect(res.body).toMatchObject({
      status: 'error',
      info: { database: { status: 'up' }, redis: { status: 'up' } },
      error: {
        mqtt: { status: 'down', message: 'the MQTT consumer is not connected to the broker' },
        mqtt_consumer: { status: 'down' },
      },
    });
    expect((await request(orphan.url).get('/health')).status).toBe(503);
    const live = await request(orphan.url).get('/health/live').expect(200);
    expect(live.body.status).toBe('ok');
  } finally {
    await orphan.stop();
  }
});
