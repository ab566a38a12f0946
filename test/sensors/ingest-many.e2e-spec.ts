import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { closeDb, sql, truncateAll } from '../helpers/db.js';
import { runId } from './sensors-helpers.js';

/**
 * The entry point other modules (the Jobs module's bulk loader) call, `SensorIngestService.ingestMany`, run in a
 * Nest application context of the built code (Nest is ESM-only, so not inside Jest), against the real database.
 */
async function ingestMany(payloads: unknown[]): Promise<unknown> {
  const dist = (path: string) => pathToFileURL(resolve(process.cwd(), 'dist/src', path)).href;
  const script = `
    import 'reflect-metadata';
    import { NestFactory } from '@nestjs/core';
    const { CoreModule } = await import(${JSON.stringify(dist('core.module.js'))});
    const { SensorsCoreModule } = await import(${JSON.stringify(dist('sensors/sensors-core.module.js'))});
    const { SensorIngestService } = await import(${JSON.stringify(dist('sensors/index.js'))});
    const { Module } = await import('@nestjs/common');
    class Host {}
    Module({ imports: [CoreModule, SensorsCoreModule] })(Host);
    const app = await NestFactory.createApplicationContext(Host, { logger: ['error'] });
    const results = await app.get(SensorIngestService).ingestMany(JSON.parse(process.argv[1]), 'http');
    await app.close();
    console.log(JSON.stringify(results));
    process.exit(0);`;
  const { stdout } = await promisify(execFile)(
    process.execPath,
    ['--input-type=module', '-e', script, JSON.stringify(payloads)],
    { env: { ...process.env, SENSORS_MQTT_ENABLED: 'false', LOG_LEVEL: 'error' }, timeout: 30_000 },
  );
  return JSON.parse(stdout.trim().split('\n').pop() as string);
}

beforeAll(truncateAll);
afterAll(closeDb);

it('stores the valid items, reports the invalid ones with their reason and the duplicates, in order', async () => {
  const id = `${runId}-bulk`;
  const ts = (s: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, s)).toISOString();
  const results = await ingestMany([
    { sensor_id: id, type: 'temperature', value: 21, ts: ts(1) },
    { sensor_id: id, type: 'temperature', value: 'warm', ts: ts(2) },
    { sensor_id: id, type: 'temperature', value: 40, ts: ts(3) },
    { sensor_id: id, type: 'temperature', value: 21, ts: ts(1) },
  ]);
  expect(results).toEqual([
    { index: 0, status: 'stored', anomaly: false },
    { index: 1, status: 'invalid', reason: 'value must be a finite number' },
    { index: 2, status: 'stored', anomaly: true },
    { index: 3, status: 'duplicate' },
  ]);
  const rows = await sql<{ value: number; anomaly: boolean; source_protocol: string }>(
    `SELECT value, anomaly, source_protocol FROM sensor_readings WHERE sensor_id = $1 ORDER BY "timestamp"`,
    [id],
  );
  expect(rows).toEqual([
    { value: 21, anomaly: false, source_protocol: 'http' },
    { value: 40, anomaly: true, source_protocol: 'http' },
  ]);
});
