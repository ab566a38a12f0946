import { Injectable } from '@nestjs/common';
import type { ClientBase } from 'pg';
import { SensorIngestService } from '../../sensors/index.js';
import type { RowProblem } from '../entities/staging-row.entity.js';
import { JobKind, RowValues, SetCheck } from './job-kind.js';
import { parseReadingTime, SENSOR_READING_COLUMNS, sensorReadingProblems } from './sensor-reading-rows.js';
import { loadInChunks, refuseRows } from './target-loader.js';

/**
 * Readings handed to `ingestMany` per call: one of Sensors' write batches (SENSORS_BATCH_MAX_ROWS, 5000 by
 * default). Three per call (its writer's concurrency) measured no faster: Sensors' statement is the cost.
 */
const LOAD_CHUNK = 5000;

const DUPLICATE_READING: SetCheck = {
  type: 'DUPLICATE_READING',
  sql: `
    SELECT s.id AS staging_id, s.row_number, 'timestamp' AS field,
           'Sensor ' || (s.data->>'sensor_id') || ' (' || (s.data->>'sensor_type') || ') at ' ||
             (s.data->>'timestamp') || ' also appears on row ' || d.first_row AS message,
           s.data->>'timestamp' AS value
    FROM staging s
    JOIN (
      SELECT data->>'sensor_id' AS sensor_id, lower(data->>'sensor_type') AS sensor_type,
             data->>'timestamp' AS ts, min(row_number) AS first_row
      FROM staging
      WHERE job_id = $1 AND status IN ('READY', 'ISSUE') AND data->>'timestamp' IS NOT NULL
      GROUP BY 1, 2, 3
      HAVING count(*) > 1
    ) d ON s.data->>'sensor_id' = d.sensor_id AND lower(s.data->>'sensor_type') = d.sensor_type
       AND s.data->>'timestamp' = d.ts
    WHERE s.job_id = $1 AND s.status IN ('READY', 'ISSUE') AND s.row_number > d.first_row`,
};

/**
 * `sensor_readings`: timestamped sensor values, loaded through the Sensors module (`SensorIngestService.ingestMany`),
 * so a bulk load gets the same validation, anomaly verdicts and live events as MQTT. Sensors keeps one reading per
 * (sensor, type, timestamp): a reading loaded again (a repeated file, a load repeated after a crash) is a
 * harmless duplicate. A reviewer may accept a repeat within the file (the first row is stored, the others are
 * duplicates); every other issue needs a correction or a discard.
 */
@Injectable()
export class SensorReadingsKind implements JobKind {
  static readonly kindName = 'sensor_readings';
  readonly name = SensorReadingsKind.kindName;
  readonly description =
    'Sensor readings: timestamp, sensor_type, sensor_id, value, unit, origin, source_protocol (loaded through Sensors)';
  readonly columns = SENSOR_READING_COLUMNS;
  readonly issueTypes = [
    'MALFORMED_RECORD',
    'MISSING_REQUIRED_FIELD',
    'INVALID_TIMESTAMP',
    'TIMESTAMP_OUT_OF_RANGE',
    'INVALID_NUMBER',
    'INVALID_NAME',
    'INVALID_UNIT',
    'UNKNOWN_ORIGIN',
    'UNKNOWN_PROTOCOL',
    'DUPLICATE_READING',
    'REFUSED_BY_TARGET',
  ];
  readonly acceptableIssues = ['DUPLICATE_READING'];
  readonly setChecks = [DUPLICATE_READING];

  constructor(private readonly sensors: SensorIngestService) {}

  validateRow(row: RowValues): RowProblem[] {
    return sensorReadingProblems(row);
  }

  /**
   * Sensors' writes cannot join `tx`: the rows go to `ingestMany` in file order (the order its jump detection
   * expects), chunk by chunk, and are marked SUCCESS on `tx`. After a crash the whole load is repeated and the
   * readings already stored come back as duplicates, so stored and duplicate readings both count as this file's
   * readings in Sensors, less the accepted repeats within the file (one reading for several rows).
   */
  async load(tx: ClientBase, jobId: string): Promise<number> {
    const sensors = this.sensors;
    const inSensors = await loadInChunks(tx, jobId, LOAD_CHUNK, async (rows) => {
      const results = await sensors.ingestMany(
        rows.map((r) => this.payload(r.data)),
        'http',
      );
      const refused = results
        // A reading PostgreSQL refused is set aside by Sensors, not stored: this row failed too.
        .filter((r) => r.status === 'invalid' || r.status === 'set_aside')
        .map((r) => ({ stagingId: rows[r.index].id, rowNumber: rows[r.index].rowNumber, reason: r.reason }));
      await refuseRows(tx, jobId, refused);
      return results.length - refused.length;
    });
    const { rows } = await tx.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM job_issues i JOIN staging s ON s.id = i.staging_id
       WHERE i.job_id = $1 AND i.type = 'DUPLICATE_READING' AND i.resolution = 'RESOLVED' AND s.status = 'SUCCESS'`,
      [jobId],
    );
    return inSensors - rows[0].n;
  }

  private payload(row: RowValues): Record<string, unknown> {
    const ts = parseReadingTime(row.timestamp ?? '');
    return {
      ts: ts instanceof Date ? ts.toISOString() : row.timestamp,
      type: row.sensor_type,
      sensor_id: row.sensor_id,
      value: Number(row.value),
      ...(row.unit !== null && { unit: row.unit }),
      ...(row.origin !== null && { origin: row.origin.toLowerCase() }),
      ...(row.source_protocol !== null && { source_protocol: row.source_protocol.toLowerCase() }),
    };
  }
}
