import type { MqttClient } from 'mqtt';
import request from 'supertest';
import { AppProcess, startApp } from '../helpers/app-process.js';
import { closeDb, sql, truncateAll } from '../helpers/db.js';
import { publisher, runId, sensorsEnv, waitFor } from './sensors-helpers.js';

/**
 * Replicas come and go: no reading waits for one that is gone. Two or three real app processes share one group on
 * the real broker; one is killed (never to return), stopped, or replaced under another name, and every reading
 * published afterwards is stored by the others, once, within 2 s.
 */
const group = { ...sensorsEnv('failover'), LOG_LEVEL: 'info' };
const apps: AppProcess[] = [];
let mqtt: MqttClient;
let seq = 0;

beforeAll(async () => {
  await truncateAll();
  mqtt = await publisher();
});
afterAll(async () => {
  await mqtt?.endAsync();
  await Promise.all(apps.map((a) => a.stop()));
  await closeDb();
});

async function replica(name: string): Promise<AppProcess> {
  const app = await startApp({ ...group, SENSORS_REPLICA_ID: `${runId}-${name}` });
  apps.push(app);
  await waitFor(
    async () => (await request(app.url).get('/api/v1/status')).body.modules.sensors.mqtt_consumer.connected,
    `${name} connected`,
  );
  return app;
}

const storedBy = async (app: AppProcess) =>
  (await request(app.url).get('/api/v1/status').expect(200)).body.modules.sensors.stored as number;

/** Publishes `n` readings with consecutive values; resolves when the broker has acknowledged them all. */
async function publish(n: number): Promise<{ from: number; to: number }> {
  const from = seq;
  const sent: Array<Promise<unknown>> = [];
  for (let i = 0; i < n; i++, seq++)
    sent.push(
      mqtt.publishAsync(
        `sensors/humidity/${runId}-fo-${seq % 5}`,
        JSON.stringify({ ts: Date.UTC(2026, 0, 1) + seq, value: seq }),
        { qos: 1 },
      ),
    );
  await Promise.all(sent);
  return { from, to: seq };
}

/** Waits until every value in [from, to) is stored and checks each is stored exactly once. */
async function expectStored(range: { from: number; to: number }, withinMs: number): Promise<number> {
  const started = Date.now();
  const count = async () =>
    (
      await sql<{ n: number }>(
        `SELECT count(*)::int AS n FROM sensor_readings WHERE sensor_id LIKE $1 AND value >= $2 AND value < $3`,
        [`${runId}-fo-%`, range.from, range.to],
      )
    )[0].n;
  await waitFor(
    async () => (await count()) >= range.to - range.from,
    `${range.to - range.from} readings`,
    20_000,
  );
  const elapsed = Date.now() - started;
  const copies = await sql<{ value: number; copies: number }>(
    `SELECT value, count(*)::int AS copies FROM sensor_readings WHERE sensor_id LIKE $1 GROUP BY value HAVING count(*) > 1`,
    [`${runId}-fo-%`],
  );
  expect(copies).toEqual([]);
  expect(elapsed).toBeLessThan(withinMs);
  return elapsed;
}

it('stores every reading published after a replica is killed, within 2 s, through the survivor', async () => {
  const [a, b] = [await replica('a'), await replica('b')];
  await expectStored(await publish(100), 5000);
  expect(await storedBy(a)).toBeGreaterThan(0);
  expect(await storedBy(b)).toBeGreaterThan(0);

  await a.kill(); // and never restarted
  const after = await publish(300);
  await expectStored(after, 2000);
  // B took A's session over (its queue) and deleted it: later readings all go to B.
  await waitFor(() => b.output().includes('Taking over MQTT session'), 'the takeover in the log');
  await expectStored(await publish(100), 2000);
});

it('drains a replica stopped with SIGTERM and leaves nothing queued for it', async () => {
  const c = await replica('c');
  const b = apps[1];
  const before = await storedBy(b);
  // Readings flow while C stops.
  const streaming = (async () => {
    const ranges = [];
    for (let i = 0; i < 10; i++) {
      ranges.push(await publish(30));
      await new Promise((r) => setTimeout(r, 30));
    }
    return ranges;
  })();
  await new Promise((r) => setTimeout(r, 100));
  await c.stop();
  // A clean exit: Nest re-raises SIGTERM once shut down (exit code null); no crash, no forced exit.
  expect(c.output()).not.toMatch(/Connection is closed|Shutdown took longer|Unhandled/);
  expect(c.output()).toMatch(/drained and left; its session is deleted/);
  for (const range of await streaming) await expectStored(range, 5000);
  // Nothing waits for C's session: everything published now is stored by B at once.
  await expectStored(await publish(200), 2000);
  expect(await storedBy(b)).toBeGreaterThan(before);
});

it('loses nothing when the only replica is replaced by one under another name', async () => {
  const b = apps[1];
  await b.kill();
  const whileDown = await publish(150); // queued in B's session
  const d = await replica('d-other-host');
  await expectStored(whileDown, 10_000);
  expect(d.output()).toMatch(/Taking over MQTT session .* \(session present: true\)/);
  await expectStored(await publish(100), 2000);
});

it('judges a jump against the previous stored value, whichever replica stored it', async () => {
  const e = await replica('e'); // two replicas now: D and E, taking messages in turn
  const sensor = `${runId}-jump`;
  const values = [20, 21, 30, 31, 22, 23, 23.5, 29, 29.5, 30];
  for (let i = 0; i < values.length; i++) {
    await mqtt.publishAsync(
      `sensors/temperature/${sensor}`,
      JSON.stringify({ ts: Date.UTC(2026, 1, 1) + i * 1000, value: values[i] }),
      { qos: 1 },
    );
    await waitFor(
      async () =>
        (await sql(`SELECT 1 FROM sensor_readings WHERE sensor_id = $1`, [sensor])).length === i + 1,
      `reading ${i}`,
    );
  }
  const rows = await sql<{ value: number; anomaly: boolean; anomaly_message: string | null }>(
    `SELECT value, anomaly, anomaly_message FROM sensor_readings WHERE sensor_id = $1 ORDER BY "timestamp"`,
    [sensor],
  );
  // Temperature: range [18, 32], jump limit 5.
  const expected = values.map((v, i) => i > 0 && Math.abs(v - values[i - 1]) > 5);
  expect(rows.map((r) => r.anomaly)).toEqual(expected);
  expect(rows[2].anomaly_message).toMatch(/jumped 9 from 21/);
  // E started for this test: it stored some of the ten, D the others.
  expect(await storedBy(e)).toBeGreaterThan(0);
  expect(await storedBy(e)).toBeLessThan(values.length);
});
