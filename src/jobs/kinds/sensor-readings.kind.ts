import { Injectable, Optional } from '@nestjs/common';
import type { ClientBase } from 'pg';
import { NAME_PATTERN, ORIGINS, SOURCE_PROTOCOLS } from '../../sensors/reading.js';
import { SensorIngestService } from '../../sensors/sensor-ingest.service.js';
import type { RowProblem } from '../entities/staging-row.entity.js';
import { JobKind, missingRequired, RowValues, SetCheck } from './job-kind.js';
import { loadInChunks, refuseRows } from './target-loader.js';

const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const MAX_FUTURE_MS = 24 * 3600_000;
const MAX_UNIT_CHARS = 32;

/** Readings handed to `ingestMany` per call. */
const LOAD_CHUNK = 5000;

/**
 * A CSV timestamp as Sensors reads one: epoch seconds or milliseconds, or an ISO 8601 date-time (a date-time
 * without a zone is taken as UTC). Returns the reason when it is not one.
 */
export function parseReadingTime(text: string): Date | string {
  let date: Date;
  if (NUMBER.test(text)) {
    const n = Number(text);
    // Below 1e11 an epoch can only be seconds (1e11 ms is 1973, 1e11 s is year 5138).
    date = new Date(n < 1e11 ? n * 1000 : n);
  } else if (/^\d{4}-\d{2}-\d{2}/.test(text)) {
    const iso = text.replace(' ', 'T');
    const zoned = /T.*([zZ]|[+-]\d{2}:?\d{2})$/.test(iso) || !iso.includes('T');
    date = new Date(zoned ? iso : `${iso}Z`);
  } else {
    return 'must be epoch seconds, epoch milliseconds or an ISO 8601 date-time';
  }
  return Number.isNaN(date.getTime()) ? 'is not a valid date' : date;
}

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
  readonly columns = [
    {
      name: 'timestamp',
      aliases: ['ts', 'time', 'datetime', 'date_time', 'reading_time', 'measured_at'],
      required: true,
      description: 'Epoch seconds or milliseconds, or ISO 8601 (UTC when no zone is given)',
    },
    {
      name: 'sensor_type',
      aliases: ['type', 'sensortype', 'measurement', 'metric'],
      required: true,
      description: 'e.g. temperature, humidity (1-100 letters, digits or . _ : -)',
    },
    {
      name: 'sensor_id',
      aliases: ['sensor', 'sensorid', 'device', 'device_id', 'deviceid'],
      required: true,
      description: 'Sensor identifier (1-100 letters, digits or . _ : -)',
    },
    {
      name: 'value',
      aliases: ['reading', 'val', 'measurement_value'],
      required: true,
      description: 'A finite number',
    },
    { name: 'unit', aliases: ['units', 'uom'], required: false, description: 'At most 32 characters' },
    {
      name: 'origin',
      aliases: ['tier', 'layer'],
      required: false,
      description: `${ORIGINS.join(', ')} (default unknown)`,
    },
    {
      name: 'source_protocol',
      aliases: ['protocol', 'sourceprotocol'],
      required: false,
      description: `${SOURCE_PROTOCOLS.join(', ')} (default http)`,
    },
  ] as const;
  readonly issueTypes = [
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

  /** Absent in the CLI, which uploads and lists jobs but never loads one. */
  constructor(@Optional() private readonly sensors?: SensorIngestService) {}

  validateRow(row: RowValues): RowProblem[] {
    const problems = missingRequired(this, row);
    const problem = (type: string, field: string, message: string) =>
      problems.push({ type, field, message: `${field} ${message}`, value: row[field] });
    const ts = row.timestamp;
    if (ts !== null) {
      const date = parseReadingTime(ts);
      if (typeof date === 'string') problem('INVALID_TIMESTAMP', 'timestamp', date);
      else if (date.getUTCFullYear() < 2000) problem('TIMESTAMP_OUT_OF_RANGE', 'timestamp', 'is before 2000');
      else if (date.getTime() - Date.now() > MAX_FUTURE_MS)
        problem('TIMESTAMP_OUT_OF_RANGE', 'timestamp', 'is more than a day in the future');
    }
    for (const field of ['sensor_type', 'sensor_id']) {
      const name = row[field];
      if (name !== null && !NAME_PATTERN.test(name))
        problem('INVALID_NAME', field, 'must be 1-100 letters, digits or . _ : -');
    }
    if (row.value !== null && !(NUMBER.test(row.value) && Number.isFinite(Number(row.value))))
      problem('INVALID_NUMBER', 'value', 'must be a finite number');
    if (row.unit !== null && row.unit.length > MAX_UNIT_CHARS)
      problem('INVALID_UNIT', 'unit', `must be at most ${MAX_UNIT_CHARS} characters`);
    if (row.origin !== null && !(ORIGINS as readonly string[]).includes(row.origin.toLowerCase()))
      problem('UNKNOWN_ORIGIN', 'origin', `must be one of ${ORIGINS.join(', ')}`);
    if (
      row.source_protocol !== null &&
      !(SOURCE_PROTOCOLS as readonly string[]).includes(row.source_protocol.toLowerCase())
    )
      problem('UNKNOWN_PROTOCOL', 'source_protocol', `must be one of ${SOURCE_PROTOCOLS.join(', ')}`);
    return problems;
  }

  /**
   * Sensors' writes cannot join `tx`: the rows go to `ingestMany` in file order (the order its jump detection
   * expects), chunk by chunk, and are marked SUCCESS on `tx`. After a crash the whole load is repeated and the
   * readings already stored come back as duplicates. Counts stored and duplicate readings alike: after a repeat,
   * both are rows of this file in Sensors.
   */
  async load(tx: ClientBase, jobId: string): Promise<number> {
    const sensors = this.sensors;
    if (!sensors) throw new Error('sensor_readings jobs load in the app, where Sensors is loaded');
    return loadInChunks(tx, jobId, LOAD_CHUNK, async (rows) => {
      const results = await sensors.ingestMany(
        rows.map((r) => this.payload(r.data)),
        'http',
      );
      const refused = results
        .filter((r) => r.status === 'invalid')
        .map((r) => ({ stagingId: rows[r.index].id, rowNumber: rows[r.index].rowNumber, reason: r.reason }));
      await refuseRows(tx, jobId, refused);
      return results.length - refused.length;
    });
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
