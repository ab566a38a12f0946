import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import { connectAsync, type MqttClient } from 'mqtt';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { ReadingSimulator, type SimulatedReading } from '../src/sensors/simulator.js';
import { migrate, startProcess, table } from './lib.js';
import { ensureDatabase, sleep, useBenchServices } from './sensors-lib.js';

/**
 * `npm run bench:ingest`: in one run,
 *  (a) the ceiling: COPY of the same kind of rows into `sensor_readings` straight from Node;
 *  (b) the full path: simulated devices publish QoS 1 readings through Mosquitto into the app (MQTT consumer,
 *      validation, anomaly detection, batched INSERT, acknowledgement after commit, live events).
 * Prints readings/s sustained, the ingest lag (device timestamp at publish -> row stored) p50/p99, and b/a.
 */
const seconds = Number(process.env.BENCH_SECONDS ?? 15);
const rate = Number(process.env.BENCH_RATE ?? 12000);
const devices = Number(process.env.BENCH_DEVICES ?? 1000);
const publishers = Number(process.env.BENCH_PUBLISHERS ?? 4);
const copyRows = Number(process.env.BENCH_COPY_ROWS ?? 200_000);
const TICK_MS = 10;

async function copyCeiling(pool: pg.Pool): Promise<number> {
  await pool.query('TRUNCATE sensor_readings, sensors');
  const sim = new ReadingSimulator(devices, 'copy', 0.01);
  const start = Date.now() - 3600_000;
  const lines = function* () {
    for (let i = 0; i < copyRows; i++) {
      const { payload } = sim.reading(start + Math.floor(i / devices));
      const raw = JSON.stringify(payload).replace(/\\/g, '\\\\');
      yield `${new Date(payload.ts).toISOString()}\t${payload.type}\t${payload.sensor_id}\t${payload.value}\t${payload.unit}\t${payload.origin}\tmqtt\t${payload.anomaly}\t${payload.anomaly}\t\\N\t${raw}\n`;
    }
  };
  const client = await pool.connect();
  try {
    const started = performance.now();
    await pipeline(
      Readable.from(lines()),
      client.query(
        copyFrom(
          `COPY sensor_readings ("timestamp", sensor_type, sensor_id, value, unit, origin, source_protocol, anomaly, reported_anomaly, anomaly_message, raw) FROM STDIN`,
        ),
      ),
    );
    return copyRows / ((performance.now() - started) / 1000);
  } finally {
    client.release();
  }
}

async function fullPath(pool: pg.Pool) {
  await pool.query('TRUNCATE sensor_readings, sensors');
  const run = `bench${randomBytes(3).toString('hex')}`;
  const app = await startProcess(['dist/main.js'], {
    LOG_LEVEL: 'warn',
    SENSORS_MQTT_SHARE_GROUP: run,
    SENSORS_REPLICA_ID: run,
    SENSORS_MQTT_SESSION_EXPIRY_SECONDS: '30',
  });
  // Wait for the consumer's subscription before publishing (a shared subscription does not queue for nobody).
  for (;;) {
    const status = (await (await fetch(`${app.url}/api/v1/status`)).json()) as {
      modules: { sensors: { mqtt_consumer: { connected: boolean } } };
    };
    if (status.modules.sensors.mqtt_consumer.connected) break;
    await sleep(100);
  }
  await sleep(500);
  const cpuBefore = cpuSeconds(app.child.pid as number);
  const clients: MqttClient[] = await Promise.all(
    Array.from({ length: publishers }, (_, i) =>
      connectAsync(process.env.MQTT_URL ?? 'mqtt://127.0.0.1:1883', { clientId: `${run}-pub-${i}` }),
    ),
  );
  const sims = clients.map(
    (_, i) => new ReadingSimulator(Math.ceil(devices / publishers), `${run}-p${i}`, 0.01),
  );
  let published = 0;
  let failed = 0;
  const started = Date.now();
  const inFlight = new Set<Promise<unknown>>();
  while (Date.now() - started < seconds * 1000) {
    const due = Math.floor(((Date.now() - started) / 1000) * rate) - published;
    for (let i = 0; i < due; i++) {
      const k = published % clients.length;
      const { topic, payload }: SimulatedReading = sims[k].reading();
      const p = clients[k]
        .publishAsync(topic, JSON.stringify(payload), { qos: 1 })
        .catch(() => (failed += 1));
      inFlight.add(p);
      void p.finally(() => inFlight.delete(p));
      published += 1;
    }
    await sleep(TICK_MS);
  }
  await Promise.all(inFlight);
  const publishSeconds = (Date.now() - started) / 1000;
  const expected = published - failed;
  const drainDeadline = Date.now() + 60_000;
  let stored = 0;
  while (Date.now() < drainDeadline) {
    stored = (await pool.query<{ n: number }>('SELECT count(*)::int AS n FROM sensor_readings')).rows[0].n;
    if (stored >= expected) break;
    await sleep(250);
  }
  const [figures] = (
    await pool.query<{ first: Date; last: Date; p50: number; p99: number; max: number }>(
      `SELECT min(stored_at) AS first, max(stored_at) AS last,
              percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM stored_at - "timestamp") * 1000) AS p50,
              percentile_cont(0.99) WITHIN GROUP (ORDER BY extract(epoch FROM stored_at - "timestamp") * 1000) AS p99,
              max(extract(epoch FROM stored_at - "timestamp") * 1000) AS max
         FROM sensor_readings`,
    )
  ).rows;
  const appCpu = cpuSeconds(app.child.pid as number) - cpuBefore;
  await Promise.all(clients.map((c) => c.endAsync()));
  await app.stop();
  const span = (figures.last.getTime() - figures.first.getTime()) / 1000;
  return {
    offered: published / publishSeconds,
    published,
    stored,
    sustained: stored / span,
    p50: figures.p50,
    p99: figures.p99,
    max: figures.max,
    cpuMicrosPerReading: (appCpu / Math.max(stored, 1)) * 1e6,
  };
}

/** User + system CPU time of a process so far (Linux). */
function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

async function main(): Promise<void> {
  const { databaseUrl } = useBenchServices();
  await ensureDatabase(databaseUrl);
  migrate();
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 2 });
  console.log(
    `bench:ingest: (a) COPY ${copyRows} rows; (b) ${devices} devices over ${publishers} MQTT connections, ` +
      `QoS 1, offered ${rate}/s for ${seconds} s`,
  );
  const ceiling = await copyCeiling(pool);
  const full = await fullPath(pool);
  table([
    {
      path: '(a) COPY from Node (ceiling)',
      'readings/s': Math.round(ceiling),
      'lag p50 ms': '-',
      'lag p99 ms': '-',
    },
    {
      path: '(b) devices -> Mosquitto -> app -> PostgreSQL',
      'readings/s': Math.round(full.sustained),
      'lag p50 ms': Math.round(full.p50),
      'lag p99 ms': Math.round(full.p99),
    },
  ]);
  console.log(
    `published ${full.published} (offered ${Math.round(full.offered)}/s), stored ${full.stored}, ` +
      `lag max ${Math.round(full.max)} ms, app CPU ${Math.round(full.cpuMicrosPerReading)} µs/reading, ` +
      `ratio b/a ${(full.sustained / ceiling).toFixed(3)}`,
  );
  if (full.stored < full.published)
    console.log(
      `${full.published - full.stored} readings never reached the app: Mosquitto drops QoS 1 messages for a ` +
        `subscriber whose queue is full (max_queued_messages, default 1000) when the offered rate exceeds what ` +
        `the app sustains; raise it in mosquitto.conf or lower BENCH_RATE.`,
    );
  await pool.end();
}

void main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
