import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import request from 'supertest';
import { AppProcess, startApp } from '../helpers/app-process.js';
import { closeDb, sql, truncateAll } from '../helpers/db.js';
import { migrate, revertThrough } from '../helpers/migrations.js';
import { flushRedis } from '../helpers/redis.js';
import { signedIn } from '../helpers/users.js';
import { publisher, runId, sensorsEnv, waitFor } from './sensors-helpers.js';

const run = promisify(execFile);
const DAY = 86400_000;
const partitionOf = (day: Date) => `sensor_readings_p${day.toISOString().slice(0, 10).replaceAll('-', '')}`;
const utcMidnight = (t: number) => new Date(Math.floor(t / DAY) * DAY);

/** Where each of the sensor's rows is stored, and how many. */
const placement = (sensorId: string) =>
  sql<{ part: string; n: number }>(
    `SELECT tableoid::regclass::text AS part, count(*)::int AS n FROM sensor_readings WHERE sensor_id = $1
      GROUP BY 1 ORDER BY 1`,
    [sensorId],
  );

let app: AppProcess;
let auth: { Authorization: string };

beforeAll(async () => {
  await truncateAll();
  await flushRedis();
  app = await startApp(sensorsEnv('storage'));
  const { token } = await signedIn(app.url, { groups: ['ingest'] });
  auth = { Authorization: `Bearer ${token}` };
});
afterAll(async () => {
  await app?.stop();
  await closeDb();
});

it('creates the days around today at start-up; rows land in their day, far-off ones in DEFAULT', async () => {
  const today = utcMidnight(Date.now());
  const parts = (
    await sql<{ name: string }>(
      `SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
        WHERE i.inhparent = 'sensor_readings'::regclass`,
    )
  ).map((r) => r.name);
  for (let d = -1; d <= 7; d++) expect(parts).toContain(partitionOf(new Date(today.getTime() + d * DAY)));
  expect(parts).toContain('sensor_readings_default');

  const id = `${runId}-place`;
  const mqtt = await publisher();
  const now = Date.now();
  const farPast = Date.UTC(2001, 0, 1, 12);
  for (const ts of [now - 1000, now, farPast])
    await mqtt.publishAsync(`sensors/temperature/${id}`, JSON.stringify({ value: 20, timestamp: ts }), {
      qos: 1,
    });
  await mqtt.endAsync();
  await waitFor(
    async () => (await placement(id)).reduce((n, p) => n + p.n, 0) === 3,
    'three stored readings',
  );
  const expected = [
    { part: partitionOf(today), n: 2 },
    { part: 'sensor_readings_default', n: 1 },
  ].sort((a, b) => (a.part < b.part ? -1 : 1));
  expect(await placement(id)).toEqual(expected);
});

it('counts a redelivered reading once in the rollups, and bucket=1h equals the raw rows aggregated', async () => {
  const id = `${runId}-roll`;
  const base = Date.now() - 3 * 3600_000 - 17_000; // three hours back, not on a minute boundary
  const payloads = Array.from({ length: 30 }, (_, i) => ({
    sensor_id: id,
    type: 'temperature',
    value: 10 + ((i * 7) % 13) + i / 10,
    timestamp: new Date(base + i * 6 * 60_000).toISOString(), // every 6 minutes, over 3 hours
  }));
  // Twice each, in two requests: the second is all duplicates.
  const first = await request(app.url).post('/api/v1/sensors/readings').set(auth).send(payloads).expect(201);
  expect(first.body).toMatchObject({ accepted: 30, duplicates: 0 });
  const again = await request(app.url).post('/api/v1/sensors/readings').set(auth).send(payloads).expect(201);
  expect(again.body).toMatchObject({ accepted: 0, duplicates: 30 });
  await waitFor(
    async () => (await sql(`SELECT 1 FROM sensor_readings WHERE sensor_id = $1`, [id])).length === 30,
    'thirty stored readings',
  );
  const [rollups] = await sql<{ m1: number; h1: number }>(
    `SELECT (SELECT sum(count)::int FROM sensor_readings_1m WHERE sensor_id = $1) AS m1,
            (SELECT sum(count)::int FROM sensor_readings_1h WHERE sensor_id = $1) AS h1`,
    [id],
  );
  expect(rollups).toEqual({ m1: 30, h1: 30 });

  // A window that cuts minutes and hours at both ends: the answer must be exactly the raw rows' buckets.
  const from = new Date(base + 5 * 60_000 + 3_000).toISOString();
  const to = new Date(base + 170 * 60_000 + 41_000).toISOString();
  for (const bucket of ['1h', '15m', '1m', '1d']) {
    const res = await request(app.url)
      .get(`/api/v1/sensors/history?sensor_id=${id}&from=${from}&to=${to}&bucket=${bucket}`)
      .set(auth)
      .expect(200);
    const interval = { '1h': '1 hour', '15m': '15 minutes', '1m': '1 minute', '1d': '1 day' }[bucket];
    const raw = await sql<{ bucket_start: string; avg: number; min: number; max: number; count: number }>(
      `SELECT to_char(date_bin($4::interval, "timestamp", TIMESTAMPTZ '2000-01-01 00:00:00+00') AT TIME ZONE 'UTC',
                      'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS bucket_start,
              avg(value) AS avg, min(value) AS min, max(value) AS max, count(*)::int AS count
         FROM sensor_readings WHERE sensor_id = $1 AND "timestamp" >= $2 AND "timestamp" < $3
        GROUP BY 1 ORDER BY 1`,
      [id, from, to, interval],
    );
    expect(raw.length).toBeGreaterThan(0);
    expect(res.body.points).toHaveLength(raw.length);
    res.body.points.forEach(
      (p: { bucket_start: string; avg: number; min: number; max: number; count: number }, i: number) => {
        expect(p).toMatchObject({
          bucket_start: raw[i].bucket_start,
          sensor_type: 'temperature',
          min: raw[i].min,
          max: raw[i].max,
          count: raw[i].count,
        });
        expect(p.avg).toBeCloseTo(raw[i].avg, 9);
      },
    );
  }
});

it('a new day partition takes its rows out of DEFAULT; retention drops old partitions and keeps new rows', async () => {
  const id = `${runId}-ret`;
  const today = utcMidnight(Date.now());
  const old = new Date(today.getTime() - 40 * DAY);
  // A partition 40 days back, made by the same function the retention job uses, after rows of that day landed in
  // DEFAULT: they move into it.
  await sql(
    `INSERT INTO sensor_readings ("timestamp", sensor_type, sensor_id, value)
     SELECT $2::timestamptz + make_interval(mins => g), 'temperature', $1, g FROM generate_series(1, 10) g`,
    [id, old],
  );
  expect(await placement(id)).toEqual([{ part: 'sensor_readings_default', n: 10 }]);
  await sql(`SELECT sensor_readings_add_partition($1::date)`, [old.toISOString().slice(0, 10)]);
  expect(await placement(id)).toEqual([{ part: partitionOf(old), n: 10 }]);
  await sql(
    `INSERT INTO sensor_readings ("timestamp", sensor_type, sensor_id, value)
     SELECT now() - make_interval(mins => g), 'temperature', $1, g FROM generate_series(1, 4) g`,
    [id],
  );
  await sql(
    `INSERT INTO sensor_readings_1m (sensor_id, sensor_type, bucket_start, count, sum, min, max)
     VALUES ($1, 'temperature', $2, 1, 1, 1, 1), ($1, 'temperature', date_trunc('minute', now()), 1, 1, 1, 1)`,
    [id, old],
  );

  // Every day partition older than the cutoff goes (the database may hold earlier runs' empty ones too).
  const cutoffDay = new Date(today.getTime() - 30 * DAY).toISOString().slice(0, 10).replace(/-/g, '');
  const [{ n: oldPartitions }] = await sql<{ n: number }>(
    `SELECT count(*)::int AS n FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
      WHERE i.inhparent = 'sensor_readings'::regclass AND c.relname ~ '^sensor_readings_p[0-9]{8}$'
        AND substring(c.relname from 18) < $1`,
    [cutoffDay],
  );
  expect(oldPartitions).toBeGreaterThanOrEqual(1);
  // Two runs at once (two replicas): they take turns, the second finds nothing left.
  const env = { ...process.env, SENSORS_RETENTION_DAYS: '30' };
  const [a, b] = await Promise.all([
    run(process.execPath, ['dist/cli.js', 'sensors:retention'], { env }),
    run(process.execPath, ['dist/cli.js', 'sensors:retention'], { env }),
  ]);
  const dropped = [a.stdout, b.stdout].map((out) => Number(/dropped (\d+) partitions/.exec(out)?.[1]));
  expect(dropped.sort((x, y) => x - y)).toEqual([0, oldPartitions]);
  expect(await sql(`SELECT 1 FROM pg_class WHERE relname = $1`, [partitionOf(old)])).toEqual([]);
  expect((await placement(id)).reduce((n, p) => n + p.n, 0)).toBe(4);
  expect(await sql(`SELECT count(*)::int AS n FROM sensor_readings_1m WHERE sensor_id = $1`, [id])).toEqual([
    { n: 1 },
  ]);
});

it('the migration down and up again keeps every row (and rebuilds the rollups)', async () => {
  const id = `${runId}-mig`;
  await sql(
    `INSERT INTO sensor_readings ("timestamp", sensor_type, sensor_id, value)
     SELECT now() - make_interval(mins => g * 7), 'temperature', $1, g FROM generate_series(1, 500) g
     UNION ALL SELECT TIMESTAMPTZ '2002-02-02 02:02:02+00', 'temperature', $1, 0.5`,
    [id],
  );
  const before = await sql(`SELECT count(*)::int AS n, sum(value) AS s FROM sensor_readings`);
  await app.stop();
  await revertThrough('SensorsStorage1700000007000');
  expect(await sql(`SELECT relkind FROM pg_class WHERE relname = 'sensor_readings'`)).toEqual([
    { relkind: 'r' },
  ]);
  expect(await sql(`SELECT count(*)::int AS n, sum(value) AS s FROM sensor_readings`)).toEqual(before);
  await migrate();
  expect(await sql(`SELECT relkind FROM pg_class WHERE relname = 'sensor_readings'`)).toEqual([
    { relkind: 'p' },
  ]);
  expect(await sql(`SELECT count(*)::int AS n, sum(value) AS s FROM sensor_readings`)).toEqual(before);
  expect(await sql(`SELECT sum(count)::int AS n FROM sensor_readings_1h WHERE sensor_id = $1`, [id])).toEqual(
    [{ n: 501 }],
  );
  app = await startApp(sensorsEnv('storage'));
});
