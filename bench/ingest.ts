import { type ChildProcess, fork } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { ReadingSimulator } from '../src/sensors/simulator.js';
import { migrate, startProcess, table, type Started } from './lib.js';
import { startBroker, type Broker } from './mosquitto.js';
import { ensureDatabase, sleep, useBenchServices } from './sensors-lib.js';

/**
 * `npm run bench:ingest`, in one run on one machine (app, broker, database and publishers share its cores):
 *  (a) the COPY ceiling: rows of the same shape COPYed into `sensor_readings` straight from Node;
 *  (b) the ramp: simulated devices publish QoS 1 readings through a Mosquitto started with the project's
 *      configuration (docker/mosquitto.conf) into the app, at rising rates; a step is sustained when every
 *      reading is stored and the ingest lag (device timestamp -> row stored) has p99 < 1 s. Prints each step and
 *      the ceiling, with the app's CPU time per reading;
 *  (c) overload: twice the ceiling for a minute; every reading must be stored (late, not lost). Ends with a verdict.
 * Knobs: BENCH_RATES (comma list), BENCH_STEP_SECONDS, BENCH_OVERLOAD_SECONDS (0: skip), BENCH_DEVICES,
 * BENCH_PUBLISHERS, BENCH_COPY_ROWS, BENCH_NODE_ARGS.
 */
const rates = (process.env.BENCH_RATES ?? '5000,10000,12500,15000,20000,25000,30000,40000')
  .split(',')
  .map(Number);
const stepSeconds = Number(process.env.BENCH_STEP_SECONDS ?? 10);
const overloadSeconds = Number(process.env.BENCH_OVERLOAD_SECONDS ?? 60);
const devices = Number(process.env.BENCH_DEVICES ?? 1000);
const publisherCount = Number(process.env.BENCH_PUBLISHERS ?? 2);
const copyRows = Number(process.env.BENCH_COPY_ROWS ?? 300_000);
const LAG_P99_LIMIT_MS = 1000;

async function copyCeiling(pool: pg.Pool): Promise<number> {
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

interface PublishResult {
  published: number;
  acked: number;
  failed: number;
  seconds: number;
}

class Publishers {
  private readonly children: ChildProcess[] = [];
  constructor(count: number) {
    for (let i = 0; i < count; i++)
      this.children.push(fork(new URL('./ingest-publisher.js', import.meta.url), [], { stdio: 'inherit' }));
  }

  async publish(url: string, run: string, rate: number, seconds: number): Promise<PublishResult> {
    const n = this.children.length;
    const results = await Promise.all(
      this.children.map(
        (child, i) =>
          new Promise<PublishResult>((resolve, reject) => {
            child.once('message', (m: PublishResult & { error?: string }) =>
              m.error ? reject(new Error(m.error)) : resolve(m),
            );
            child.send({
              url,
              clientId: `${run}-pub${i}-${randomBytes(2).toString('hex')}`,
              prefix: `${run}-p${i}`,
              devices: Math.ceil(devices / n),
              rate: rate / n,
              seconds,
            });
          }),
      ),
    );
    return {
      published: results.reduce((s, r) => s + r.published, 0),
      acked: results.reduce((s, r) => s + r.acked, 0),
      failed: results.reduce((s, r) => s + r.failed, 0),
      seconds: Math.max(...results.map((r) => r.seconds)),
    };
  }

  stop(): void {
    for (const child of this.children) child.kill();
  }
}

interface SensorsStatus {
  stored: number;
  duplicates: number;
  mqtt_consumer: { connected: boolean; in_flight: number };
  pending_writes: number;
}

async function status(app: Started): Promise<SensorsStatus> {
  const res = await fetch(`${app.url}/api/v1/status`, { signal: AbortSignal.timeout(10_000) });
  if (!res.ok) throw new Error(`GET /api/v1/status answered ${res.status}: ${await res.text()}`);
  const body = (await res.json()) as { modules: { sensors: SensorsStatus } };
  return body.modules.sensors;
}

/** User + system CPU time of a process so far (Linux). */
function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

function peakRssMb(pid: number): number {
  const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Math.round(Number(m[1]) / 1024) : NaN;
}

interface StepResult {
  offered: number;
  acked: number;
  stored: number;
  lost: number;
  p50: number;
  p99: number;
  cpuMicros: number;
  drainSeconds: number;
  maxBacklog: number;
}

/**
 * Offers `rate` readings/s for `seconds`, then waits (up to `drainLimitS`) until the app has stored all of them;
 * the lag figures come from the rows stored in the step.
 */
async function step(
  pool: pg.Pool,
  app: Started,
  broker: Broker,
  publishers: Publishers,
  run: string,
  rate: number,
  seconds: number,
  drainLimitS: number,
): Promise<StepResult> {
  const before = await status(app);
  const cpuBefore = cpuSeconds(app.child.pid as number);
  const from = new Date();
  let maxBacklog = 0;
  let sampling = true;
  const sampler = (async () => {
    while (sampling) {
      const s = await status(app).catch(() => undefined);
      if (s) maxBacklog = Math.max(maxBacklog, s.mqtt_consumer.in_flight + (broker.queued() ?? 0));
      await sleep(500);
    }
  })();
  let published: PublishResult;
  let stored = 0;
  let drainSeconds: number;
  try {
    published = await publishers.publish(broker.url, run, rate, seconds);
    const publishedAt = Date.now();
    while (Date.now() - publishedAt < drainLimitS * 1000) {
      stored = (await status(app)).stored - before.stored;
      if (stored >= published.acked) break;
      await sleep(200);
    }
    drainSeconds = (Date.now() - publishedAt) / 1000;
  } finally {
    sampling = false;
    await sampler;
  }
  const cpu = cpuSeconds(app.child.pid as number) - cpuBefore;
  const to = new Date();
  const [lag] = (
    await pool.query<{ p50: number; p99: number }>(
      `SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM stored_at - "timestamp") * 1000) AS p50,
              percentile_cont(0.99) WITHIN GROUP (ORDER BY extract(epoch FROM stored_at - "timestamp") * 1000) AS p99
         FROM sensor_readings WHERE "timestamp" >= $1 AND "timestamp" <= $2`,
      [from, to],
    )
  ).rows;
  return {
    offered: published.published / published.seconds,
    acked: published.acked,
    stored,
    lost: Math.max(0, published.acked - stored),
    p50: Math.round(lag.p50 ?? NaN),
    p99: Math.round(lag.p99 ?? NaN),
    cpuMicros: Math.round((cpu / Math.max(stored, 1)) * 1e6 * 10) / 10,
    drainSeconds: Math.round(drainSeconds * 10) / 10,
    maxBacklog,
  };
}

async function main(): Promise<void> {
  const { databaseUrl } = useBenchServices();
  await ensureDatabase(databaseUrl);
  migrate();
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 2 });
  await pool.query('TRUNCATE sensor_readings, sensors');
  const broker = await startBroker();
  console.log(
    `bench:ingest: ${devices} devices over ${publisherCount} publisher processes, QoS 1, broker ${broker.url} ` +
      `(${broker.own ? 'started with docker/mosquitto.conf' : 'external'}); steps ${rates.join(', ')}/s x ${stepSeconds} s`,
  );
  const ceiling = await copyCeiling(pool);
  await pool.query('TRUNCATE sensor_readings, sensors');
  const run = `bench${randomBytes(3).toString('hex')}`;
  // BENCH_NODE_ARGS, e.g. `--cpu-prof` or `--max-old-space-size=256`, applies to the app alone.
  const nodeArgs = (process.env.BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const app = await startProcess([...nodeArgs, 'dist/main.js'], {
    LOG_LEVEL: 'warn',
    // The bench polls /api/v1/status several times a second.
    THROTTLE_DEFAULT_LIMIT: '100000000',
    MQTT_URL: broker.url,
    SENSORS_MQTT_SHARE_GROUP: run,
    SENSORS_REPLICA_ID: run,
    SENSORS_MQTT_SESSION_EXPIRY_SECONDS: '600',
  });
  const appExit = new Promise<never>((_, reject) =>
    app.child.once('exit', (code, signal) =>
      reject(new Error(`the app exited during the bench (code ${code}, signal ${signal})`)),
    ),
  );
  appExit.catch(() => undefined);
  /** A step, or the app's death, whichever comes first. */
  const measure = (name: string, rate: number, seconds: number, drainLimitS: number) =>
    Promise.race([step(pool, app, broker, publishers, name, rate, seconds, drainLimitS), appExit]);
  while (!(await status(app)).mqtt_consumer.connected) await sleep(100);
  await sleep(500);
  const publishers = new Publishers(publisherCount);
  const rows: Array<Record<string, string | number>> = [];
  let best: { target: number; rate: number; result: StepResult } | undefined;
  try {
    for (const rate of rates) {
      const result = await measure(`${run}r${rate}`, rate, stepSeconds, 120);
      const sustained = result.lost === 0 && result.p99 < LAG_P99_LIMIT_MS;
      rows.push({
        'target/s': rate,
        'offered/s': Math.round(result.offered),
        stored: result.stored,
        lost: result.lost,
        'lag p50 ms': result.p50,
        'lag p99 ms': result.p99,
        'app CPU µs/reading': result.cpuMicros,
        'backlog max': result.maxBacklog,
        sustained: sustained ? 'yes' : 'no',
      });
      if (!sustained) break;
      best = { target: rate, rate: result.offered, result };
    }
    table(rows);
    console.log(`(a) COPY from Node: ${Math.round(ceiling)} rows/s`);
    console.log(
      best
        ? `ceiling: the ${best.target}/s step, ${Math.round(best.rate)} readings/s offered and sustained (every reading stored, lag p99 ${best.result.p99} ms), ` +
            `${best.result.cpuMicros} µs app CPU per reading, ${((best.rate / ceiling) * 100).toFixed(0)}% of COPY`
        : 'ceiling: below the first step',
    );
    if (overloadSeconds > 0) {
      const rate = 2 * (best?.rate ?? rates[0]);
      console.log(
        `overload: offering ${Math.round(rate)}/s (twice the ceiling) for ${overloadSeconds} s ...`,
      );
      const result = await measure(`${run}ov`, rate, overloadSeconds, 600);
      console.log(
        `overload: offered ${Math.round(result.offered)}/s, accepted by the broker ${result.acked}, stored ${result.stored} ` +
          `(drained ${result.drainSeconds} s after publishing stopped), backlog max ${result.maxBacklog} readings, ` +
          `lag p99 ${result.p99} ms, app peak RSS ${peakRssMb(app.child.pid as number)} MB, broker peak RSS ` +
          `${broker.pid ? peakRssMb(broker.pid) : '?'} MB`,
      );
      console.log(
        result.lost === 0
          ? 'verdict: every QoS 1 reading stored (late, not lost)'
          : `verdict: LOST ${result.lost} readings`,
      );
    }
  } finally {
    publishers.stop();
    await app.stop();
    await broker.stop();
    await pool.end();
  }
}

void main().then(
  () => process.exit(0),
  (e: unknown) => {
    console.error(e);
    console.log(`verdict: FAILED (${e instanceof Error ? e.message : String(e)})`);
    process.exit(1);
  },
);
