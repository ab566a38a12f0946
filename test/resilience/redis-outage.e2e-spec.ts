import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { connect } from 'node:net';
import type { MqttClient } from 'mqtt';
import type { Socket } from 'socket.io-client';
import request from 'supertest';
import { AppProcess, freePort, startApp } from '../helpers/app-process.js';
import { closeDb, sql, truncateAll } from '../helpers/db.js';
import { signedIn } from '../helpers/users.js';
import { connectSocket, publisher, runId, sensorsEnv, waitFor } from '../sensors/sensors-helpers.js';

/**
 * A Redis of the test's own (never the shared one) stopped for 5 s while readings flow over MQTT, each also a
 * Socket.IO broadcast through the Redis adapter: the app stays up, readiness says so, and nothing is lost.
 */
const RATE = 200;
const SECONDS = 12;
const OUTAGE = { from: 3_000, to: 8_000 };

let redisPort: number;
let redis: ChildProcess | undefined;
let app: AppProcess;
let mqtt: MqttClient;
let socket: Socket;

async function startRedis(): Promise<void> {
  redis = spawn(
    'redis-server',
    ['--port', String(redisPort), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    {
      stdio: 'ignore',
    },
  );
  await waitFor(
    () =>
      new Promise<boolean>((resolve) => {
        const probe = connect(redisPort, '127.0.0.1', () => {
          probe.end();
          resolve(true);
        });
        probe.on('error', () => resolve(false));
      }),
    'the test Redis',
  );
}

async function stopRedis(): Promise<void> {
  const child = redis;
  redis = undefined;
  if (!child || child.exitCode !== null) return;
  child.kill('SIGKILL');
  await once(child, 'exit');
}

beforeAll(async () => {
  await truncateAll();
  redisPort = await freePort();
  await startRedis();
  app = await startApp({ ...sensorsEnv('redis-outage'), REDIS_URL: `redis://127.0.0.1:${redisPort}/0` });
  mqtt = await publisher();
  socket = await connectSocket(app.url, (await signedIn(app.url)).token);
});
afterAll(async () => {
  socket?.close();
  await mqtt?.endAsync();
  await app?.stop();
  await stopRedis();
  await closeDb();
});

it('stays up through a 5 s Redis outage under load, reports it, and loses no reading', async () => {
  const id = `${runId}-redis`;
  const ready: number[] = [];
  const live: number[] = [];
  const started = Date.now();
  let published = 0;
  const outage = (async () => {
    await new Promise((r) => setTimeout(r, OUTAGE.from));
    await stopRedis();
    await new Promise((r) => setTimeout(r, OUTAGE.to - OUTAGE.from));
    await startRedis();
  })();
  const probes = (async () => {
    while (Date.now() - started < SECONDS * 1000) {
      live.push((await fetch(`${app.url}/health/live`).catch(() => undefined))?.status ?? 0);
      ready.push((await fetch(`${app.url}/health/ready`).catch(() => undefined))?.status ?? 0);
      await new Promise((r) => setTimeout(r, 250));
    }
  })();
  while (Date.now() - started < SECONDS * 1000) {
    const due = Math.floor(((Date.now() - started) / 1000) * RATE) - published;
    const sends: Array<Promise<unknown>> = [];
    for (let i = 0; i < due; i++, published++)
      sends.push(
        mqtt.publishAsync(
          `sensors/temperature/${id}`,
          JSON.stringify({ ts: started + published, value: 20 }),
          {
            qos: 1,
          },
        ),
      );
    await Promise.all(sends);
    await new Promise((r) => setTimeout(r, 20));
  }
  await Promise.all([outage, probes]);

  const stored = async () =>
    (await sql<{ n: number }>(`SELECT count(*)::int AS n FROM sensor_readings WHERE sensor_id = $1`, [id]))[0]
      .n;
  await waitFor(async () => (await stored()) === published, `all ${published} readings stored`, 30_000).catch(
    async (e: Error) => {
      throw new Error(`${e.message} (stored ${await stored()}); the app said:\n${app.output().slice(-3000)}`);
    },
  );
  expect(live.every((status) => status === 200)).toBe(true);
  expect(ready).toContain(503);
  await waitFor(async () => (await fetch(`${app.url}/health/ready`)).status === 200, 'ready again');
  await request(app.url).get('/api/v1/status').expect(200);
  // Handled where it happens, not by the process's last-resort handler.
  expect(app.output()).not.toMatch(/Unhandled promise rejection/);
  expect(app.output()).toMatch(/Live events cannot reach other replicas/);
});
