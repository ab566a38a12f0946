/**
 * Not a `bench:*` script: the cost of one `ReadingsRepository.insertBatch` statement, 5000-row batches of 1,000
 * sensors on one connection, rows/s and CPU per row of the database backend and of this process. It TRUNCATEs the
 * readings of DATABASE_URL, so it refuses a database whose name lacks "test" or "bench".
 * `DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_sensors node dist/bench/write-cost.js`
 */
import { readFileSync } from 'node:fs';
import { DataSource } from 'typeorm';
import { databaseOptions } from '../src/database/database.options.js';
import { ReadingsRepository } from '../src/sensors/repositories/readings.repository.js';
import type { JudgedReading } from '../src/sensors/reading-writer.js';

async function backendCpuMs(ds: DataSource): Promise<number> {
  const pids = (await ds.query(
    `SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'terrawatch'`,
  )) as Array<{ pid: number }>;
  let ticks = 0;
  for (const { pid } of pids) {
    try {
      const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
      ticks += Number(f[11]) + Number(f[12]);
    } catch {
      /* gone */
    }
  }
  return ticks * 10;
}

async function main(): Promise<void> {
  const name = new URL(process.env.DATABASE_URL as string).pathname;
  if (!/test|bench/.test(name)) throw new Error(`Refusing to truncate the readings of ${name}`);
  const ds = await new DataSource(databaseOptions(process.env.DATABASE_URL as string, 4)).initialize();
  await ds.query('TRUNCATE sensor_readings, sensors');
  await ds.query(
    `DO $$ BEGIN EXECUTE 'TRUNCATE sensor_readings_1m, sensor_readings_1h'; EXCEPTION WHEN undefined_table THEN NULL; END $$`,
  );
  const repo = new ReadingsRepository(ds);
  const batches = Number(process.env.BATCHES ?? 60);
  const sensors = 1000;
  const base = Date.now() - 3600_000;
  let t = 0;
  const batch = (): JudgedReading[] =>
    Array.from({ length: 5000 }, () => {
      const n = t++;
      const value = 20 + (n % 7);
      return {
        reading: {
          timestamp: new Date(base + Math.floor(n / sensors) * 200),
          sensorType: 'temperature',
          sensorId: `s-${n % sensors}`,
          value,
          unit: '°C',
          origin: 'edge',
          sourceProtocol: 'mqtt',
          reportedAnomaly: null,
          raw: {},
          rawJson: `{"value":${value},"unit":"°C"}`,
        },
        verdict: { anomaly: false, message: null },
      } as unknown as JudgedReading;
    });
  await repo.insertBatch(batch()); // warm-up (connection, plans)
  const cpu0 = await backendCpuMs(ds);
  const started = performance.now();
  const app0 = process.cpuUsage();
  let stored = 0;
  const count = (result: Set<string> | 'all') => (result === 'all' ? 5000 : result.size);
  for (let b = 0; b < batches; b++) stored += count(await repo.insertBatch(batch()));
  const ms = performance.now() - started;
  const app = process.cpuUsage(app0);
  const cpu = (await backendCpuMs(ds)) - cpu0;
  const rows = batches * 5000;
  console.log(
    JSON.stringify({
      rows,
      stored,
      seconds: +(ms / 1000).toFixed(2),
      rowsPerSecond: Math.round(rows / (ms / 1000)),
      dbCpuUsPerRow: +((cpu * 1000) / rows).toFixed(1),
      appCpuUsPerRow: +((app.user + app.system) / rows).toFixed(1),
    }),
  );
  // Redelivery: the same batch again, all duplicates.
  t = 0;
  const dupStart = performance.now();
  const dup = await repo.insertBatch(batch());
  console.log(
    JSON.stringify({
      duplicateBatchMs: Math.round(performance.now() - dupStart),
      newInDuplicateBatch: count(dup),
    }),
  );
  await ds.destroy();
}

void main();
