import { NAME_PATTERN, ORIGINS, SOURCE_PROTOCOLS } from '../../sensors/reading.js';
import type { RowProblem } from '../entities/staging-row.entity.js';
import { missingRequired, RowValues } from './job-kind.js';

/** The rows of a `sensor_readings` file: columns and row checks, pure (the kind adds the loader). */

const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const MAX_FUTURE_MS = 24 * 3600_000;
const MAX_UNIT_CHARS = 32;

export const SENSOR_READING_COLUMNS = [
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

/** The problems of one row, with the rules of Sensors' ingestion (which refuses such a reading). */
export function sensorReadingProblems(row: RowValues): RowProblem[] {
  const problems = missingRequired({ columns: SENSOR_READING_COLUMNS }, row);
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
