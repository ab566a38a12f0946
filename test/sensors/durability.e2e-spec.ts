import type { MqttClient } from 'mqtt';
import { AppProcess, startApp } from '../helpers/app-process.js';
import { closeDb, sql, truncateAll } from '../helpers/db.js';
import { publisher, runId, sensorsEnv, waitFor } from './sensors-helpers.js';

/**
 * A QoS 1 reading accepted by the broker is never lost and never stored twice, whatever happens to the app:
 * it is acknowledged only after its batch committed, and the session is persistent under a stable client id.
 */
const env = { ...sensorsEnv('durable'), LOG_LEVEL: 'info' };
const SENSORS = 4;
let app: AppProcess | undefined;
let mqtt: MqttClient;

beforeAll(async () => {
  await truncateAll();
  mqtt = await publisher();
});
afterAll(async () => {
  await mqtt?.endAsync();
  await app?.stop();
  await closeDb();
});

const count = async () =>
  (
    await sql<{ n: number }>(`SELECT count(*)::int AS n FROM sensor_readings WHERE sensor_id LIKE $1`, [
      `${runId}-dur-%`,
    ])
  )[0].n;

/** Publishes readings `from..to-1` (value = sequence number), a few milliseconds apart, calling `at` midway. */
async function stream(from: number, to: number, at: number, interrupt: () => Promise<void>): Promise<void> {
  const base = Date.UTC(2026, 0, 1);
  const sent: Array<Promise<unknown>> = [];
  for (let seq = from; seq < to; seq++) {
    if (seq === at) await interrupt();
    const payload = { ts: base + seq, value: seq, unit: '°C' };
    sent.push(
      mqtt.publishAsync(`sensors/temperature/${runId}-dur-${seq % SENSORS}`, JSON.stringify(payload), {
        qos: 1,
      }),
    );
    if (seq % 10 === 0) await new Promise((r) => setTimeout(r, 15));
  }
  await Promise.all(sent);
}

async function expectExactly(n: number): Promise<void> {
  await waitFor(async () => (await count()) >= n, `${n} readings`, 30_000);
  const rows = await sql<{ value: number; copies: number }>(
    `SELECT value, count(*)::int AS copies FROM sensor_readings WHERE sensor_id LIKE $1 GROUP BY value ORDER BY value`,
    [`${runId}-dur-%`],
  );
  expect(rows).toHaveLength(n);
  expect(rows.every((r, i) => r.value === i && r.copies === 1)).toBe(true);
}

it('loses nothing and duplicates nothing when the app is killed mid-stream and restarted', async () => {
  app = await startApp(env);
  await stream(0, 300, 120, async () => {
    await app?.kill();
  });
  // Everything published after the kill waits at the broker for this replica's session.
  app = await startApp(env);
  await expectExactly(300);
  expect(app.output()).toMatch(/session present: true/);
});

it('also survives a graceful stop mid-stream', async () => {
  await stream(300, 450, 360, async () => {
    await app?.stop();
  });
  app = await startApp(env);
  await expectExactly(450);
});
