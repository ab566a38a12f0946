import type { MqttClient } from 'mqtt';
import { AppProcess, startApp } from '../helpers/app-process.js';
import { closeDb, sql } from '../helpers/db.js';
import { OwnPostgres } from '../helpers/own-postgres.js';
import { createUser, tokenFor } from '../helpers/users.js';
import { publisher, runId, sensorsEnv, waitFor } from '../sensors/sensors-helpers.js';

/**
 * A real PostgreSQL of the test's own (initdb on a free port, migrated with the CLI), stopped for 10 s and started
 * again while readings flow over MQTT and users call the API: every call that needs the database answers 200 or
 * 503 with the JSON error body (never 401 or 500), the process stays up, readiness goes red and back to green by
 * itself, and every reading published meanwhile is stored once.
 */
const RATE = 100;
const SECONDS = 24;
const OUTAGE = { from: 4_000, ms: 10_000 };

let server: OwnPostgres;
let app: AppProcess;
let mqtt: MqttClient;
let token: string;
const sharedDatabase = process.env.DATABASE_URL;

beforeAll(async () => {
  server = await OwnPostgres.start();
  process.env.DATABASE_URL = server.url; // the db helpers arrange and assert on the test's own server
  app = await startApp({ ...sensorsEnv('pg-restart'), DATABASE_URL: server.url });
  token = await tokenFor(app.url, await createUser());
  await closeDb(); // no idle connection of the test's own through the outage
  mqtt = await publisher();
}, 120_000);
afterAll(async () => {
  await mqtt?.endAsync();
  await app?.stop();
  await closeDb();
  await server?.destroy();
  process.env.DATABASE_URL = sharedDatabase;
});

interface Call {
  at: number;
  status: number;
  body: { statusCode?: number; code?: string; requestId?: string };
}

it('serves 503 through a 10 s PostgreSQL stop under load, recovers by itself and stores every reading once', async () => {
  const id = `${runId}-pg`;
  const started = Date.now();
  const elapsed = () => Date.now() - started;
  const calls: Call[] = [];
  const ready: Array<{ at: number; status: number }> = [];
  const live: number[] = [];
  let published = 0;
  let restartedAt = 0;

  const outage = (async () => {
    await new Promise((r) => setTimeout(r, OUTAGE.from));
    await server.down('fast');
    await new Promise((r) => setTimeout(r, OUTAGE.ms));
    await server.up();
    restartedAt = elapsed();
  })();
  const probes = (async () => {
    while (elapsed() < SECONDS * 1000) {
      live.push((await fetch(`${app.url}/health/live`).catch(() => undefined))?.status ?? 0);
      const res = await fetch(`${app.url}/health/ready`).catch(() => undefined);
      ready.push({ at: elapsed(), status: res?.status ?? 0 });
      await new Promise((r) => setTimeout(r, 200));
    }
  })();
  const users = (async () => {
    const paths = [
      '/api/v1/auth/me',
      '/api/v1/species/observations?lat=50&lng=0&radius_km=10',
      '/api/v1/sensors/latest',
    ];
    for (let i = 0; elapsed() < SECONDS * 1000; i++) {
      const res = await fetch(`${app.url}${paths[i % paths.length]}`, {
        headers: { Authorization: `Bearer ${token}` },
      }).catch(() => undefined);
      calls.push({
        at: elapsed(),
        status: res?.status ?? 0,
        body: ((await res?.json().catch(() => ({}))) ?? {}) as Call['body'],
      });
      await new Promise((r) => setTimeout(r, 50));
    }
  })();
  while (elapsed() < SECONDS * 1000) {
    const due = Math.floor((elapsed() / 1000) * RATE) - published;
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
  await Promise.all([outage, probes, users]);

  const counts = async () =>
    (
      await sql<{ n: number; distinct: number }>(
        `SELECT count(*)::int AS n, count(DISTINCT "timestamp")::int AS distinct FROM sensor_readings WHERE sensor_id = $1`,
        [id],
      )
    )[0];
  await waitFor(
    async () => (await counts()).n >= published,
    `all ${published} readings stored`,
    60_000,
  ).catch(async (e: Error) => {
    throw new Error(
      `${e.message} (stored ${(await counts()).n}); the app said:\n${app.output().slice(-3000)}`,
    );
  });
  await new Promise((r) => setTimeout(r, 1000)); // a late duplicate would land now
  expect(await counts()).toEqual({ n: published, distinct: published });
  const [{ rejected }] = await sql<{ rejected: number }>(
    `SELECT count(*)::int AS rejected FROM sensor_readings_rejected WHERE sensor_id = $1`,
    [id],
  );
  expect(rejected).toBe(0); // an unreachable database refuses nothing: those readings waited, none set aside

  const statuses = new Set(calls.map((c) => c.status));
  expect([...statuses].filter((s) => s !== 200 && s !== 503)).toEqual([]);
  const unavailable = calls.filter((c) => c.status === 503);
  expect(unavailable.length).toBeGreaterThan(0);
  for (const call of unavailable)
    expect(call.body).toMatchObject({
      statusCode: 503,
      code: 'SERVICE_UNAVAILABLE',
      requestId: expect.any(String),
    });
  expect(live.every((status) => status === 200)).toBe(true);
  expect(ready.some((r) => r.status === 503)).toBe(true);
  const lastRed = Math.max(...ready.filter((r) => r.status !== 200).map((r) => r.at));
  expect(ready.filter((r) => r.at > lastRed).length).toBeGreaterThan(0); // green again by itself
  const firstOk = calls.find((c) => c.at > restartedAt && c.status === 200)?.at ?? Infinity;
  const green = ready.find((r) => r.at > restartedAt && r.status === 200)?.at ?? Infinity;
  process.stdout.write(
    `PostgreSQL restart: stopped ${OUTAGE.ms} ms; ${calls.length} API calls, ${unavailable.length} answered 503 ` +
      `(${calls.length - unavailable.length} 200); API back ${firstOk - restartedAt} ms and readiness green ` +
      `${green - restartedAt} ms after the start; ${published} readings published, ` +
      `${(await counts()).n} stored, 0 lost, 0 duplicated\n`,
  );
  expect(firstOk - restartedAt).toBeLessThan(10_000);
  expect(app.output()).not.toMatch(/Unhandled promise rejection/);
});
