import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { migrate, startProcess, table } from './lib.js';
import { ensureDatabase, percentile, useBenchServices } from './sensors-lib.js';

/**
 * `npm run bench:history`: `GET /sensors/history` through the API over BENCH_HISTORY_ROWS readings (default 50M) of
 * 1,000 sensors spread over 30 days (one reading every ~52 s per sensor at 50M): `bucket=1h` over 30 days and
 * `bucket=1m` over 24 h for random sensors, p50/p99 of sequential requests. Beside it, for reference, the same
 * buckets computed from the raw rows by SQL (what the endpoint did before the rollups).
 *
 * The data is generated server-side (INSERT ... SELECT generate_series, routed into the daily partitions) with a
 * small `raw` payload (`{}`: disk), and the rollups are built by one INSERT ... SELECT ... GROUP BY each (not by the
 * ingest statement, which maintains them in production). A rerun reuses the data when its row count matches.
 * Own database `bench_history`, Redis db 11.
 */
const rows = Number(process.env.BENCH_HISTORY_ROWS ?? 50_000_000);
const requests = Number(process.env.BENCH_HISTORY_REQUESTS ?? 200);
const SENSORS = 1000;
const DAYS = 30;

async function generate(db: pg.Client): Promise<Date> {
  const perSensor = Math.floor(rows / SENSORS);
  const stepSeconds = (DAYS * 86400) / perSensor;
  const have = await db.query<{ n: string | null; end: Date | null }>(
    `SELECT sum(count)::bigint AS n, max(bucket_start) + interval '1 hour' AS end FROM sensor_readings_1h
      WHERE sensor_id LIKE 'hist-%'`,
  );
  if (Number(have.rows[0].n) === perSensor * SENSORS && have.rows[0].end) {
    console.log(`Reusing ${have.rows[0].n} readings already in bench_history`);
    return have.rows[0].end;
  }
  console.log(
    `Generating ${perSensor * SENSORS} readings (${SENSORS} sensors, one every ${stepSeconds.toFixed(1)} s)`,
  );
  await db.query('TRUNCATE sensor_readings, sensor_readings_1m, sensor_readings_1h, sensors');
  await db.query(`SET synchronous_commit = off`);
  const end = new Date(Math.floor(Date.now() / 3600_000) * 3600_000);
  const start = new Date(end.getTime() - DAYS * 86400_000);
  await db.query(
    `SELECT sensor_readings_add_partition(d::date) FROM generate_series($1::timestamptz, $2::timestamptz, interval '1 day') d`,
    [start, end],
  );
  const started = Date.now();
  const chunk = Math.ceil(perSensor / 60);
  for (let k0 = 0; k0 < perSensor; k0 += chunk) {
    const k1 = Math.min(perSensor, k0 + chunk) - 1;
    // Reading k of sensor s: start + k steps, sensors spread over one step; a daily wave plus noise.
    await db.query(
      `INSERT INTO sensor_readings ("timestamp", sensor_type, sensor_id, value, unit, origin, source_protocol)
       SELECT $1::timestamptz + make_interval(secs => (k + s / ${SENSORS}.0) * $4),
              'temperature', 'hist-' || s, round((15 + s % 10 + 5 * sin(k * $4 / 13751.0) + random())::numeric, 2),
              '°C', 'edge', 'mqtt'
         FROM generate_series($2::int, $3::int) k, generate_series(0, ${SENSORS - 1}) s`,
      [start, k0, k1, stepSeconds],
    );
    process.stdout.write(
      `\r  ${Math.round(((k1 + 1) / perSensor) * 100)}% (${Math.round((Date.now() - started) / 1000)} s)`,
    );
  }
  console.log('');
  await db.query(`INSERT INTO sensor_readings_1m (sensor_id, sensor_type, bucket_start, count, sum, min, max)
    SELECT sensor_id, sensor_type, date_bin('1 minute', "timestamp", TIMESTAMPTZ '2000-01-01 00:00:00+00'),
           count(*), sum(value), min(value), max(value)
      FROM sensor_readings GROUP BY 1, 2, 3`);
  await db.query(`INSERT INTO sensor_readings_1h (sensor_id, sensor_type, bucket_start, count, sum, min, max)
    SELECT sensor_id, sensor_type, date_bin('1 hour', bucket_start, TIMESTAMPTZ '2000-01-01 00:00:00+00'),
           sum(count), sum(sum), min(min), max(max)
      FROM sensor_readings_1m GROUP BY 1, 2, 3`);
  await db.query(
    `INSERT INTO sensors (sensor_id, sensor_type, last_timestamp, last_value, unit, origin, source_protocol, anomaly)
    SELECT 'hist-' || s, 'temperature', $1, 20, '°C', 'edge', 'mqtt', false FROM generate_series(0, ${SENSORS - 1}) s`,
    [end],
  );
  await db.query('VACUUM ANALYZE sensor_readings, sensor_readings_1m, sensor_readings_1h, sensors');
  console.log(`Generated in ${Math.round((Date.now() - started) / 1000)} s`);
  return end;
}

async function main(): Promise<void> {
  process.env.BENCH_DATABASE_URL ??= 'postgres://postgres@127.0.0.1:5432/bench_history';
  process.env.BENCH_REDIS_URL ??= 'redis://127.0.0.1:6379/11';
  const { databaseUrl } = useBenchServices();
  await ensureDatabase(databaseUrl);
  migrate();
  const db = new pg.Client({ connectionString: databaseUrl });
  await db.connect();
  const end = await generate(db);
  const size = await db.query<{ raw: string; m1: string; h1: string }>(
    `SELECT pg_size_pretty(pg_total_relation_size('sensor_readings_default') + (SELECT sum(pg_total_relation_size(inhrelid))
              FROM pg_inherits WHERE inhparent = 'sensor_readings'::regclass)) AS raw,
            pg_size_pretty(pg_total_relation_size('sensor_readings_1m')) AS m1,
            pg_size_pretty(pg_total_relation_size('sensor_readings_1h')) AS h1`,
  );

  const run = `hist${randomBytes(3).toString('hex')}`;
  const app = await startProcess(['dist/main.js'], {
    LOG_LEVEL: 'warn',
    THROTTLE_DEFAULT_LIMIT: '100000000',
    THROTTLE_LOGIN_LIMIT: '1000',
    THROTTLE_REGISTER_LIMIT: '1000',
    SENSORS_DEMO_SIMULATION: 'false',
  });
  const results: Array<Record<string, string | number>> = [];
  try {
    const password = 'bench-password-1';
    await fetch(`${app.url}/api/v1/auth/register`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ email: `${run}@example.org`, username: run, password }),
    });
    const { access_token: token } = (await (
      await fetch(`${app.url}/api/v1/auth/login`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ email: `${run}@example.org`, password }),
      })
    ).json()) as { access_token: string };

    // The floor under the same load: an authenticated request that reads one registry row.
    const floor: number[] = [];
    for (let i = 0; i < requests + 10; i++) {
      const t0 = performance.now();
      const res = await fetch(`${app.url}/api/v1/sensors/latest?limit=1`, {
        headers: { Authorization: `Bearer ${token}` },
      });
      await res.json();
      if (i >= 10) floor.push(performance.now() - t0);
    }
    floor.sort((a, b) => a - b);
    results.push({
      query: 'API /sensors/latest?limit=1 (floor: HTTP + auth)',
      requests,
      points: 1,
      p50_ms: +percentile(floor, 50).toFixed(1),
      p99_ms: +percentile(floor, 99).toFixed(1),
    });

    // A window ending a few seconds before the data's end, unaligned, as a client's "now" would be.
    const to = new Date(end.getTime() - 7_321);
    const scenarios = [
      { name: 'bucket=1h over 30 days', bucket: '1h', hours: 24 * DAYS, interval: '1 hour' },
      { name: 'bucket=1m over 24 h', bucket: '1m', hours: 24, interval: '1 minute' },
    ];
    for (const s of scenarios) {
      const from = new Date(to.getTime() - s.hours * 3600_000);
      const timings: number[] = [];
      let points = 0;
      for (let i = 0; i < requests + 10; i++) {
        const sensor = `hist-${Math.floor(Math.random() * SENSORS)}`;
        const t0 = performance.now();
        const res = await fetch(
          `${app.url}/api/v1/sensors/history?sensor_id=${sensor}&bucket=${s.bucket}&from=${from.toISOString()}&to=${to.toISOString()}&limit=10000`,
          { headers: { Authorization: `Bearer ${token}` } },
        );
        const body = (await res.json()) as { points?: unknown[] };
        if (!res.ok) throw new Error(`history answered ${res.status}: ${JSON.stringify(body)}`);
        if (i >= 10) timings.push(performance.now() - t0); // the first ten warm up
        points = body.points?.length ?? 0;
      }
      timings.sort((a, b) => a - b);
      results.push({
        query: `API ${s.name} (rollups)`,
        requests,
        points,
        p50_ms: +percentile(timings, 50).toFixed(1),
        p99_ms: +percentile(timings, 99).toFixed(1),
      });
      // For reference: the same buckets from the raw rows, straight in SQL (no HTTP), a few times.
      const raw: number[] = [];
      for (let i = 0; i < 20; i++) {
        const t0 = performance.now();
        await db.query(
          `SELECT date_bin($4::interval, "timestamp", TIMESTAMPTZ '2000-01-01 00:00:00+00') AS b, sensor_type,
                  avg(value), min(value), max(value), count(*)
             FROM sensor_readings WHERE sensor_id = $1 AND "timestamp" >= $2 AND "timestamp" < $3
            GROUP BY 1, 2 ORDER BY 1, 2`,
          [`hist-${Math.floor(Math.random() * SENSORS)}`, from, to, s.interval],
        );
        raw.push(performance.now() - t0);
      }
      raw.sort((a, b) => a - b);
      results.push({
        query: `SQL ${s.name} from raw rows (before)`,
        requests: raw.length,
        points: '',
        p50_ms: +percentile(raw, 50).toFixed(1),
        p99_ms: +percentile(raw, 99).toFixed(1),
      });
    }
  } finally {
    await app.stop();
    await db.end();
  }
  console.log(
    `${rows.toLocaleString('en')} readings of ${SENSORS} sensors over ${DAYS} days; raw ${size.rows[0].raw}, ` +
      `1m rollup ${size.rows[0].m1}, 1h rollup ${size.rows[0].h1}. Goal: API p50 < 50 ms.`,
  );
  table(results);
}

void main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
