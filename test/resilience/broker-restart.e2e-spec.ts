import { randomBytes } from 'node:crypto';
import { connectAsync, type MqttClient } from 'mqtt';
import { AppProcess, startApp } from '../helpers/app-process.js';
import { closeDb, sql, truncateAll } from '../helpers/db.js';
import { OwnMosquitto } from '../helpers/own-mosquitto.js';
import { runId, sensorsEnv, waitFor } from '../sensors/sensors-helpers.js';

/**
 * A Mosquitto of the test's own, restarted under the app while readings flow: stopped by an operator (its
 * sessions saved, `session present: true` when the consumer comes back, but without the shared subscriptions) and
 * killed (sessions lost): either way the consumer must subscribe again or it would never receive anything. Either way the process stays up, readiness is red
 * while the consumer is not consuming and green once it is subscribed again, by itself, and the readings are stored.
 */
const RATE = 100;
const OUTAGE_MS = 6_000;

let broker: OwnMosquitto;
let app: AppProcess;
let mqtt: MqttClient;

beforeAll(async () => {
  await truncateAll();
  broker = await OwnMosquitto.start();
  app = await startApp({ ...sensorsEnv('broker-restart'), MQTT_URL: broker.url, LOG_LEVEL: 'info' });
  mqtt = await connectAsync(broker.url, {
    clientId: `${runId}-pub-${randomBytes(2).toString('hex')}`,
    reconnectPeriod: 300,
    clean: false,
  });
});
afterAll(async () => {
  mqtt?.end(true);
  await app?.stop();
  await broker?.destroy();
  await closeDb();
});

function watchReadiness(until: () => boolean): {
  ready: Array<{ at: number; status: number }>;
  done: Promise<void>;
} {
  const ready: Array<{ at: number; status: number }> = [];
  const done = (async () => {
    while (!until()) {
      const res = await fetch(`${app.url}/health/ready`).catch(() => undefined);
      ready.push({ at: Date.now(), status: res?.status ?? 0 });
      await new Promise((r) => setTimeout(r, 100));
    }
  })();
  return { ready, done };
}

/**
 * Publishes at RATE for 15 s with the broker down (`signal`) from 3 s to 9 s. Returns when every reading the broker
 * could deliver is stored: those published before the outage and those published once the consumer was consuming
 * again. What the publisher sent in between is counted, not required: Mosquitto 2.0 restores a saved session
 * without its shared subscriptions (and a killed broker loses the session), so readings that reach it after it
 * starts and before the consumer has subscribed again have no subscriber and are dropped by the broker.
 */
async function restartUnderLoad(signal: 'SIGTERM' | 'SIGKILL') {
  const id = `${runId}-broker-${signal}`;
  const acks: Array<Promise<unknown>> = [];
  const from = Date.now();
  let downAt = Infinity;
  let startingAt = Infinity;
  let restartedAt = Infinity;
  let finished = false;
  const probes = watchReadiness(() => finished);
  const logged = app.output().length;
  const outage = (async () => {
    await new Promise((r) => setTimeout(r, 3_000));
    downAt = Date.now();
    await broker.down(signal);
    await new Promise((r) => setTimeout(r, OUTAGE_MS));
    // The consumer retries every 250 ms and may be subscribed again before `up` sees the port open: the outage
    // ends when the broker is started, not when the test sees it accept.
    startingAt = Date.now();
    await broker.up();
    restartedAt = Date.now();
  })();
  const sentAt: number[] = [];
  const started = Date.now();
  while (Date.now() - started < 15_000) {
    const due = Math.floor(((Date.now() - started) / 1000) * RATE) - sentAt.length;
    for (let i = 0; i < due; i++) {
      acks.push(
        mqtt.publishAsync(
          `sensors/temperature/${id}`,
          JSON.stringify({ ts: from + sentAt.length, value: 20 }),
          {
            qos: 1,
          },
        ),
      );
      sentAt.push(Date.now());
    }
    await new Promise((r) => setTimeout(r, 20));
  }
  await outage;
  await Promise.all(acks);
  await waitFor(async () => (await fetch(`${app.url}/health/ready`)).status === 200, 'ready again');
  finished = true;
  await probes.done;
  const green = probes.ready.find((r) => r.at > startingAt && r.status === 200)?.at ?? Infinity;
  const must = sentAt.flatMap((at, i) => (at < downAt - 100 || at > green + 500 ? [i] : []));
  const rows = async () =>
    (
      await sql<{ i: number; n: number }>(
        `SELECT (extract(epoch FROM "timestamp") * 1000)::bigint - $2::bigint AS i, count(*)::int AS n
           FROM sensor_readings WHERE sensor_id = $1 GROUP BY 1`,
        [id, from],
      )
    ).map((r) => ({ i: Number(r.i), n: r.n }));
  await waitFor(
    async () => {
      const have = new Set((await rows()).map((r) => r.i));
      return must.every((i) => have.has(i));
    },
    `the ${must.length} readings published while a consumer was subscribed`,
    30_000,
  ).catch(async (e: Error) => {
    throw new Error(
      `${e.message} (stored ${(await rows()).length}); the app said:\n${app.output().slice(-3000)}`,
    );
  });
  await new Promise((r) => setTimeout(r, 500)); // a late duplicate would land now
  const stored = await rows();
  expect(stored.filter((r) => r.n > 1)).toEqual([]);
  const reds = probes.ready.filter((r) => r.at > downAt + 1_500 && r.at < startingAt);
  expect(reds.length).toBeGreaterThan(0);
  expect(reds.every((r) => r.status === 503)).toBe(true);
  expect(green - startingAt).toBeLessThan(5_000);
  const tail = app.output().slice(logged);
  // Saved by a graceful stop (a killed broker has what it saved before, if anything): the consumer subscribes
  // again either way, since the broker restores no shared subscription.
  expect(tail).toMatch(
    new RegExp(
      `MQTT consumer \\S+ connected \\(session present: ${signal === 'SIGTERM' ? 'true' : '(true|false)'}\\)`,
    ),
  );
  return {
    published: sentAt.length,
    stored: stored.length,
    window: sentAt.length - must.length,
    green: green - startingAt,
    accepting: restartedAt - startingAt,
    sessionPresent: /session present: true/.test(tail),
  };
}

it.each(['SIGTERM', 'SIGKILL'] as const)(
  'consumes again by itself after a 6 s broker outage (%s) under load',
  async (signal) => {
    const r = await restartUnderLoad(signal);
    process.stdout.write(
      `Broker ${signal}, ${OUTAGE_MS} ms down, ${RATE}/s: consuming again ${r.green} ms after the broker was started ` +
        `(accepting after ${r.accepting} ms) ` +
        `(session present: ${r.sessionPresent}); ${r.published} published, ${r.stored} stored once, ` +
        `${r.published - r.stored} dropped by the broker among the ${r.window} sent between the stop and the ` +
        `consumer's new subscription\n`,
    );
  },
);
