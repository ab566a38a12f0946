import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import Bull from 'bull';
import { AppProcess, startApp } from '../helpers/app-process.js';
import { closeDb, sql, truncateAll } from '../helpers/db.js';
import { flushRedis } from '../helpers/redis.js';
import { runId, sensorsEnv, waitFor } from './sensors-helpers.js';

const run = promisify(execFile);

async function seed(): Promise<void> {
  // 25 readings 40 days old, 5 from yesterday, for two sensors; one sensor silent since the old ones.
  await sql(
    `INSERT INTO sensor_readings ("timestamp", sensor_type, sensor_id, value)
     SELECT now() - make_interval(days => 40) + make_interval(secs => g), 'temperature', $1, g FROM generate_series(1, 25) g
     UNION ALL
     SELECT now() - make_interval(days => 1) + make_interval(secs => g), 'temperature', $2, g FROM generate_series(1, 5) g`,
    [`${runId}-old`, `${runId}-recent`],
  );
  await sql(
    `INSERT INTO sensors (sensor_id, sensor_type, last_timestamp, last_value, origin, source_protocol, anomaly)
     VALUES ($1, 'temperature', now() - interval '40 days', 1, 'unknown', 'mqtt', false),
            ($2, 'temperature', now() - interval '1 day', 1, 'unknown', 'mqtt', false)`,
    [`${runId}-old`, `${runId}-recent`],
  );
}

const remaining = async () =>
  (await sql<{ n: number }>(`SELECT count(*)::int AS n FROM sensor_readings`))[0].n;

beforeEach(async () => {
  await truncateAll();
  await seed();
});
afterAll(closeDb);

it('the CLI deletes readings older than SENSORS_RETENTION_DAYS in bounded batches, and is off by default', async () => {
  const off = await run(process.execPath, ['dist/cli.js', 'sensors:retention']);
  expect(off.stdout).toMatch(/Retention is off/);
  expect(await remaining()).toBe(30);
  const on = await run(process.execPath, ['dist/cli.js', 'sensors:retention'], {
    env: { ...process.env, SENSORS_RETENTION_DAYS: '30', SENSORS_RETENTION_BATCH_ROWS: '100' },
  });
  expect(on.stdout).toMatch(/Deleted 25 readings .* forgot 1 silent sensors/);
  expect(await remaining()).toBe(5);
  expect(await sql(`SELECT sensor_id FROM sensors`)).toEqual([{ sensor_id: `${runId}-recent` }]);
});

it('the queued retention job (what the daily cron enqueues) runs in the app', async () => {
  await flushRedis();
  let app: AppProcess | undefined;
  const queue = new Bull('sensors', process.env.REDIS_URL as string, { prefix: 'terrawatch' });
  try {
    app = await startApp({ ...sensorsEnv('retention'), SENSORS_RETENTION_DAYS: '7' });
    const job = await queue.add('retention', {}, { jobId: `sensors-retention-test-${runId}` });
    const result = (await job.finished()) as { deleted: number };
    expect(result.deleted).toBe(25);
    await waitFor(async () => (await remaining()) === 5, 'the old readings to go');
  } finally {
    await queue.close();
    await app?.stop();
  }
});
